#include "core/kafka/kafka_property_check.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cctype>

#include "core/common/secrets.h"

namespace spillway {

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

bool is_true(const std::string& value) {
    const std::string v = lower(value);
    return v == "true" || v == "1" || v == "yes" || v == "on";
}

// Why a value breaks one of the engine's guarantees, or "". The engine commits an offset only
// once every event before it is durable, and its rebalance callback assigns eagerly.
std::string unsafe_reason(const std::string& name, const std::string& value) {
    const std::string v = lower(value);
    if (name == "enable.auto.commit" && is_true(value))
        return "commits offsets on a timer, before their rows are durable in PostgreSQL: a crash "
               "would lose them; Spillway commits offsets itself";
    if (name == "enable.auto.offset.store" && is_true(value))
        return "stores every polled offset, so a commit can cover rows not yet durable in "
               "PostgreSQL; Spillway stores offsets itself";
    if (name == "partition.assignment.strategy" && v.find("cooperative") != std::string::npos)
        return "incremental (cooperative) rebalancing does not fit Spillway's eager rebalance "
               "callback; use range or roundrobin";
    if (name == "group.protocol" && v != "classic")
        return "the consumer group protocol has no eager rebalance callback; use classic";
    if (name == "auto.offset.reset" && (v == "latest" || v == "largest" || v == "end"))
        return "a group without a committed offset, or an offset out of range, would skip every "
               "message still in the topic; use earliest";
    if (name == "isolation.level" && v == "read_uncommitted")
        return "would store messages of aborted transactions as events; use read_committed";
    return {};
}

}  // namespace

std::string set_kafka_property(rd_kafka_conf_s* conf, const std::string& name,
                               const std::string& value) {
    if (const std::string reason = unsafe_reason(name, value); !reason.empty())
        return name + "=" + (is_secret_kafka_property(name) ? std::string(kRedacted) : value) +
               " is refused: it " + reason;
    char error[512] = {};
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) ==
        RD_KAFKA_CONF_OK)
        return {};
    std::string reason = error;
    if (is_secret_kafka_property(name) && !value.empty()) {
        for (size_t at = reason.find(value); at != std::string::npos; at = reason.find(value, at))
            reason.replace(at, value.size(), kRedacted);
    }
    return redact(reason);
}

std::string kafka_property_problem(const std::string& name, const std::string& value) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::string problem = set_kafka_property(conf, name, value);
    rd_kafka_conf_destroy(conf);
    return problem;
}

}  // namespace spillway
