#pragma once
// The source: one thread owning a librdkafka KafkaConsumer in a consumer group, with automatic
// commits and offset stores off. It validates and decodes each message, registers its offset with
// the tracker, and queues it; it pauses its partitions at the queue's high watermark and resumes
// at the low one, and keeps them paused while the sink cannot take writes (SinkHealth); it commits
// the tracker's commit points periodically, on revocation and at close.
//
// start, stop_intake and close are called from one controlling thread; the getters from any.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/kafka/event_decoder.h"
#include "core/kafka/kafka_handle.h"
#include "core/pipeline/knobs.h"
#include "core/pipeline/metrics.h"

struct rd_kafka_s;
struct rd_kafka_message_s;
struct rd_kafka_topic_partition_list_s;

namespace spillway {

class BoundedQueue;
class KnobStore;
class OffsetTracker;
class OverflowSpool;
class SinkHealth;

struct SourceOptions {
    std::string bootstrap_servers;
    std::string topic = "events";
    std::string group_id = "spillway";
    // Passed through to librdkafka after our defaults (so they can override them).
    std::map<std::string, std::string> kafka_properties;
    DecoderOptions decoder;
    int commit_interval_ms = 200;
    int connect_timeout_ms = 10000;  // for the start-up metadata check
    // Tests: called at each named step ("create_consumer"); throwing there simulates librdkafka
    // refusing it.
    std::function<void(std::string_view step)> fault_hook;
};

class KafkaSource {
public:
    KafkaSource(SourceOptions options, BoundedQueue& queue, OffsetTracker& offsets,
                const KnobStore& knobs, Metrics& metrics, const SinkHealth& sink_health,
                OverflowSpool* overflow = nullptr);
    ~KafkaSource();

    // Creates the consumer, checks the brokers and the topic answer, subscribes and starts the
    // thread. Throws std::runtime_error naming the bad property, address or topic.
    void start();
    // Stops taking new messages (partitions paused); commits and callbacks continue. Returns once
    // the source thread confirms it takes no more messages (true), or after `timeout` (false:
    // it is still handing a message to a full queue). The drain counts what is queued only then.
    bool stop_intake(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Final commit of everything durable, leaves the group, ends the thread.
    void close();

    std::vector<PartitionLag> partition_lag() const;
    std::string last_error() const;
    bool paused() const { return paused_.load(); }

private:
    void run();
    KafkaHandle create_consumer(const std::map<std::string, std::string>& fetch);
    void subscribe();
    void recreate_consumer(const std::map<std::string, std::string>& fetch);
    void leave_group();
    void handle_message(rd_kafka_message_s* message);
    void apply_backpressure();
    void commit(bool all, bool synchronous);
    void refresh_lag();
    void check_gap(int32_t partition, int64_t offset);
    void set_error(const std::string& message);
    static void rebalance_cb(rd_kafka_s* rk, int err, rd_kafka_topic_partition_list_s* partitions,
                             void* opaque);
    static void commit_cb(rd_kafka_s* rk, int err, rd_kafka_topic_partition_list_s* offsets,
                          void* opaque);
    static void error_cb(rd_kafka_s* rk, int err, const char* reason, void* opaque);
    void on_assign(rd_kafka_topic_partition_list_s* partitions);
    void on_revoke(rd_kafka_topic_partition_list_s* partitions);
    void set_paused(bool paused);
    void confirm_intake_stopped();

    SourceOptions options_;
    BoundedQueue& queue_;
    OffsetTracker& offsets_;
    const KnobStore& knobs_;
    Metrics& metrics_;
    const SinkHealth& sink_health_;
    EventDecoder decoder_;
    OverflowSpool* overflow_;
    // Copied from the knobs at every backpressure check (not per message: that takes a lock).
    OverflowPolicy overflow_policy_ = OverflowPolicy::Backpressure;
    double high_watermark_ = 0.8;

    KafkaHandle consumer_;
    std::thread thread_;
    std::atomic<bool> intake_stopped_{false};
    std::atomic<bool> close_requested_{false};
    std::atomic<bool> paused_{false};
    std::mutex intake_mutex_;
    std::condition_variable intake_cv_;
    bool intake_confirmed_ = false;  // guarded by intake_mutex_

    // Owned by the source thread.
    std::map<int32_t, int64_t> expected_next_;  // per assigned partition: next offset we expect
    std::map<int32_t, int64_t> committed_;      // per partition: last committed offset
    std::map<int32_t, int64_t> lost_;           // per partition: offsets lost to retention
    std::map<std::string, std::string> applied_fetch_;  // the knobs' fetch settings in use

    mutable std::mutex shared_mutex_;  // guards what other threads read
    std::vector<PartitionLag> lag_;
    std::string last_error_;
};

}  // namespace spillway
