#include "core/reconcile/kafka_range_reader.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "core/common/logging.h"

namespace spillway {

namespace {

using Clock = std::chrono::steady_clock;

KafkaHandle make_consumer(const KafkaRangeOptions& options, const std::string& group,
                          const std::string& client) {
    KafkaConf conf = make_kafka_conf();
    set_kafka_property(conf.get(), client, "bootstrap.servers", options.bootstrap_servers);
    for (const auto& [name, value] : options.kafka_properties)
        set_kafka_property(conf.get(), client, name, value);
    // After the caller's properties, so none of them can turn committing or joining back on.
    set_kafka_property(conf.get(), client, "group.id", group);
    set_kafka_property(conf.get(), client, "client.id", "spillway-reconcile");
    set_kafka_property(conf.get(), client, "enable.auto.commit", "false");
    set_kafka_property(conf.get(), client, "enable.auto.offset.store", "false");
    set_kafka_property(conf.get(), client, "enable.partition.eof", "true");
    set_kafka_property(conf.get(), client, "auto.offset.reset", "error");
    route_rdkafka_logs(conf.get(), &lcKafka);
    return make_kafka_handle(RD_KAFKA_CONSUMER, std::move(conf), client);
}

std::string where(const std::string& topic, int32_t partition) {
    return "'" + topic + "' [" + std::to_string(partition) + "]";
}

}  // namespace

KafkaRangeReader::KafkaRangeReader(KafkaRangeOptions options) : options_(std::move(options)) {
    // Its own group id, never subscribed: assignment needs a group id in librdkafka, but without
    // a subscription the handle never sends JoinGroup.
    consumer_ = make_consumer(options_, options_.group + "-reconcile", "reconcile reader");
    plan();
}

KafkaRangeReader::~KafkaRangeReader() {
    if (consumer_ && assigned_)
        rd_kafka_assign(consumer_.get(), nullptr);
}

int64_t KafkaRangeReader::total_in_ranges() const {
    int64_t total = 0;
    for (const auto& range : ranges_)
        total += std::max<int64_t>(range.to - range.from, 0);
    return total;
}

void KafkaRangeReader::plan() {
    rd_kafka_t* rk = consumer_.get();
    const std::string& topic = options_.topic;
    const rd_kafka_metadata_t* raw = nullptr;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
    // All-topics metadata: naming the topic could create it on a broker that auto-creates.
    const rd_kafka_metadata_topic_t* found = nullptr;
    KafkaMetadata metadata;
    for (;;) {
        err = rd_kafka_metadata(rk, 1, nullptr, &raw, options_.timeout_ms);
        metadata.reset(raw);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR && metadata) {
            for (int i = 0; i < metadata->topic_cnt; ++i)
                if (topic == metadata->topics[i].topic)
                    found = &metadata->topics[i];
            break;
        }
        if (Clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error("reconcile: cannot read the metadata of the Kafka cluster at " +
                                 options_.bootstrap_servers + ": " + rd_kafka_err2str(err));
    if (!found)
        throw std::runtime_error("reconcile: the topic '" + topic + "' does not exist");
    const int partition_count = found->partition_cnt;
    if (options_.partition && (*options_.partition < 0 || *options_.partition >= partition_count))
        throw std::runtime_error("--reconcile-partition " + std::to_string(*options_.partition) +
                                 ": topic '" + topic + "' has partitions 0.." +
                                 std::to_string(partition_count - 1));

    std::vector<int32_t> partitions;
    for (int32_t p = 0; p < partition_count; ++p)
        if (!options_.partition || *options_.partition == p)
            partitions.push_back(p);

    for (const int32_t partition : partitions) {
        PartitionRange range;
        range.partition = partition;
        err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &range.log_start,
                                               &range.high_watermark, options_.timeout_ms);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw std::runtime_error("reconcile: watermarks of " + where(topic, partition) + ": " +
                                     rd_kafka_err2str(err));
        range.from = options_.from_offset >= 0 ? std::max(options_.from_offset, range.log_start)
                                               : range.log_start;
        range.to = options_.to_offset >= 0 ? std::min(options_.to_offset, range.high_watermark)
                                           : range.high_watermark;
        ranges_.push_back(range);
    }

    // A time range becomes offsets through the broker's time index.
    for (const auto& [bound_ms, is_start] :
         {std::pair{options_.since_ms, true}, std::pair{options_.until_ms, false}}) {
        if (bound_ms <= 0)
            continue;
        KafkaPartitionList list(
            rd_kafka_topic_partition_list_new(static_cast<int>(ranges_.size())));
        for (const auto& range : ranges_)
            rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), range.partition)->offset =
                bound_ms;
        err = rd_kafka_offsets_for_times(rk, list.get(), options_.timeout_ms);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw std::runtime_error("reconcile: offsets for the time range of '" + topic +
                                     "': " + rd_kafka_err2str(err));
        for (int i = 0; i < list->cnt; ++i) {
            auto& range = ranges_[static_cast<size_t>(i)];
            // -1: no message at or after the time: the bound is the log end.
            const int64_t offset =
                list->elems[i].offset >= 0 ? list->elems[i].offset : range.high_watermark;
            if (is_start)
                range.from = std::max(range.from, offset);
            else
                range.to = std::min(range.to, offset);
        }
    }

    // The engine group's committed offsets: asked for, through a handle that never subscribes.
    {
        KafkaHandle asker = make_consumer(options_, options_.group, "reconcile committed offsets");
        KafkaPartitionList list(
            rd_kafka_topic_partition_list_new(static_cast<int>(ranges_.size())));
        for (const auto& range : ranges_)
            rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), range.partition);
        err = rd_kafka_committed(asker.get(), list.get(), options_.timeout_ms);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw std::runtime_error("reconcile: committed offsets of group '" + options_.group +
                                     "' on '" + topic + "': " + rd_kafka_err2str(err));
        for (int i = 0; i < list->cnt; ++i)
            ranges_[static_cast<size_t>(i)].committed =
                list->elems[i].offset >= 0 ? list->elems[i].offset : -1;
    }

    KafkaPartitionList assignment(
        rd_kafka_topic_partition_list_new(static_cast<int>(ranges_.size())));
    for (auto& range : ranges_) {
        if (range.to <= range.from) {
            range.to = std::max(range.to, range.from);
            continue;
        }
        rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), range.partition)
            ->offset = range.from;
        next_[range.partition] = range.from;
        end_[range.partition] = range.to;
    }
    if (assignment->cnt > 0) {
        err = rd_kafka_assign(rk, assignment.get());
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw std::runtime_error("reconcile: cannot assign the partitions of '" + topic +
                                     "': " + rd_kafka_err2str(err));
        assigned_ = true;
    }
}

