#include "core/postgres/conninfo.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

#include "core/common/secrets.h"

namespace spillway {

namespace {

struct OptionsDeleter {
    void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using Options = std::unique_ptr<PQconninfoOption, OptionsDeleter>;

Options parse(const std::string& conninfo, std::string* error) {
    char* message = nullptr;
    Options options(PQconninfoParse(conninfo.c_str(), &message));
    if (!options && error) {
        // libpq may quote a fragment of the string (which could be part of a password): keep only
        // its words up to the first quote.
        std::string text = message ? message : "out of memory";
        text = text.substr(0, text.find('"'));
        while (!text.empty() && (text.back() == ' ' || text.back() == '\n'))
            text.pop_back();
        *error = text;
    }
    PQfreemem(message);
    return options;
}

bool is_password(const char* keyword) {
    const std::string name = keyword;
    return name == "password" || name == "sslpassword";
}

}  // namespace

std::string quote_conninfo_value(const std::string& value) {
    std::string quoted = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    return quoted + "'";
}

std::string conninfo_with(const std::string& conninfo,
                          const std::vector<std::pair<std::string, std::string>>& parameters) {
    std::string error;
    Options options = parse(conninfo, &error);
    if (!options)
        throw std::invalid_argument("not a valid PostgreSQL connection string (" + error + ")");
    std::string result;
    for (const auto& [name, value] : parameters) {
        bool known = false;
        for (auto* option = options.get(); option->keyword; ++option)
            known = known || name == option->keyword;
        if (!known)
            throw std::invalid_argument("\"" + name + "\" is not a libpq connection parameter");
    }
    for (auto* option = options.get(); option->keyword; ++option) {
        std::string value = option->val ? option->val : "";
        bool set = option->val != nullptr;
        for (const auto& [name, override_value] : parameters) {
            if (name == option->keyword && !override_value.empty()) {
                value = override_value;
                set = true;
            }
        }
        if (!set)
            continue;
        if (!result.empty())
            result += ' ';
        result += std::string(option->keyword) + "=" + quote_conninfo_value(value);
    }
    return result;
}

std::vector<std::string> conninfo_secret_keywords(const std::string& conninfo) {
    std::vector<std::string> keywords;
    Options options = parse(conninfo, nullptr);
    for (auto* option = options.get(); option && option->keyword; ++option)
        if (option->val && is_password(option->keyword))
            keywords.emplace_back(option->keyword);
    return keywords;
}

void register_conninfo_secrets(const std::string& conninfo) {
    Options options = parse(conninfo, nullptr);
    for (auto* option = options.get(); option && option->keyword; ++option)
        if (option->val && is_password(option->keyword))
            register_secret(option->val);
}

std::string redact_conninfo(const std::string& conninfo) {
    Options options = parse(conninfo, nullptr);
    if (!options)
        return "(a connection string libpq cannot parse)";
    std::string result;
    for (auto* option = options.get(); option->keyword; ++option) {
        if (!option->val)
            continue;
        if (!result.empty())
            result += ' ';
        result += std::string(option->keyword) + "=" +
                  (is_password(option->keyword) ? std::string(kRedacted)
                                                : quote_conninfo_value(option->val));
    }
    return result;
}

}  // namespace spillway
