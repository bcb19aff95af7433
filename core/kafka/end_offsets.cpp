#include "core/kafka/end_offsets.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "core/common/logging.h"
#include "core/kafka/kafka_handle.h"

namespace spillway {

std::vector<int64_t> query_end_offsets(const std::string& bootstrap_servers,
                                       const std::string& topic, int timeout_ms,
                                       const std::map<std::string, std::string>& properties) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 1));
    const auto remaining_ms = [&] {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        return static_cast<int>(std::max<int64_t>(left.count(), 1));
    };

    const std::string client = "query_end_offsets";
    KafkaConf conf = make_kafka_conf();
    for (const auto& [name, value] : properties)
        set_kafka_property(conf.get(), client, name, value);
    set_kafka_property(conf.get(), client, "bootstrap.servers", bootstrap_servers);
    set_kafka_property(conf.get(), client, "client.id", "spillway-offsets-probe");
    route_rdkafka_logs(conf.get(), &lcKafka);
    // Watermark queries need no group, so none is joined and nothing is committed.
    const KafkaHandle rk = make_kafka_handle(RD_KAFKA_CONSUMER, std::move(conf), client);

    // Metadata for all topics, not for this one: naming a topic in a metadata request lets the
    // mock cluster (and brokers with auto.create.topics.enable) create it on the spot.
    KafkaMetadata md;
    const rd_kafka_metadata_topic_t* found = nullptr;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    // A broker that is still connecting, or just came back up, fails the first request; retry
    // until the caller's deadline instead of surfacing a transient error.
    for (;;) {
        const rd_kafka_metadata_t* raw = nullptr;
        err = rd_kafka_metadata(rk.get(), 1, nullptr, &raw, remaining_ms());
        md.reset(raw);
        found = nullptr;
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md) {
            err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            for (int i = 0; i < md->topic_cnt; ++i) {
                if (topic == md->topics[i].topic) {
                    found = &md->topics[i];
                    err = found->err;
                    break;
                }
            }
        }
        // An answer without the topic is authoritative; waiting would not make it appear.
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
            Clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR || !found)
        throw std::runtime_error("query_end_offsets: metadata for topic '" + topic +
                                 "': " + rd_kafka_err2str(err));

    const rd_kafka_metadata_topic_t& meta = *found;
    std::vector<int64_t> ends(static_cast<size_t>(meta.partition_cnt), 0);
    for (int i = 0; i < meta.partition_cnt; ++i) {
        const int32_t partition = meta.partitions[i].id;
        if (partition < 0 || partition >= meta.partition_cnt)
            throw std::runtime_error("query_end_offsets: topic '" + topic +
                                     "' reports partition id " + std::to_string(partition) +
                                     " out of 0.." + std::to_string(meta.partition_cnt - 1));
        int64_t low = 0;
        int64_t high = 0;
        for (;;) {
            err = rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), partition, &low, &high,
                                                   remaining_ms());
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR || Clock::now() >= deadline)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw std::runtime_error("query_end_offsets: watermarks of '" + topic + "' [" +
                                     std::to_string(partition) + "]: " + rd_kafka_err2str(err));
        ends[static_cast<size_t>(partition)] = high;
    }
    return ends;
}

}  // namespace spillway
