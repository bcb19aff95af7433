#include "support/prometheus_checker.h"

#include <cmath>
#include <cstring>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

namespace spillway::test {

namespace {

const std::regex kMetricName("[a-zA-Z_:][a-zA-Z0-9_:]*");
const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");
const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<double> parse_value(const std::string& text) {
    if (text == "+Inf" || text == "Inf")
        return HUGE_VAL;
    if (text == "-Inf")
        return -HUGE_VAL;
    if (text == "NaN")
        return NAN;
    if (text.empty())
        return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || text.find_first_of("xXpP") != std::string::npos ||
        text == "inf" || text == "nan")
        return std::nullopt;
    return value;
}

class Parser {
public:
    explicit Parser(PrometheusExposition& out) : out_(out) {}

    void line(size_t number, const std::string& text) {
        number_ = number;
        if (text.empty())
            return;  // blank lines are allowed
        if (text[0] == '#')
            return comment(text);
        sample(text);
    }

    void finish() {
        check_histograms();
        for (const auto& sample : out_.samples) {
            const auto type = out_.types.find(family_of(sample.name));
            if (type != out_.types.end() && type->second == "counter" &&
                !ends_with(sample.name, "_total"))
                error("counter " + sample.name + " does not end in _total");
        }
    }

private:
    void error(const std::string& what) {
        out_.errors.push_back("line " + std::to_string(number_) + ": " + what);
    }

    void comment(const std::string& text) {
        std::istringstream words(text.substr(1));
        std::string keyword, name;
        words >> keyword >> name;
        if (keyword != "HELP" && keyword != "TYPE")
            return;  // an ordinary comment
        if (text.compare(0, 2, "# ") != 0)
            error("HELP/TYPE must start with \"# \"");
        if (!std::regex_match(name, kMetricName))
            return error("bad metric name \"" + name + "\" in " + keyword);
        if (keyword == "HELP") {
            if (!helped_.insert(name).second)
                error("second HELP for " + name);
            return;
        }
        std::string type, extra;
        words >> type >> extra;
        if (!kTypes.count(type) || !extra.empty())
            return error("bad TYPE line for " + name);
        if (out_.types.count(name))
            return error("second TYPE for " + name);
        if (seen_families_.count(name))
            return error("TYPE for " + name + " after its samples");
        out_.types[name] = type;
    }

    std::string family_of(const std::string& name) const {
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
            if (ends_with(name, suffix)) {
                const std::string base = name.substr(0, name.size() - std::strlen(suffix));
                const auto type = out_.types.find(base);
                if (type != out_.types.end() &&
                    (type->second == "histogram" ||
                     (type->second == "summary" && std::string(suffix) != "_bucket")))
                    return base;
            }
        }
        return name;
    }

    void sample(const std::string& text) {
        PrometheusSample sample;
        size_t at = 0;
        while (at < text.size() && text[at] != '{' && text[at] != ' ')
            ++at;
        sample.name = text.substr(0, at);
        if (!std::regex_match(sample.name, kMetricName))
            return error("bad metric name \"" + sample.name + "\"");
        if (at < text.size() && text[at] == '{') {
            ++at;
            while (true) {
                if (at < text.size() && text[at] == '}') {
                    ++at;
                    break;
                }
                size_t equals = text.find('=', at);
                if (equals == std::string::npos)
                    return error("label without =");
                const std::string label = text.substr(at, equals - at);
                if (!std::regex_match(label, kLabelName))
                    return error("bad label name \"" + label + "\"");
                at = equals + 1;
                if (at >= text.size() || text[at] != '"')
                    return error("label value of " + label + " not quoted");
                ++at;
                std::string value;
                while (at < text.size() && text[at] != '"') {
                    if (text[at] == '\\') {
                        if (at + 1 >= text.size())
                            return error("dangling escape");
                        const char next = text[at + 1];
                        if (next == 'n')
                            value += '\n';
                        else if (next == '\\' || next == '"')
                            value += next;
                        else
                            return error(std::string("bad escape \\") + next);
                        at += 2;
                        continue;
                    }
                    value += text[at++];
                }
                if (at >= text.size())
                    return error("unterminated label value");
                ++at;
                if (!sample.labels.emplace(label, value).second)
                    return error("label " + label + " given twice");
                if (at < text.size() && text[at] == ',')
                    ++at;
                else if (at >= text.size() || text[at] != '}')
                    return error("expected , or } after a label");
            }
        }
        if (at >= text.size() || text[at] != ' ')
            return error("expected a space before the value");
        std::istringstream rest(text.substr(at + 1));
        std::string value_text, timestamp, extra;
        rest >> value_text >> timestamp >> extra;
        const auto value = parse_value(value_text);
        if (!value)
            return error("bad value \"" + value_text + "\"");
        if (!timestamp.empty() && timestamp.find_first_not_of("-0123456789") != std::string::npos)
            return error("bad timestamp \"" + timestamp + "\"");
        if (!extra.empty())
            return error("text after the timestamp");
        sample.value = *value;

        const std::string family = family_of(sample.name);
        if (!out_.types.count(family))
            error("sample " + sample.name + " has no TYPE");
        if (family != current_family_) {
            if (seen_families_.count(family))
                error("samples of " + family + " are not together");
            current_family_ = family;
            seen_families_.insert(family);
        }
        std::string series = sample.name;
        for (const auto& [name, label_value] : sample.labels)
            series += "," + name + "=" + label_value;
        if (!series_.insert(series).second)
            error("series given twice: " + series);
        if (out_.types[family] == "counter" && !(sample.value >= 0))
            error("counter " + sample.name + " is negative or NaN");
        out_.samples.push_back(std::move(sample));
    }

