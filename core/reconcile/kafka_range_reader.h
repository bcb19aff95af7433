#pragma once
// Reads ranges of a topic's partitions for reconciliation. The reading consumer has its own group
// id and uses plain assignment: it never subscribes, so it joins no group and takes no partition
// from a running engine, and it commits nothing (enable.auto.commit=false, no commit call). The
// engine group's committed offsets are read through a second handle that only asks
// (OffsetFetch) and is never subscribed either. One thread owns a reader.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kafka/kafka_handle.h"

namespace spillway {

struct KafkaRangeOptions {
    std::string bootstrap_servers;
    std::string topic;
    std::string group;  // whose committed offsets decide "not yet committed"
    std::map<std::string, std::string> kafka_properties;  // security settings and the like
    std::optional<int32_t> partition;                     // empty: every partition
    int64_t from_offset = -1;                             // -1: the log start
    int64_t to_offset = -1;                               // exclusive; -1: the high watermark
    int64_t since_ms = 0;    // > 0: start at the first message with a timestamp >= since_ms
    int64_t until_ms = 0;    // > 0: stop before the first message with a timestamp >= until_ms
    int timeout_ms = 30000;  // for each broker request, and for a partition that stops moving
};

struct PartitionRange {
    int32_t partition = 0;
    int64_t log_start = 0;
    int64_t high_watermark = 0;
    int64_t committed = -1;  // -1: the group committed nothing for this partition
    int64_t from = 0;        // [from, to)
    int64_t to = 0;
};

class KafkaRangeReader {
public:
    // Reads the topic's metadata, watermarks and committed offsets and plans the ranges. Throws
    // std::runtime_error naming the topic, partition or option that is wrong.
    explicit KafkaRangeReader(KafkaRangeOptions options);
    ~KafkaRangeReader();

    const std::vector<PartitionRange>& ranges() const { return ranges_; }
    int64_t total_in_ranges() const;

    using OnMessage =
        std::function<void(int32_t partition, int64_t offset, std::string_view payload)>;
    // Hands up to `max_messages` messages of the ranges to `on_message`. Returns false once every
    // range is read. Throws when a partition stops answering for longer than the timeout.
    bool read(size_t max_messages, const OnMessage& on_message);

private:
    void plan();
    void mark_done(int32_t partition);

    KafkaRangeOptions options_;
    KafkaHandle consumer_;
    std::vector<PartitionRange> ranges_;
    std::map<int32_t, int64_t> next_;  // partitions still being read: the next offset expected
    std::map<int32_t, int64_t> end_;   // per partition: where its range ends (exclusive)
    bool assigned_ = false;
};

}  // namespace spillway
