#include "ui/session/connection_profile_check.h"

#include <librdkafka/rdkafka.h>

#include <QStringList>
#include <algorithm>
#include <memory>
#include <mutex>
#include <string>

#include "core/kafka/kafka_handle.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

namespace {

// librdkafka's words for a failed connection, e.g. "127.0.0.1:1/bootstrap: Connect to
// ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)", cut to the cause.
QString connection_cause(const std::string& reason) {
    QString text = QString::fromStdString(reason);
    if (const qsizetype failed = text.indexOf(QStringLiteral("failed: ")); failed >= 0)
        text = text.mid(failed + 8);
    if (const qsizetype after = text.indexOf(QStringLiteral(" (after ")); after >= 0)
        text = text.left(after);
    if (!text.isEmpty() && text.front().isUpper() &&
        (text.size() < 2 || !text.at(1).isUpper()))  // "Connection refused", not "SASL ..."
        text.front() = text.front().toLower();
    return text.trimmed();
}

struct KafkaErrors {
    std::mutex mutex;
    std::string cause;  // the first error the client reported other than "all brokers down"
    bool all_brokers_down = false;
};

// Served by rd_kafka_poll() on the checking thread.
void on_kafka_error(rd_kafka_t*, int code, const char* reason, void* opaque) {
    auto* errors = static_cast<KafkaErrors*>(opaque);
    std::lock_guard lock(errors->mutex);
    if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        errors->all_brokers_down = true;
    else if (errors->cause.empty() && reason)
        errors->cause = reason;
}

// Called from librdkafka's threads: keep the first failure it logs (the error event may lag).
void on_kafka_log(const rd_kafka_t* handle, int level, const char*, const char* line) {
    if (level > 4 || !line)  // warnings and worse
        return;
    auto* errors = static_cast<KafkaErrors*>(rd_kafka_opaque(handle));
    std::lock_guard lock(errors->mutex);
    if (errors->cause.empty() && std::string_view(line).find("failed") != std::string_view::npos)
        errors->cause = line;
}

// The first line of libpq's message without its boilerplate: 'connection to server at
// "127.0.0.1", port 1 failed: Connection refused' -> "connection refused".
QString postgres_cause(const std::string& what) {
    QString text = QString::fromStdString(what);
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    QString cause;
    for (const QString& line : lines) {
        QString trimmed = line.trimmed();
        if (trimmed.startsWith(QStringLiteral("Is the server")))
            continue;
        if (const qsizetype failed = trimmed.indexOf(QStringLiteral(" failed: ")); failed >= 0)
            trimmed = trimmed.mid(failed + 9);
        trimmed.remove(QStringLiteral("FATAL:"));
        trimmed = trimmed.trimmed();
        if (!trimmed.isEmpty()) {
            cause = trimmed;
            break;
        }
    }
    if (cause.isEmpty())
        cause = text.simplified();
    if (cause.size() > 1 && cause.front().isUpper() && !cause.at(1).isUpper())
        cause.front() = cause.front().toLower();
    return cause;
}

}  // namespace

