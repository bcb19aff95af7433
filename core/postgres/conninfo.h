#pragma once
// libpq connection strings built and shown safely: parameters are added through libpq's own
// parser (PQconninfoParse) and written back with its quoting rules, never pasted; the version
// shown to people has its passwords replaced.
#include <string>
#include <utility>
#include <vector>

namespace spillway {

// `conninfo` (key=value or postgresql:// URI form) with `parameters` added or replaced (an empty
// value leaves the parameter as it was). The result is in key='value' form. Throws
// std::invalid_argument when `conninfo` does not parse or a parameter name is unknown to libpq;
// the message never repeats the connection string (it may hold a password).
std::string conninfo_with(const std::string& conninfo,
                          const std::vector<std::pair<std::string, std::string>>& parameters);

// The connection string with password and sslpassword shown as ********; a string libpq cannot
// parse is shown as "(a connection string libpq cannot parse)".
std::string redact_conninfo(const std::string& conninfo);

// The secret parameters (password, sslpassword) `conninfo` sets; empty when none or when it does
// not parse.
std::vector<std::string> conninfo_secret_keywords(const std::string& conninfo);

// Registers the password and sslpassword of `conninfo` (if any) with register_secret().
void register_conninfo_secrets(const std::string& conninfo);

// One value in libpq's quoting: 'it''s' -> 'it\'s'.
std::string quote_conninfo_value(const std::string& value);

}  // namespace spillway
