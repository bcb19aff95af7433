#pragma once
// One logging category per subsystem, all defaulting to warnings; enable more with
// QT_LOGGING_RULES, e.g. "spillway.writer.info=true". Never log a secret.
#include <QLoggingCategory>

struct rd_kafka_conf_s;

Q_DECLARE_LOGGING_CATEGORY(lcKafka)     // spillway.kafka: consumer, mock cluster
Q_DECLARE_LOGGING_CATEGORY(lcLoadgen)   // spillway.loadgen: the demo's load generator
Q_DECLARE_LOGGING_CATEGORY(lcWriter)    // spillway.writer: batch writes, retries, bisection
Q_DECLARE_LOGGING_CATEGORY(lcEngine)    // spillway.engine: start, drain, stop
Q_DECLARE_LOGGING_CATEGORY(lcPostgres)  // spillway.postgres: the embedded server
Q_DECLARE_LOGGING_CATEGORY(lcStorage)   // spillway.storage: partitions, compression dictionaries
Q_DECLARE_LOGGING_CATEGORY(lcSession)   // spillway.session: starting and stopping a run

namespace spillway {

// librdkafka prints to stderr by default; this routes its log lines into the given category so
// QT_LOGGING_RULES governs them like every other line.
void route_rdkafka_logs(rd_kafka_conf_s* conf, const QLoggingCategory& (*category)());

}  // namespace spillway
