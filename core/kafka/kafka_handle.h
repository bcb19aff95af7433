#pragma once
// The one place librdkafka handles are made and freed. Every client in Spillway (the source's
// consumer, the end-offset probe, the connection check, the demo's producer and mock cluster)
// builds its configuration and handle through these owners, so a failed step frees what the
// earlier steps made and every error names the client and the property. Any thread; a handle
// belongs to the thread that uses it, as librdkafka's rules allow.
#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

namespace spillway {

struct KafkaConfDeleter {
    void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct KafkaHandleDeleter {
    void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
struct KafkaTopicDeleter {
    void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
};
struct KafkaMetadataDeleter {
    void operator()(const rd_kafka_metadata_t* metadata) const {
        rd_kafka_metadata_destroy(metadata);
    }
};
struct KafkaPartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const {
        rd_kafka_topic_partition_list_destroy(list);
    }
};

using KafkaConf = std::unique_ptr<rd_kafka_conf_t, KafkaConfDeleter>;
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;
using KafkaTopic = std::unique_ptr<rd_kafka_topic_t, KafkaTopicDeleter>;
using KafkaMetadata = std::unique_ptr<const rd_kafka_metadata_t, KafkaMetadataDeleter>;
using KafkaPartitionList =
    std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaPartitionListDeleter>;

KafkaConf make_kafka_conf();

// Sets one property; throws std::runtime_error "<client>: the Kafka property <name>=<value> is
// refused: <librdkafka's reason>". Callers pass values that are not secrets, or redact first.
void set_kafka_property(rd_kafka_conf_t* conf, const std::string& client, const std::string& name,
                        const std::string& value);

// Creates the handle; on success librdkafka owns `conf` from then on, on failure it is freed.
// Throws std::runtime_error "<client>: cannot create the Kafka client: <reason>".
KafkaHandle make_kafka_handle(rd_kafka_type_t type, KafkaConf conf, const std::string& client);

}  // namespace spillway