    void check_histograms() {
        for (const auto& [family, type] : out_.types) {
            if (type != "histogram")
                continue;
            // Group buckets by their labels without le.
            std::map<std::string, std::vector<std::pair<double, double>>> buckets;
            std::map<std::string, double> counts;
            std::set<std::string> sums;
            for (const auto& sample : out_.samples) {
                auto labels = sample.labels;
                const auto le = labels.find("le");
                std::string le_text;
                if (le != labels.end()) {
                    le_text = le->second;
                    labels.erase(le);
                }
                std::string key;
                for (const auto& [name, value] : labels)
                    key += name + "=" + value + ",";
                if (sample.name == family + "_bucket") {
                    const auto bound = parse_value(le_text);
                    if (!bound) {
                        error(family + "_bucket without a valid le label");
                        continue;
                    }
                    buckets[key].push_back({*bound, sample.value});
                } else if (sample.name == family + "_count") {
                    counts[key] = sample.value;
                } else if (sample.name == family + "_sum") {
                    sums.insert(key);
                } else if (sample.name == family) {
                    error("histogram " + family + " has a bare sample");
                }
            }
            if (buckets.empty())
                error("histogram " + family + " has no buckets");
            for (const auto& [key, list] : buckets) {
                for (size_t i = 1; i < list.size(); ++i) {
                    if (!(list[i].first > list[i - 1].first))
                        error(family + ": le bounds not increasing");
                    if (list[i].second < list[i - 1].second)
                        error(family + ": buckets not cumulative");
                }
                if (list.empty() || !std::isinf(list.back().first))
                    error(family + ": no le=\"+Inf\" bucket");
                else if (!counts.count(key) || counts[key] != list.back().second)
                    error(family + ": _count differs from the +Inf bucket");
                if (!sums.count(key))
                    error(family + ": no _sum");
            }
        }
    }

    PrometheusExposition& out_;
    size_t number_ = 0;
    std::set<std::string> helped_;
    std::set<std::string> seen_families_;
    std::set<std::string> series_;
    std::string current_family_;
};

}  // namespace

std::optional<double> PrometheusExposition::value(
    const std::string& name, const std::map<std::string, std::string>& labels) const {
    for (const auto& sample : samples)
        if (sample.name == name && sample.labels == labels)
            return sample.value;
    return std::nullopt;
}

std::vector<const PrometheusSample*> PrometheusExposition::all(const std::string& name) const {
    std::vector<const PrometheusSample*> found;
    for (const auto& sample : samples)
        if (sample.name == name)
            found.push_back(&sample);
    return found;
}

PrometheusExposition parse_prometheus_text(const std::string& text) {
    PrometheusExposition out;
    Parser parser(out);
    if (!text.empty() && text.back() != '\n')
        out.errors.push_back("the text does not end with a line feed");
    std::istringstream lines(text);
    std::string line;
    for (size_t number = 1; std::getline(lines, line); ++number) {
        if (!line.empty() && line.back() == '\r')
            out.errors.push_back("line " + std::to_string(number) + ": carriage return");
        parser.line(number, line);
    }
    parser.finish();
    return out;
}

}  // namespace spillway::test
