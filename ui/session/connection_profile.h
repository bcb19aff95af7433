#pragma once
// A connection profile: where the console's engine reads (Kafka bootstrap servers, topic, group,
// security settings) and writes (PostgreSQL). Profiles are kept in QSettings WITHOUT their
// passwords: those go to the system keychain (see connection_profile_secrets.h) or, where there
// is none, are asked for on each connect.
#include <QSettings>
#include <QString>
#include <QStringList>
#include <map>
#include <optional>
#include <string>

#include "core/session/run_plan.h"

namespace spillway {

// Where a profile's passwords live.
enum class SecretStorage { Keychain, AskEachTime };

// What a profile connects to: Kafka and PostgreSQL, with the engine running inside the console,
// or a headless engine elsewhere, watched and tuned through its control API.
enum class ProfileKind { Pipeline, RemoteEngine };

struct ConnectionProfile {
    QString name;
    ProfileKind kind = ProfileKind::Pipeline;

    // Remote engine: the control API's base URL and its bearer token (the content of the
    // engine's --api-token-file).
    QString engine_url;
    QString api_token;  // secret: never saved in the settings

    QString bootstrap_servers;
    QString topic = QStringLiteral("events");
    QString group = QStringLiteral("spillway");
    QString security_protocol = QStringLiteral("plaintext");  // plaintext, ssl, sasl_*
    QString sasl_mechanism = QStringLiteral("PLAIN");         // PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
    QString sasl_username;
    QString kafka_password;  // secret: never saved in the settings
    // TLS (security protocol ssl or sasl_ssl): file paths, as librdkafka's ssl.ca.location,
    // ssl.certificate.location and ssl.key.location; the key's password is a secret.
    QString kafka_ssl_ca_location;
    QString kafka_ssl_certificate_location;
    QString kafka_ssl_key_location;
    QString kafka_ssl_key_password;  // secret: never saved in the settings

    QString pg_host = QStringLiteral("localhost");
    int pg_port = 5432;
    QString pg_database = QStringLiteral("postgres");
    QString pg_user;
    QString pg_password;  // secret: never saved in the settings
    QString pg_sslmode = QStringLiteral("prefer");
    // libpq's sslrootcert, sslcert and sslkey: file paths (sslcert and sslkey go together).
    QString pg_sslrootcert;
    QString pg_sslcert;
    QString pg_sslkey;
    QString payload_format = QStringLiteral("jsonb");  // jsonb or zstd (see --payload-format)

    // Saved: whether a password belongs to the profile, and where it is kept.
    bool kafka_has_password = false;
    bool kafka_has_key_password = false;
    bool pg_has_password = false;
    bool api_has_token = false;
    SecretStorage secret_storage = SecretStorage::Keychain;

    bool uses_sasl() const;
    bool uses_tls() const;  // security protocol ssl or sasl_ssl
    bool is_remote() const { return kind == ProfileKind::RemoteEngine; }
    // What is wrong with it for a person to fix, or empty.
    QString problem() const;
    // "Kafka 10.0.0.5:9092 · topic orders · group spillway → PostgreSQL ingest@db:5432"
    QString describe() const;
    QString kafka_address() const { return bootstrap_servers; }
    QString postgres_address() const;
    // Where the profile connects: the engine's URL, or the Kafka bootstrap servers.
    QString address() const { return is_remote() ? engine_url : bootstrap_servers; }
};

// Whether a Kafka security protocol encrypts: ssl or sasl_ssl.
bool is_tls_protocol(const QString& protocol);
// The librdkafka properties for the profile's security settings (with the password when set).
std::map<std::string, std::string> kafka_security_properties(const ConnectionProfile& profile);
// A libpq key/value connection string, every value quoted.
std::string postgres_conninfo(const ConnectionProfile& profile);
// `base` pointed at the profile's systems (the demo switched off): what the console starts.
// Registers the profile's passwords with register_secret(), so no log line shows them.
RunPlan plan_for_profile(const ConnectionProfile& profile, RunPlan base = {});

// The saved profiles, in a QSettings (the application's by default).
class ConnectionProfileStore {
public:
    explicit ConnectionProfileStore(QSettings* settings = nullptr);

    QStringList names() const;                                         // sorted
    std::optional<ConnectionProfile> load(const QString& name) const;  // passwords left empty
    void save(const ConnectionProfile& profile);                       // passwords never written
    void remove(const QString& name);
    QString last_used() const;
    void set_last_used(const QString& name);

private:
    QSettings& settings() const;
    mutable QSettings own_;
    QSettings* settings_;
};

}  // namespace spillway
