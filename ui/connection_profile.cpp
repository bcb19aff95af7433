#include "ui/connection_profile.h"

#include <QUrl>

namespace spillway {

namespace {

const QString kGroup = QStringLiteral("connection_profiles");
const QString kLastUsedKey = QStringLiteral("connection/last_profile");

// A name may hold '/', which QSettings reads as a subgroup.
QString group_key(const QString& name) {
    return kGroup + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(name));
}

std::string quote_conninfo_value(const QString& value) {
    std::string quoted = "'";
    for (const char c : value.toStdString()) {
        if (c == '\'' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    return quoted + "'";
}

}  // namespace

bool ConnectionProfile::uses_sasl() const {
    return security_protocol.startsWith(QStringLiteral("sasl"), Qt::CaseInsensitive);
}

QString ConnectionProfile::problem() const {
    if (name.trimmed().isEmpty())
        return QObject::tr("The profile needs a name.");
    if (bootstrap_servers.trimmed().isEmpty())
        return QObject::tr("Kafka needs at least one bootstrap server (host:port).");
    if (topic.trimmed().isEmpty())
        return QObject::tr("Kafka needs a topic to read.");
    if (group.trimmed().isEmpty())
        return QObject::tr("Kafka needs a consumer group.");
    if (uses_sasl() && sasl_username.trimmed().isEmpty())
        return QObject::tr("SASL needs a user name.");
    if (pg_host.trimmed().isEmpty())
        return QObject::tr("PostgreSQL needs a host.");
    if (!parse_payload_format(payload_format.toStdString()))
        return QObject::tr("Payload storage must be jsonb or zstd, not \"%1\".")
            .arg(payload_format);
    if (pg_port <= 0 || pg_port > 65535)
        return QObject::tr("PostgreSQL's port must be between 1 and 65535.");
    if (pg_database.trimmed().isEmpty())
        return QObject::tr("PostgreSQL needs a database name.");
    return {};
}

QString ConnectionProfile::postgres_address() const {
    return QStringLiteral("%1:%2").arg(pg_host).arg(pg_port);
}

QString ConnectionProfile::describe() const {
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
    return properties;
}

std::string postgres_conninfo(const ConnectionProfile& profile) {
    std::string conninfo = "host=" + quote_conninfo_value(profile.pg_host.trimmed()) +
                           " port=" + std::to_string(profile.pg_port) +
                           " dbname=" + quote_conninfo_value(profile.pg_database.trimmed());
    if (!profile.pg_user.trimmed().isEmpty())
        conninfo += " user=" + quote_conninfo_value(profile.pg_user.trimmed());
    if (!profile.pg_password.isEmpty())
        conninfo += " password=" + quote_conninfo_value(profile.pg_password);
    if (!profile.pg_sslmode.trimmed().isEmpty())
        conninfo += " sslmode=" + quote_conninfo_value(profile.pg_sslmode.trimmed());
    conninfo += " application_name='spillway'";
    return conninfo;
}

RunPlan plan_for_profile(const ConnectionProfile& profile, RunPlan base) {
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
    if (s.contains(QStringLiteral("bootstrap_servers"))) {
        ConnectionProfile p;
        p.name = name;
        p.bootstrap_servers = s.value(QStringLiteral("bootstrap_servers")).toString();
        p.topic = s.value(QStringLiteral("topic"), p.topic).toString();
        p.group = s.value(QStringLiteral("group"), p.group).toString();
        p.security_protocol =
            s.value(QStringLiteral("security_protocol"), p.security_protocol).toString();
        p.sasl_mechanism = s.value(QStringLiteral("sasl_mechanism"), p.sasl_mechanism).toString();
        p.sasl_username = s.value(QStringLiteral("sasl_username")).toString();
        p.pg_host = s.value(QStringLiteral("pg_host"), p.pg_host).toString();
        p.pg_port = s.value(QStringLiteral("pg_port"), p.pg_port).toInt();
        p.pg_database = s.value(QStringLiteral("pg_database"), p.pg_database).toString();
        p.pg_user = s.value(QStringLiteral("pg_user")).toString();
        p.pg_sslmode = s.value(QStringLiteral("pg_sslmode"), p.pg_sslmode).toString();
        p.payload_format = s.value(QStringLiteral("payload_format"), p.payload_format).toString();
        p.kafka_has_password = s.value(QStringLiteral("kafka_has_password")).toBool();
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
    s.setValue(QStringLiteral("bootstrap_servers"), p.bootstrap_servers);
    s.setValue(QStringLiteral("topic"), p.topic);
    s.setValue(QStringLiteral("group"), p.group);
    s.setValue(QStringLiteral("security_protocol"), p.security_protocol);
    s.setValue(QStringLiteral("sasl_mechanism"), p.sasl_mechanism);
    s.setValue(QStringLiteral("sasl_username"), p.sasl_username);
    s.setValue(QStringLiteral("pg_host"), p.pg_host);
    s.setValue(QStringLiteral("pg_port"), p.pg_port);
    s.setValue(QStringLiteral("pg_database"), p.pg_database);
    s.setValue(QStringLiteral("pg_user"), p.pg_user);
    s.setValue(QStringLiteral("pg_sslmode"), p.pg_sslmode);
    s.setValue(QStringLiteral("payload_format"), p.payload_format);
    s.setValue(QStringLiteral("kafka_has_password"), p.kafka_has_password);
    s.setValue(QStringLiteral("pg_has_password"), p.pg_has_password);
    s.setValue(QStringLiteral("secret_storage"), p.secret_storage == SecretStorage::AskEachTime
                                                     ? QStringLiteral("ask")
                                                     : QStringLiteral("keychain"));
    s.endGroup();
    s.sync();
}

void ConnectionProfileStore::remove(const QString& name) {
    settings().remove(group_key(name));
    if (lastUsed() == name)
        settings().remove(kLastUsedKey);
    settings().sync();
}

QString ConnectionProfileStore::lastUsed() const {
    return settings().value(kLastUsedKey).toString();
}

void ConnectionProfileStore::setLastUsed(const QString& name) {
    settings().setValue(kLastUsedKey, name);
    settings().sync();
}

}  // namespace spillway
