#include "core/kafka/kafka_handle.h"

#include <stdexcept>

namespace spillway {

KafkaConf make_kafka_conf() {
    return KafkaConf(rd_kafka_conf_new());
}

void set_kafka_property(rd_kafka_conf_t* conf, const std::string& client, const std::string& name,
                        const std::string& value) {
    char reason[512];
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), reason, sizeof reason) !=
        RD_KAFKA_CONF_OK)
        throw std::runtime_error(client + ": the Kafka property " + name + "=" + value +
                                 " is refused: " + reason);
}

KafkaHandle make_kafka_handle(rd_kafka_type_t type, KafkaConf conf, const std::string& client) {
    char reason[512];
    KafkaHandle handle(rd_kafka_new(type, conf.get(), reason, sizeof reason));
    if (!handle)
        throw std::runtime_error(client + ": cannot create the Kafka client: " + reason);
    (void)conf.release();  // rd_kafka_new took it
    return handle;
}

}  // namespace spillway
