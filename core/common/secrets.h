#pragma once
// Secret hygiene: passwords and tokens never reach a log line, an error message, the API or
// /metrics. Secrets are read from files (never from the command line, where `ps` shows them),
// registered here when read, and every text the process writes through Qt's logging or its own
// error paths passes redact(). Connection strings and librdkafka properties are redacted by name.
#include <map>
#include <string>
#include <string_view>

namespace spillway {

inline constexpr const char* kRedacted = "********";

// Remembers a secret value for redact(); empty values are ignored. Thread-safe.
void register_secret(const std::string& value);
// Replaces every registered secret in `text` with ********.
std::string redact(std::string text);
// Installs a Qt message handler that redacts every message before the previous handler sees it.
void install_redacting_message_handler();

// librdkafka properties whose values are secrets (sasl.password, ssl.key.password, ...).
bool is_secret_kafka_property(std::string_view name);
// "name=value" lines, secrets shown as ********, for logs and check reports.
std::string describe_kafka_properties(const std::map<std::string, std::string>& properties);

// Reads a secret from a file: its first line without surrounding whitespace. Throws
// std::runtime_error naming the file (never its content) when it cannot be read or is empty.
// When `owner_only` is set, also refuses a file that group or others may read or write.
std::string read_secret_file(const std::string& path, bool owner_only);
// "" when only the owner may read or write `path`, else why not (naming the file and its mode).
std::string owner_only_problem(const std::string& path);

}  // namespace spillway
