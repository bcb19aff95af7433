#include "app/config_file.h"

#include <sys/stat.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "app/option_table.h"
#include "core/common/errno_text.h"
#include "core/common/secrets.h"
#include "core/kafka/kafka_property_check.h"

namespace spillway {

namespace {

const char* type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        default:
            return "a date or time";
    }
}

const char* expected(OptionKind kind) {
    switch (kind) {
        case OptionKind::Flag:
            return "true or false";
        case OptionKind::Integer:
            return "an integer";
        case OptionKind::Number:
            return "a number";
        default:
            return "a string";
    }
}

// The node's value as the text a command-line option would carry, if its type fits `kind`.
std::optional<std::string> as_text(const toml::node& node, OptionKind kind) {
    switch (kind) {
        case OptionKind::Flag:
            if (auto value = node.value_exact<bool>())
                return *value ? "true" : "false";
            return std::nullopt;
        case OptionKind::Integer:
            if (auto value = node.value_exact<int64_t>())
                return std::to_string(*value);
            return std::nullopt;
        case OptionKind::Number:
            if (auto value = node.value_exact<int64_t>())
                return std::to_string(*value);
            if (auto value = node.value_exact<double>()) {
                std::ostringstream text;
                text.precision(17);
                text << *value;
                return text.str();
            }
            return std::nullopt;
        default:
            if (auto value = node.value_exact<std::string>())
                return *value;
            return std::nullopt;
    }
}

// A librdkafka property's value: strings as they are, numbers and booleans as their text.
std::optional<std::string> kafka_value(const toml::node& node) {
    if (auto value = node.value_exact<std::string>())
        return *value;
    if (auto value = node.value_exact<int64_t>())
        return std::to_string(*value);
    if (auto value = node.value_exact<bool>())
        return *value ? "true" : "false";
    return std::nullopt;
}

class Loader {
public:
    Loader(std::string path, AppOptions& options) : path_(std::move(path)), options_(options) {}

    std::vector<std::string> load() {
        std::ifstream file(path_);
        if (!file) {
            lines_.push_back(0);
            problems_.push_back(path_ + ": cannot read: " + errno_text());
            return problems_;
        }
        toml::table root;
        try {
            root = toml::parse(file, path_);
        } catch (const toml::parse_error& error) {
            add(error.source().begin.line, "", std::string(error.description()));
            return problems_;
        }
        others_may_read_ = others_may_read();
        for (auto&& [key, node] : root) {
            const std::string section(key.str());
            const auto sections = config_sections();
            if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
                std::string known;
                for (const auto& name : sections)
                    known += (known.empty() ? "" : ", ") + name;
                add(line_of(key, node), section, "unknown table (known: " + known + ")");
                continue;
            }
            const toml::table* table = node.as_table();
            if (!table) {
                add(line_of(key, node), section,
                    std::string("expected a table [") + section + "], got " + type_name(node));
                continue;
            }
            if (section == "kafka")
                load_kafka(*table, "");
            else
                load_section(section, *table);
        }
        return in_file_order();
    }

private:
    static uint32_t line_of(const toml::key& key, const toml::node& node) {
        return key.source().begin.line ? key.source().begin.line : node.source().begin.line;
    }

    void add(uint32_t line, const std::string& key, const std::string& problem) {
        lines_.push_back(line);
        problems_.push_back(path_ + ":" + std::to_string(line) + ": " +
                            (key.empty() ? "" : key + ": ") + problem);
    }

    // toml++ hands keys over sorted by name: report in the order of the file instead.
    std::vector<std::string> in_file_order() const {
        std::vector<size_t> order(problems_.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [this](size_t a, size_t b) { return lines_[a] < lines_[b]; });
        std::vector<std::string> sorted;
        sorted.reserve(order.size());
        for (size_t i : order)
            sorted.push_back(problems_[i]);
        return sorted;
    }

    bool others_may_read() const {
        struct stat status {};
        return ::stat(path_.c_str(), &status) == 0 && (status.st_mode & 004) != 0;
    }

    void load_section(const std::string& section, const toml::table& table) {
        for (auto&& [key_node, node] : table) {
            const std::string key(key_node.str());
            const std::string name = section + "." + key;
            const uint32_t line = line_of(key_node, node);
            const OptionDefinition* definition = find_config_option(section, key);
            if (!definition) {
                add(line, name, "unknown key");
                continue;
            }
            const auto text = as_text(node, definition->kind);
            if (!text) {
                add(line, name,
                    std::string("expected ") + expected(definition->kind) + ", got " +
                        type_name(node));
                continue;
            }
            try {
                definition->apply(options_, *text);
            } catch (const OptionProblem& problem) {
                add(line, name, problem.problem);
            }
        }
    }

    // Dotted keys (fetch.wait.max.ms = 10) arrive as nested tables: join them back.
    void load_kafka(const toml::table& table, const std::string& prefix) {
        for (auto&& [key_node, node] : table) {
            const std::string property = prefix + std::string(key_node.str());
            const uint32_t line = line_of(key_node, node);
            if (const toml::table* nested = node.as_table()) {
                load_kafka(*nested, property + ".");
                continue;
            }
            const std::string name = "kafka." + property;
            const auto value = kafka_value(node);
            if (!value) {
                add(line, name,
                    std::string("expected a string, integer or boolean, got ") + type_name(node));
                continue;
            }
            if (is_secret_kafka_property(property)) {
                register_secret(*value);
                if (others_may_read_) {
                    add(line, name,
                        "a secret in a file every user may read: chmod o-r " + path_ +
                            " (or use source.kafka_sasl_password_file)");
                    continue;
                }
            }
            if (auto problem = kafka_property_problem(property, *value); !problem.empty()) {
                add(line, name, problem);
                continue;
            }
            options_.kafka_properties[property] = *value;
        }
    }

    std::string path_;
    AppOptions& options_;
    bool others_may_read_ = false;
    std::vector<std::string> problems_;
    std::vector<uint32_t> lines_;  // of each problem
};

}  // namespace

std::vector<std::string> apply_config_file(const std::string& path, AppOptions& options) {
    options.config_file = path;
    return Loader(path, options).load();
}

}  // namespace spillway
