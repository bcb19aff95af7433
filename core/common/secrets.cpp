#include "core/common/secrets.h"
#include "core/common/errno_text.h"

#include <sys/stat.h>

#include <QString>
#include <QtGlobal>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <stdexcept>
#include <vector>

namespace spillway {

namespace {

std::mutex& registry_mutex() {
    static std::mutex mutex;
    return mutex;
}
std::set<std::string>& registry() {
    static std::set<std::string> secrets;
    return secrets;
}

QtMessageHandler g_previous_handler = nullptr;

void redacting_handler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    const QString clean = QString::fromStdString(redact(message.toStdString()));
    if (g_previous_handler)
        g_previous_handler(type, context, clean);
}

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

}  // namespace

void register_secret(const std::string& value) {
    if (value.empty())
        return;
    std::lock_guard lock(registry_mutex());
    registry().insert(value);
}

std::string redact(std::string text) {
    std::lock_guard lock(registry_mutex());
    // Longest first, so a secret that contains another is replaced whole.
    std::vector<const std::string*> secrets;
    for (const auto& secret : registry())
        secrets.push_back(&secret);
    std::sort(secrets.begin(), secrets.end(),
              [](const auto* a, const auto* b) { return a->size() > b->size(); });
    for (const auto* secret : secrets) {
        for (size_t at = text.find(*secret); at != std::string::npos;
             at = text.find(*secret, at + std::strlen(kRedacted)))
            text.replace(at, secret->size(), kRedacted);
    }
    return text;
}

void install_redacting_message_handler() {
    static std::once_flag once;
    std::call_once(once, [] { g_previous_handler = qInstallMessageHandler(redacting_handler); });
}

bool is_secret_kafka_property(std::string_view name) {
    static constexpr std::array<std::string_view, 8> kSecrets = {
        "sasl.password",
        "ssl.key.password",
        "ssl.keystore.password",
        "ssl.key.pem",
        "sasl.oauthbearer.client.secret",
        "sasl.oauthbearer.config",
        "ssl_key",
        "sasl.oauthbearer.token",
    };
    return std::find(kSecrets.begin(), kSecrets.end(), name) != kSecrets.end() ||
           name.find("password") != std::string_view::npos ||
           name.find("secret") != std::string_view::npos;
}

std::string describe_kafka_properties(const std::map<std::string, std::string>& properties) {
    std::string text;
    for (const auto& [name, value] : properties)
        text += name + "=" + (is_secret_kafka_property(name) ? kRedacted : value) + "\n";
    return text;
}

std::string owner_only_problem(const std::string& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0)
        return path + ": " + errno_text();
    if ((status.st_mode & 077) != 0)
        return path + " has mode " + octal_mode(status.st_mode) +
               ": group and others must have no access to it (chmod 600 " + path + ")";
    return {};
}

std::string read_secret_file(const std::string& path, bool owner_only) {
    if (owner_only) {
        if (auto problem = owner_only_problem(path); !problem.empty())
            throw std::runtime_error(problem);
    }
    std::ifstream file(path);
    if (!file)
        throw std::runtime_error(path + ": " + errno_text());
    std::string line;
    std::getline(file, line);
    const auto first = line.find_first_not_of(" \t\r\n");
    const auto last = line.find_last_not_of(" \t\r\n");
    if (first == std::string::npos)
        throw std::runtime_error(path +
                                 ": the file is empty (expected the secret on its first line)");
    std::string secret = line.substr(first, last - first + 1);
    register_secret(secret);
    return secret;
}

}  // namespace spillway
