#include "ui/session/connection_profile.h"

#include <QFileInfo>
#include <QUrl>
#include <array>
#include <utility>

#include "core/postgres/conninfo.h"
#include "core/common/secrets.h"

namespace spillway {

namespace {

const QString kGroup = QStringLiteral("connection_profiles");
const QString kLastUsedKey = QStringLiteral("connection/last_profile");

// A name may hold '/', which QSettings reads as a subgroup.
QString group_key(const QString& name) {
    return kGroup + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(name));
}

std::string quoted(const QString& value) {
    return quote_conninfo_value(value.toStdString());
}

// What is wrong with a file the profile names (`field` as the dialog labels it), or empty.
QString file_problem(const QString& field, const QString& path) {
    if (path.isEmpty())
        return {};
    const QFileInfo info(path);
    if (!info.exists())
        return QObject::tr("%1: \"%2\" does not exist.").arg(field, path);
    if (!info.isFile())
        return QObject::tr("%1: \"%2\" is not a file.").arg(field, path);
    if (!info.isReadable())
        return QObject::tr("%1: \"%2\" cannot be read.").arg(field, path);
    return {};
}

// The TLS files of Kafka or PostgreSQL, with the names the person sees next to them.
struct TlsFiles {
    QString system;                                    // "Kafka", "PostgreSQL"
    std::array<std::pair<QString, QString>, 3> files;  // CA, certificate, key: label, path
};

// A client certificate and its key go together; every file given must be there.
QString tls_files_problem(const TlsFiles& tls) {
    const auto& [cert_field, cert] = tls.files[1];
    const auto& [key_field, key] = tls.files[2];
    if (!key.isEmpty() && cert.isEmpty())
        return QObject::tr("%1: the client key \"%2\" needs its %3 too.")
            .arg(tls.system, key, cert_field);
    if (!cert.isEmpty() && key.isEmpty())
        return QObject::tr("%1: the client certificate \"%2\" needs its %3 too.")
            .arg(tls.system, cert, key_field);
    for (const auto& [field, path] : tls.files)
        if (QString problem = file_problem(tls.system + u' ' + field, path); !problem.isEmpty())
            return problem;
    return {};
}

QString kafka_tls_problem(const ConnectionProfile& p) {
    if (!p.kafka_ssl_key_password.isEmpty() && p.kafka_ssl_key_location.isEmpty())
        return QObject::tr("Kafka: a key password is given but no client key (ssl.key.location).");
    return tls_files_problem(
        {QStringLiteral("Kafka"),
         {{{QObject::tr("CA file (ssl.ca.location)"), p.kafka_ssl_ca_location},
           {QObject::tr("client certificate (ssl.certificate.location)"),
            p.kafka_ssl_certificate_location},
           {QObject::tr("client key (ssl.key.location)"), p.kafka_ssl_key_location}}}});
}

QString postgres_tls_problem(const ConnectionProfile& p) {
    const bool any_file =
        !p.pg_sslrootcert.isEmpty() || !p.pg_sslcert.isEmpty() || !p.pg_sslkey.isEmpty();
    if (any_file && p.pg_sslmode.trimmed() == QStringLiteral("disable"))
        return QObject::tr(
            "PostgreSQL: SSL mode is \"disable\", so its certificate files would not be used; "
            "choose another SSL mode or clear them.");
    return tls_files_problem({QStringLiteral("PostgreSQL"),
                              {{{QObject::tr("root certificate (sslrootcert)"), p.pg_sslrootcert},
                                {QObject::tr("client certificate (sslcert)"), p.pg_sslcert},
                                {QObject::tr("client key (sslkey)"), p.pg_sslkey}}}});
}

}  // namespace

bool ConnectionProfile::uses_sasl() const {
    return security_protocol.startsWith(QStringLiteral("sasl"), Qt::CaseInsensitive);
}

bool is_tls_protocol(const QString& protocol) {
    const QString lower = protocol.trimmed().toLower();
    return lower == QStringLiteral("ssl") || lower == QStringLiteral("sasl_ssl");
}

