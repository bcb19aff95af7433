#include "core/common/logging.h"

#include <librdkafka/rdkafka.h>

Q_LOGGING_CATEGORY(lcKafka, "spillway.kafka", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLoadgen, "spillway.loadgen", QtWarningMsg)
Q_LOGGING_CATEGORY(lcWriter, "spillway.writer", QtWarningMsg)
Q_LOGGING_CATEGORY(lcEngine, "spillway.engine", QtWarningMsg)
Q_LOGGING_CATEGORY(lcPostgres, "spillway.postgres", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStorage, "spillway.storage", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSession, "spillway.session", QtWarningMsg)

namespace spillway {

namespace {
template <const QLoggingCategory& (*Category)()>
void log_to_category(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
    const char* name = rk ? rd_kafka_name(rk) : "rdkafka";
    if (level <= 4)
        qCWarning(Category, "%s %s: %s", name, facility, message);
    else if (level <= 6)
        qCInfo(Category, "%s %s: %s", name, facility, message);
    else
        qCDebug(Category, "%s %s: %s", name, facility, message);
}
}  // namespace

void route_rdkafka_logs(rd_kafka_conf_s* conf, const QLoggingCategory& (*category)()) {
    rd_kafka_conf_set_log_cb(
        conf, category == &lcLoadgen ? &log_to_category<lcLoadgen> : &log_to_category<lcKafka>);
}

}  // namespace spillway
