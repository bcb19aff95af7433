#include "core/kafka/kafka_property_check.h"

#include <librdkafka/rdkafka.h>

#include "core/common/secrets.h"

namespace spillway {

std::string set_kafka_property(rd_kafka_conf_s* conf, const std::string& name,
                               const std::string& value) {
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