bool ConnectionProfile::uses_tls() const {
    return is_tls_protocol(security_protocol);
}

QString ConnectionProfile::problem() const {
    if (name.trimmed().isEmpty())
        return QObject::tr("The profile needs a name.");
    if (is_remote()) {
        const QUrl url(engine_url.trimmed(), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QStringLiteral("http") && url.scheme() != QStringLiteral("https")))
            return QObject::tr(
                "The remote engine needs its control API's address, e.g. "
                "http://127.0.0.1:9464.");
        if (!api_has_token && api_token.trimmed().isEmpty())
            return QObject::tr(
                "The remote engine needs its API token (the content of the file "
                "given to the engine with --api-token-file).");
        return {};
    }
    if (bootstrap_servers.trimmed().isEmpty())
        return QObject::tr("Kafka needs at least one bootstrap server (host:port).");
    if (topic.trimmed().isEmpty())
        return QObject::tr("Kafka needs a topic to read.");
    if (group.trimmed().isEmpty())
        return QObject::tr("Kafka needs a consumer group.");
    if (uses_sasl() && sasl_username.trimmed().isEmpty())
        return QObject::tr("SASL needs a user name.");
    if (uses_tls())
        if (QString problem = kafka_tls_problem(*this); !problem.isEmpty())
            return problem;
    if (pg_host.trimmed().isEmpty())
        return QObject::tr("PostgreSQL needs a host.");
    if (!parse_payload_format(payload_format.toStdString()))
        return QObject::tr("Payload storage must be jsonb or zstd, not \"%1\".")
            .arg(payload_format);
    if (pg_port <= 0 || pg_port > 65535)
        return QObject::tr("PostgreSQL's port must be between 1 and 65535.");
    if (pg_database.trimmed().isEmpty())
        return QObject::tr("PostgreSQL needs a database name.");
    return postgres_tls_problem(*this);
}

QString ConnectionProfile::postgres_address() const {
    return QStringLiteral("%1:%2").arg(pg_host).arg(pg_port);
}

QString ConnectionProfile::describe() const {
    if (is_remote())
        return QObject::tr("Remote engine %1 (control API)").arg(engine_url);
    return QObject::tr("Kafka %1 · topic %2 · group %3 → PostgreSQL %4@%5/%6")
        .arg(bootstrap_servers, topic, group,
             pg_user.isEmpty() ? QStringLiteral("(default user)") : pg_user, postgres_address(),
             pg_database);
}

std::map<std::string, std::string> kafka_security_properties(const ConnectionProfile& profile) {
    std::map<std::string, std::string> properties;
    const QString protocol = profile.security_protocol.trimmed().toLower();
    if (protocol.isEmpty() || protocol == QStringLiteral("plaintext"))
        return properties;
    properties["security.protocol"] = protocol.toStdString();
    if (profile.uses_sasl()) {
        properties["sasl.mechanism"] = profile.sasl_mechanism.trimmed().toStdString();
        properties["sasl.username"] = profile.sasl_username.toStdString();
        if (!profile.kafka_password.isEmpty())
            properties["sasl.password"] = profile.kafka_password.toStdString();
    }
    if (profile.uses_tls()) {
        for (const auto& [name, value] :
             {std::pair{"ssl.ca.location", &profile.kafka_ssl_ca_location},
              std::pair{"ssl.certificate.location", &profile.kafka_ssl_certificate_location},
              std::pair{"ssl.key.location", &profile.kafka_ssl_key_location},
              std::pair{"ssl.key.password", &profile.kafka_ssl_key_password}})
            if (!value->isEmpty())
                properties[name] = value->toStdString();
    }
    return properties;
}