ConnectionCheck check_kafka(const ConnectionProfile& profile, std::chrono::milliseconds timeout) {
    const QString where = QObject::tr("Kafka at %1").arg(profile.bootstrap_servers.trimmed());
    if (profile.bootstrap_servers.trimmed().isEmpty())
        return {false, QObject::tr("Kafka: no bootstrap servers given")};
    auto errors = std::make_unique<KafkaErrors>();
    char error_text[512] = {};
    KafkaConf conf = make_kafka_conf();
    std::map<std::string, std::string> properties = kafka_security_properties(profile);
    properties["bootstrap.servers"] = profile.bootstrap_servers.trimmed().toStdString();
    properties["client.id"] = "spillway-connection-test";
    properties["socket.connection.setup.timeout.ms"] =
        std::to_string(std::max<int64_t>(1000, timeout.count()));
    properties["reconnect.backoff.ms"] = "100";
    for (const auto& [key, value] : properties) {
        // Not set_kafka_property: its message holds the value, and this one may be a password.
        if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), error_text,
                              sizeof error_text) != RD_KAFKA_CONF_OK) {
            return {false,
                    QObject::tr("%1: the setting %2 is refused: %3")
                        .arg(where, QString::fromStdString(key), QString::fromUtf8(error_text))};
        }
    }
    rd_kafka_conf_set_opaque(conf.get(), errors.get());
    rd_kafka_conf_set_error_cb(conf.get(), on_kafka_error);
    rd_kafka_conf_set_log_cb(conf.get(), on_kafka_log);
    KafkaHandle handle;  // declared after `errors`, which its callbacks use: freed before it
    try {
        handle = make_kafka_handle(RD_KAFKA_PRODUCER, std::move(conf), "connection test");
    } catch (const std::exception& error) {
        return {false, QObject::tr("%1: %2").arg(where, QString::fromUtf8(error.what()))};
    }
    // Short metadata requests until one answers, every broker is reported down (a refused
    // connection: no need to wait out the timeout) or the time is up.
    const struct rd_kafka_metadata* raw_metadata = nullptr;
    rd_kafka_resp_err_t result = RD_KAFKA_RESP_ERR__TIMED_OUT;
    const auto give_up_at = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            give_up_at - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            break;
        result = rd_kafka_metadata(handle.get(), 1, nullptr, &raw_metadata,
                                   int(std::min<int64_t>(left.count(), 250)));
        if (result == RD_KAFKA_RESP_ERR_NO_ERROR)
            break;
        rd_kafka_poll(handle.get(), 0);  // serves error_cb
        std::lock_guard lock(errors->mutex);
        if (errors->all_brokers_down)
            break;
    }
    const KafkaMetadata metadata(raw_metadata);
    ConnectionCheck check;
    if (result != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string cause;
        {
            std::lock_guard lock(errors->mutex);
            cause = errors->cause;
        }
        check.message = QObject::tr("%1: %2").arg(
            where,
            cause.empty() ? QString::fromUtf8(rd_kafka_err2str(result)) : connection_cause(cause));
    } else {
        const std::string topic = profile.topic.trimmed().toStdString();
        const rd_kafka_metadata_topic* found = nullptr;
        for (int i = 0; i < metadata->topic_cnt; ++i)
            if (topic == metadata->topics[i].topic)
                found = &metadata->topics[i];
        if (!found || found->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            check.message = QObject::tr(
                                "%1: connected (%2 brokers), but the topic \"%3\" does not "
                                "exist or is not readable")
                                .arg(where)
                                .arg(metadata->broker_cnt)
                                .arg(profile.topic.trimmed());
        } else {
            check.ok = true;
            check.message = QObject::tr("%1: connected, %2 brokers; topic \"%3\" has %4 partitions")
                                .arg(where)
                                .arg(metadata->broker_cnt)
                                .arg(profile.topic.trimmed())
                                .arg(found->partition_cnt);
        }
    }
    return check;
}

ConnectionCheck check_postgres(const ConnectionProfile& profile,
                               std::chrono::milliseconds timeout) {
    const QString where =
        QObject::tr("PostgreSQL at %1/%2").arg(profile.postgres_address(), profile.pg_database);
    const long long seconds =
        std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
    try {
        PgConnection connection(postgres_conninfo(profile) +
                                " connect_timeout=" + std::to_string(seconds));
        const std::vector<std::string> one = connection.query_column("SELECT 1");
        if (one.size() != 1 || one.front() != "1")
            return {false, QObject::tr("%1: SELECT 1 did not answer 1").arg(where)};
        const std::vector<std::string> version = connection.query_column("SHOW server_version");
        return {true, QObject::tr("%1: connected, server %2")
                          .arg(where, version.empty() ? QString()
                                                      : QString::fromStdString(version.front()))};
    } catch (const std::exception& error) {
        return {false, QObject::tr("%1: %2").arg(where, postgres_cause(error.what()))};
    }
}

}  // namespace spillway