void KafkaRangeReader::mark_done(int32_t partition) {
    if (next_.erase(partition) == 0)
        return;
    // Stop fetching what is past the range.
    KafkaPartitionList list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), options_.topic.c_str(), partition);
    rd_kafka_pause_partitions(consumer_.get(), list.get());
}

bool KafkaRangeReader::read(size_t max_messages, const OnMessage& on_message) {
    size_t handed = 0;
    auto last_progress = Clock::now();
    while (!next_.empty() && handed < max_messages) {
        rd_kafka_message_t* raw = rd_kafka_consumer_poll(consumer_.get(), 100);
        if (!raw) {
            if (Clock::now() - last_progress > std::chrono::milliseconds(options_.timeout_ms)) {
                std::string waiting;
                for (const auto& [partition, next] : next_)
                    waiting += (waiting.empty() ? "" : ", ") + std::to_string(partition) + " at " +
                               std::to_string(next);
                throw std::runtime_error("reconcile: no message from '" + options_.topic +
                                         "' for " + std::to_string(options_.timeout_ms) +
                                         " ms; still waiting for partitions " + waiting);
            }
            continue;
        }
        const std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> message(
            raw, rd_kafka_message_destroy);
        auto it = next_.find(message->partition);
        if (it == next_.end())
            continue;  // a partition already done: what was fetched past its range
        const int64_t end = end_.at(message->partition);
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            // Offsets need not be contiguous (transaction markers, compaction): the end of the
            // log at or past the range's end finishes the partition.
            if (message->offset >= end)
                mark_done(message->partition);
            continue;
        }
        if (message->err)
            throw std::runtime_error("reconcile: reading " +
                                     where(options_.topic, message->partition) + ": " +
                                     rd_kafka_message_errstr(message.get()));
        last_progress = Clock::now();
        if (message->offset >= end) {
            mark_done(message->partition);
            continue;
        }
        it->second = message->offset + 1;
        on_message(message->partition, message->offset,
                   std::string_view(static_cast<const char*>(message->payload), message->len));
        ++handed;
        if (message->offset + 1 >= end)
            mark_done(message->partition);
    }
    return !next_.empty();
}

}  // namespace spillway