std::string postgres_conninfo(const ConnectionProfile& profile) {
    std::string conninfo = "host=" + quoted(profile.pg_host.trimmed()) +
                           " port=" + std::to_string(profile.pg_port) +
                           " dbname=" + quoted(profile.pg_database.trimmed());
    if (!profile.pg_user.trimmed().isEmpty())
        conninfo += " user=" + quoted(profile.pg_user.trimmed());
    if (!profile.pg_password.isEmpty())
        conninfo += " password=" + quoted(profile.pg_password);
    if (!profile.pg_sslmode.trimmed().isEmpty())
        conninfo += " sslmode=" + quoted(profile.pg_sslmode.trimmed());
    for (const auto& [name, value] :
         {std::pair{" sslrootcert=", &profile.pg_sslrootcert},
          std::pair{" sslcert=", &profile.pg_sslcert}, std::pair{" sslkey=", &profile.pg_sslkey}})
        if (!value->isEmpty())
            conninfo += name + quoted(*value);
    conninfo += " application_name='spillway'";
    return conninfo;
}

RunPlan plan_for_profile(const ConnectionProfile& profile, RunPlan base) {
    for (const QString* secret :
         {&profile.kafka_password, &profile.kafka_ssl_key_password, &profile.pg_password})
        register_secret(secret->toStdString());
    base.demo = false;
    SourceOptions& source = base.engine.source;
    source.bootstrap_servers = profile.bootstrap_servers.trimmed().toStdString();
    source.topic = profile.topic.trimmed().toStdString();
    source.group_id = profile.group.trimmed().toStdString();
    for (const auto& [key, value] : kafka_security_properties(profile))
        source.kafka_properties[key] = value;
    base.engine.sink.conninfo = postgres_conninfo(profile);
    base.engine.sink.topic = source.topic;
    if (const auto format = parse_payload_format(profile.payload_format.toStdString()))
        base.engine.sink.payload_format = *format;
    return base;
}

ConnectionProfileStore::ConnectionProfileStore(QSettings* settings) : settings_(settings) {}

QSettings& ConnectionProfileStore::settings() const {
    return settings_ ? *settings_ : own_;
}

QStringList ConnectionProfileStore::names() const {
    QSettings& s = settings();
    s.beginGroup(kGroup);
    QStringList names;
    for (const QString& key : s.childGroups())
        names << QUrl::fromPercentEncoding(key.toLatin1());
    s.endGroup();
    names.sort(Qt::CaseInsensitive);
    return names;
}

std::optional<ConnectionProfile> ConnectionProfileStore::load(const QString& name) const {
    QSettings& s = settings();
    s.beginGroup(group_key(name));
    std::optional<ConnectionProfile> loaded;
    if (s.contains(QStringLiteral("bootstrap_servers")) ||
        s.contains(QStringLiteral("engine_url"))) {
        ConnectionProfile p;
        p.name = name;
        p.kind = s.value(QStringLiteral("kind")).toString() == QStringLiteral("remote_engine")
                     ? ProfileKind::RemoteEngine
                     : ProfileKind::Pipeline;
        p.engine_url = s.value(QStringLiteral("engine_url")).toString();
        p.api_has_token = s.value(QStringLiteral("api_has_token")).toBool();
        p.bootstrap_servers = s.value(QStringLiteral("bootstrap_servers")).toString();
        p.topic = s.value(QStringLiteral("topic"), p.topic).toString();
        p.group = s.value(QStringLiteral("group"), p.group).toString();
        p.security_protocol =
            s.value(QStringLiteral("security_protocol"), p.security_protocol).toString();
        p.sasl_mechanism = s.value(QStringLiteral("sasl_mechanism"), p.sasl_mechanism).toString();
        p.sasl_username = s.value(QStringLiteral("sasl_username")).toString();
        p.kafka_ssl_ca_location = s.value(QStringLiteral("kafka_ssl_ca_location")).toString();
        p.kafka_ssl_certificate_location =
            s.value(QStringLiteral("kafka_ssl_certificate_location")).toString();
        p.kafka_ssl_key_location = s.value(QStringLiteral("kafka_ssl_key_location")).toString();
        p.pg_host = s.value(QStringLiteral("pg_host"), p.pg_host).toString();
        p.pg_port = s.value(QStringLiteral("pg_port"), p.pg_port).toInt();
        p.pg_database = s.value(QStringLiteral("pg_database"), p.pg_database).toString();
        p.pg_user = s.value(QStringLiteral("pg_user")).toString();
        p.pg_sslmode = s.value(QStringLiteral("pg_sslmode"), p.pg_sslmode).toString();
        p.pg_sslrootcert = s.value(QStringLiteral("pg_sslrootcert")).toString();
        p.pg_sslcert = s.value(QStringLiteral("pg_sslcert")).toString();
        p.pg_sslkey = s.value(QStringLiteral("pg_sslkey")).toString();
        p.payload_format = s.value(QStringLiteral("payload_format"), p.payload_format).toString();
        p.kafka_has_password = s.value(QStringLiteral("kafka_has_password")).toBool();
        p.kafka_has_key_password = s.value(QStringLiteral("kafka_has_key_password")).toBool();
        p.pg_has_password = s.value(QStringLiteral("pg_has_password")).toBool();
        p.secret_storage =
            s.value(QStringLiteral("secret_storage")).toString() == QStringLiteral("ask")
                ? SecretStorage::AskEachTime
                : SecretStorage::Keychain;
        loaded = std::move(p);
    }
    s.endGroup();
    return loaded;
}

void ConnectionProfileStore::save(const ConnectionProfile& p) {
    QSettings& s = settings();
    s.remove(group_key(p.name));
    s.beginGroup(group_key(p.name));
    if (p.is_remote()) {
        s.setValue(QStringLiteral("kind"), QStringLiteral("remote_engine"));
        s.setValue(QStringLiteral("engine_url"), p.engine_url);
        s.setValue(QStringLiteral("api_has_token"), p.api_has_token);
    }
    s.setValue(QStringLiteral("bootstrap_servers"), p.bootstrap_servers);
    s.setValue(QStringLiteral("topic"), p.topic);
    s.setValue(QStringLiteral("group"), p.group);
    s.setValue(QStringLiteral("security_protocol"), p.security_protocol);
    s.setValue(QStringLiteral("sasl_mechanism"), p.sasl_mechanism);
    s.setValue(QStringLiteral("sasl_username"), p.sasl_username);
    s.setValue(QStringLiteral("kafka_ssl_ca_location"), p.kafka_ssl_ca_location);
    s.setValue(QStringLiteral("kafka_ssl_certificate_location"), p.kafka_ssl_certificate_location);
    s.setValue(QStringLiteral("kafka_ssl_key_location"), p.kafka_ssl_key_location);
    s.setValue(QStringLiteral("pg_host"), p.pg_host);
    s.setValue(QStringLiteral("pg_port"), p.pg_port);
    s.setValue(QStringLiteral("pg_database"), p.pg_database);
    s.setValue(QStringLiteral("pg_user"), p.pg_user);
    s.setValue(QStringLiteral("pg_sslmode"), p.pg_sslmode);
    s.setValue(QStringLiteral("pg_sslrootcert"), p.pg_sslrootcert);
    s.setValue(QStringLiteral("pg_sslcert"), p.pg_sslcert);
    s.setValue(QStringLiteral("pg_sslkey"), p.pg_sslkey);
    s.setValue(QStringLiteral("payload_format"), p.payload_format);
    s.setValue(QStringLiteral("kafka_has_password"), p.kafka_has_password);
    s.setValue(QStringLiteral("kafka_has_key_password"), p.kafka_has_key_password);
    s.setValue(QStringLiteral("pg_has_password"), p.pg_has_password);
    s.setValue(QStringLiteral("secret_storage"), p.secret_storage == SecretStorage::AskEachTime
                                                     ? QStringLiteral("ask")
                                                     : QStringLiteral("keychain"));
    s.endGroup();
    s.sync();
}

void ConnectionProfileStore::remove(const QString& name) {
    settings().remove(group_key(name));
    if (last_used() == name)
        settings().remove(kLastUsedKey);
    settings().sync();
}

QString ConnectionProfileStore::last_used() const {
    return settings().value(kLastUsedKey).toString();
}

void ConnectionProfileStore::set_last_used(const QString& name) {
    settings().setValue(kLastUsedKey, name);
    settings().sync();
}

}  // namespace spillway
