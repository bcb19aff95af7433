#include "core/kafka/kafka_source.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>

#include "core/common/json_text.h"
#include "core/common/logging.h"
#include "core/kafka/fetch_settings.h"
#include "core/kafka/kafka_property_check.h"
#include "core/pipeline/bounded_queue.h"
#include "core/pipeline/knobs.h"
#include "core/pipeline/offset_tracker.h"
#include "core/pipeline/overflow_spool.h"
#include "core/pipeline/sink_health.h"

namespace spillway {

namespace {

using Clock = std::chrono::steady_clock;

struct PartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const {
        rd_kafka_topic_partition_list_destroy(list);
    }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Headers as [{"key": "...", "value": "..."}]; a value that is not UTF-8 text is kept as
// "value_base64", a null value as "value": null.
std::string headers_as_json(rd_kafka_message_t* message) {
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR || !headers)
        return {};
    std::string json = "[";
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
        if (i > 0)
            json += ',';
        json += "{\"key\":";
        append_json_string(json,
                           is_valid_utf8(name) ? std::string_view(name) : std::string_view("?"));
        const std::string_view bytes(static_cast<const char*>(value), value ? size : 0);
        if (!value) {
            json += ",\"value\":null}";
        } else if (is_valid_utf8(bytes)) {
            json += ",\"value\":";
            append_json_string(json, bytes);
            json += '}';
        } else {
            json += ",\"value_base64\":\"" + base64_encode(bytes) + "\"}";
        }
    }
    json += ']';
    return json;
}

}  // namespace

KafkaSource::KafkaSource(SourceOptions options, BoundedQueue& queue, OffsetTracker& offsets,
                         const KnobStore& knobs, Metrics& metrics, const SinkHealth& sink_health,
                         OverflowSpool* overflow)
    : options_(std::move(options)),
      queue_(queue),
      offsets_(offsets),
      knobs_(knobs),
      metrics_(metrics),
      sink_health_(sink_health),
      decoder_(options_.decoder),
      overflow_(overflow) {}

KafkaSource::~KafkaSource() {
    close();
}

KafkaHandle KafkaSource::create_consumer(const std::map<std::string, std::string>& fetch) {
    if (options_.fault_hook)
        options_.fault_hook("create_consumer");
    KafkaConf conf = make_kafka_conf();
    auto set = [&](const std::string& name, const std::string& value) {
        if (auto problem = set_kafka_property(conf.get(), name, value); !problem.empty())
            throw std::runtime_error("Kafka property \"" + name + "\": " + problem);
    };
    set("bootstrap.servers", options_.bootstrap_servers);
    set("group.id", options_.group_id);
    for (const auto& [name, value] : consumer_defaults())
        set(name, value);
    for (const auto& [name, value] : options_.kafka_properties)
        set(name, value);
    for (const auto& [name, value] : fetch)
        set(name, value);
    route_rdkafka_logs(conf.get(), &lcKafka);
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_rebalance_cb(
        conf.get(),
        [](rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
           void* opaque) { rebalance_cb(rk, err, partitions, opaque); });
    rd_kafka_conf_set_offset_commit_cb(
        conf.get(),
        [](rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets,
           void* opaque) { commit_cb(rk, err, offsets, opaque); });
    rd_kafka_conf_set_error_cb(conf.get(), [](rd_kafka_t* rk, int err, const char* reason,
                                              void* opaque) { error_cb(rk, err, reason, opaque); });
    return make_kafka_handle(RD_KAFKA_CONSUMER, std::move(conf), "Kafka consumer");
}

void KafkaSource::subscribe() {
    PartitionList subscription(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(subscription.get(), options_.topic.c_str(),
                                      RD_KAFKA_PARTITION_UA);
    if (const auto sub_err = rd_kafka_subscribe(consumer_.get(), subscription.get()))
        throw std::runtime_error("cannot subscribe to \"" + options_.topic +
                                 "\": " + rd_kafka_err2str(sub_err));
}

void KafkaSource::start() {
    applied_fetch_ = knobs_.current()->fetch;
    consumer_ = create_consumer(applied_fetch_);

    // Fail at start with a clear message rather than wait silently for an unreachable cluster or
    // a topic that does not exist. All-topics metadata, because a request naming the topic may
    // create it on brokers that auto-create topics.
    const rd_kafka_metadata_t* metadata = nullptr;
    const auto err =
        rd_kafka_metadata(consumer_.get(), 1, nullptr, &metadata, options_.connect_timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw std::runtime_error("cannot reach Kafka at \"" + options_.bootstrap_servers +
                                 "\": " + rd_kafka_err2str(err));
    }
    std::string topic_error = "no such topic";
    for (int i = 0; i < metadata->topic_cnt; ++i) {
        const auto& topic = metadata->topics[i];
        if (options_.topic != topic.topic)
            continue;
        topic_error = topic.err != RD_KAFKA_RESP_ERR_NO_ERROR ? rd_kafka_err2str(topic.err)
                      : topic.partition_cnt == 0              ? "it has no partitions"
                                                              : "";
    }
    rd_kafka_metadata_destroy(metadata);
    if (!topic_error.empty())
        throw std::runtime_error("Kafka topic \"" + options_.topic + "\" is not available at \"" +
                                 options_.bootstrap_servers + "\": " + topic_error);

    subscribe();
    thread_ = std::thread([this] {
        // An exception leaving a thread terminates the process: stop intake instead, loudly.
        // What was consumed and not yet durable stays uncommitted and is read again.
        try {
            run();
        } catch (const std::exception& error) {
            intake_stopped_ = true;
            set_error(std::string("the Kafka source stopped; intake is stopped until the engine "
                                  "is restarted: ") +
                      error.what());
            qCCritical(lcKafka) << "the Kafka source stopped:" << error.what();
        }
        // A dead thread hands nothing more to the queue: that is a stopped intake too.
        confirm_intake_stopped();
    });
}

bool KafkaSource::stop_intake(std::chrono::milliseconds timeout) {
    intake_stopped_ = true;
    if (!thread_.joinable())
        return true;
    std::unique_lock lock(intake_mutex_);
    if (intake_cv_.wait_for(lock, timeout, [this] { return intake_confirmed_; }))
        return true;
    qCWarning(lcKafka) << "the source did not confirm the stop of intake within" << timeout.count()
                       << "ms";
    return false;
}

void KafkaSource::confirm_intake_stopped() {
    {
        std::lock_guard lock(intake_mutex_);
        if (intake_confirmed_)
            return;
        intake_confirmed_ = true;
    }
    intake_cv_.notify_all();
}

void KafkaSource::close() {
    intake_stopped_ = true;
    close_requested_ = true;
    if (thread_.joinable())
        thread_.join();
}

void KafkaSource::set_error(const std::string& message) {
    std::lock_guard lock(shared_mutex_);
    last_error_ = message;
}

std::string KafkaSource::last_error() const {
    std::lock_guard lock(shared_mutex_);
    return last_error_;
}

std::vector<PartitionLag> KafkaSource::partition_lag() const {
    std::lock_guard lock(shared_mutex_);
    return lag_;
}

void KafkaSource::error_cb(rd_kafka_t*, int err, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    const std::string message =
        std::string("Kafka: ") + rd_kafka_err2name(rd_kafka_resp_err_t(err)) + ": " + reason;
    qCWarning(lcKafka).noquote() << message.c_str();
    self->set_error(message);
}

void KafkaSource::rebalance_cb(rd_kafka_t* rk, int err, rd_kafka_topic_partition_list_t* partitions,
                               void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        self->on_assign(partitions);
    } else {
        self->on_revoke(partitions);
        rd_kafka_assign(rk, nullptr);
    }
}

void KafkaSource::on_assign(rd_kafka_topic_partition_list_t* partitions) {
    // The committed offsets tell where reading resumes; a later first offset than that means the
    // broker no longer had the data (see check_gap).
    rd_kafka_committed(consumer_.get(), partitions, 5000);
    for (int i = 0; i < partitions->cnt; ++i) {
        const auto& tp = partitions->elems[i];
        expected_next_[tp.partition] = tp.offset;  // RD_KAFKA_OFFSET_INVALID when none committed
        committed_[tp.partition] = tp.offset;
        offsets_.forget(tp.partition);
    }
    qCInfo(lcKafka) << "assigned" << partitions->cnt << "partitions";
    rd_kafka_assign(consumer_.get(), partitions);
    if (paused_ || intake_stopped_)
        rd_kafka_pause_partitions(consumer_.get(), partitions);
}

void KafkaSource::on_revoke(rd_kafka_topic_partition_list_t* partitions) {
    // Commit what is durable for the partitions we lose; their queued events will still be written
    // (the new owner re-reads from the committed offset and dedup absorbs the repeats).
    commit(true, true);
    for (int i = 0; i < partitions->cnt; ++i) {
        const int32_t partition = partitions->elems[i].partition;
        offsets_.forget(partition);
        expected_next_.erase(partition);
    }
    qCInfo(lcKafka) << "revoked" << partitions->cnt << "partitions";
}

void KafkaSource::commit_cb(rd_kafka_t*, int err, rd_kafka_topic_partition_list_t* offsets,
                            void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__NO_OFFSET)
        return;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        self->metrics_.commit_failures.fetch_add(1);
        self->set_error(std::string("offset commit failed, will retry: ") +
                        rd_kafka_err2str(rd_kafka_resp_err_t(err)));
    }
    for (int i = 0; offsets && i < offsets->cnt; ++i) {
        const auto& elem = offsets->elems[i];
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR && elem.err == RD_KAFKA_RESP_ERR_NO_ERROR)
            self->committed_[elem.partition] = elem.offset;
        else
            // Handed out as reported already: without this an idle partition would not be
            // committed again until shutdown.
            self->offsets_.commit_failed(elem.partition, elem.offset);
    }
}

void KafkaSource::commit(bool all, bool synchronous) {
    const auto points = offsets_.take_commit_points(all);
    PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(points.size())));
    for (const auto& point : points) {
        if (point.offset < 0 || !expected_next_.contains(point.partition))
            continue;
        if (!all && committed_.contains(point.partition) &&
            committed_[point.partition] == point.offset)
            continue;
        rd_kafka_topic_partition_list_add(list.get(), options_.topic.c_str(), point.partition)
            ->offset = point.offset;
    }
    if (list->cnt == 0)
        return;
    metrics_.commits.fetch_add(1);
    const auto err = rd_kafka_commit(consumer_.get(), list.get(), synchronous ? 0 : 1);
    if (synchronous) {
        if (err) {
            metrics_.commit_failures.fetch_add(1);
            set_error(std::string("offset commit failed: ") + rd_kafka_err2str(err));
        } else {
            for (int i = 0; i < list->cnt; ++i)
                committed_[list->elems[i].partition] = list->elems[i].offset;
        }
    }
}

void KafkaSource::set_paused(bool paused) {
    PartitionList assignment;
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(consumer_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return;
    assignment.reset(raw);
    if (paused)
        rd_kafka_pause_partitions(consumer_.get(), assignment.get());
    else
        rd_kafka_resume_partitions(consumer_.get(), assignment.get());
    paused_ = paused;
    metrics_.source_paused.store(paused);
    if (paused)
        metrics_.pauses.fetch_add(1);
}

void KafkaSource::apply_backpressure() {
    const auto knobs = knobs_.current();
    overflow_policy_ = knobs->overflow_policy;
    high_watermark_ = knobs->high_watermark;
    // Under the dead-letter policy the queue overflows into the spool; what must not overflow is
    // the spool itself.
    const bool spooling = overflow_policy_ == OverflowPolicy::DeadLetter && overflow_;
    const double fill = spooling ? overflow_->fill() : queue_.fill();
    // While the database is unavailable nothing can become durable: stop taking from the broker
    // instead of filling the queue with events that cannot be written.
    if (intake_stopped_ || !sink_health_.available()) {
        if (!paused_)
            set_paused(true);
    } else if (!paused_ && fill >= knobs->high_watermark) {
        set_paused(true);
    } else if (paused_ && fill <= knobs->low_watermark) {
        set_paused(false);
    }
}

// A jump past the offset we expected is normal on compacted or transactional topics, but when the
// broker's log start is beyond what we still needed, those events are gone: say so loudly.
void KafkaSource::check_gap(int32_t partition, int64_t offset) {
    auto it = expected_next_.find(partition);
    if (it == expected_next_.end())
        return;
    const int64_t expected = it->second;
    it->second = offset + 1;
    if (expected < 0 || offset <= expected)
        return;
    int64_t low = -1, high = -1;
    rd_kafka_get_watermark_offsets(consumer_.get(), options_.topic.c_str(), partition, &low, &high);
    if (low < 0)
        rd_kafka_query_watermark_offsets(consumer_.get(), options_.topic.c_str(), partition, &low,
                                         &high, 1000);
    if (low > expected) {
        const int64_t lost = std::min(offset, low) - expected;
        metrics_.lost_to_retention.fetch_add(lost);
        lost_[partition] += lost;
        const std::string message = "LOST TO RETENTION: partition " + std::to_string(partition) +
                                    " offsets " + std::to_string(expected) + ".." +
                                    std::to_string(std::min(offset, low) - 1) +
                                    " were deleted by the broker before they were consumed (" +
                                    std::to_string(lost) + " events)";
        qCCritical(lcKafka).noquote() << message.c_str();
        set_error(message);
    }
}

void KafkaSource::handle_message(rd_kafka_message_t* message) {
    if (message->err) {
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            return;
        const std::string text = std::string("Kafka consumer error on partition ") +
                                 std::to_string(message->partition) + ": " +
                                 rd_kafka_message_errstr(message);
        qCWarning(lcKafka).noquote() << text.c_str();
        set_error(text);
        return;
    }
    check_gap(message->partition, message->offset);

    Event event;
    event.partition = message->partition;
    event.offset = message->offset;
    event.payload.assign(static_cast<const char*>(message->payload), message->len);
    if (message->key)
        event.key.assign(static_cast<const char*>(message->key), message->key_len);
    event.headers_json = headers_as_json(message);
    rd_kafka_timestamp_type_t timestamp_type;
    event.produced_at_ms = rd_kafka_message_timestamp(message, &timestamp_type);
    // A timestamp PostgreSQL cannot hold would turn a valid event into a database reject.
    if (!usable_kafka_timestamp(event.produced_at_ms))
        event.produced_at_ms = wall_ms();

    DecodeResult decoded = decoder_.decode(event.payload);
    if (decoded.ok()) {
        event.event_id = std::move(decoded.event_id);
        event.event_time_ms = choose_event_time_ms(decoded, event.produced_at_ms);
    } else {
        event.reject = decoded.reject;
        event.reject_message = std::move(decoded.message);
        metrics_.rejected_by_reason[static_cast<size_t>(decoded.reject)].fetch_add(1);
    }
    if (metrics_.first_consumed_ns.load(std::memory_order_relaxed) == 0) {
        int64_t none = 0;
        metrics_.first_consumed_ns.compare_exchange_strong(none,
                                                           Clock::now().time_since_epoch().count());
    }
    metrics_.consumed.fetch_add(1, std::memory_order_relaxed);
    metrics_.consumed_bytes.fetch_add(static_cast<int64_t>(message->len),
                                      std::memory_order_relaxed);
    event.received_at = Clock::now();

    offsets_.register_consumed(event.partition, event.offset, event.produced_at_ms);
    if (overflow_policy_ == OverflowPolicy::DeadLetter && overflow_) {
        // Past the high watermark, events go to the overflow spool instead of waiting; only when
        // the spool is full too does the source block (and pause) like under backpressure.
        // try_push, try_put and push move from the event only when they return true, so a
        // refused event is still whole for the next attempt.
        if (queue_.fill() < high_watermark_ && queue_.try_push(std::move(event)))
            return;
        if (overflow_->try_put(std::move(event)))  // NOLINT(bugprone-use-after-move)
            return;
    }
    // The queue pauses us at its high watermark; what librdkafka had already fetched still fits
    // in the headroom. If it does not, wait for room while keeping callbacks served.
    // NOLINTNEXTLINE(bugprone-use-after-move): moved from only on success, as above
    while (!queue_.push(std::move(event), std::chrono::milliseconds(50))) {
        if (close_requested_)
            return;  // registered but never queued: its offset is never committed
        rd_kafka_poll(consumer_.get(), 0);
        apply_backpressure();
    }
}

void KafkaSource::refresh_lag() {
    std::vector<PartitionLag> lags;
    PartitionList assignment;
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(consumer_.get(), &raw) == RD_KAFKA_RESP_ERR_NO_ERROR)
        assignment.reset(raw);
    if (assignment) {
        rd_kafka_position(consumer_.get(), assignment.get());
        const int64_t now = wall_ms();
        for (int i = 0; i < assignment->cnt; ++i) {
            const auto& tp = assignment->elems[i];
            PartitionLag lag;
            lag.partition = tp.partition;
            lag.consumed_position = tp.offset;
            int64_t low = -1, high = -1;
            rd_kafka_get_watermark_offsets(consumer_.get(), options_.topic.c_str(), tp.partition,
                                           &low, &high);
            lag.end_offset = high;
            auto committed = committed_.find(tp.partition);
            lag.committed = committed == committed_.end() ? -1 : committed->second;
            const int64_t from = lag.committed >= 0 ? lag.committed : std::max<int64_t>(low, 0);
            lag.lag_messages = high >= 0 ? std::max<int64_t>(0, high - from) : 0;
            const int64_t oldest = offsets_.oldest_pending_timestamp(tp.partition);
            lag.lag_seconds = oldest > 0 ? double(now - oldest) / 1000.0 : 0.0;
            lag.log_start = low;
            lag.durable = offsets_.commit_point(tp.partition);
            lag.pending = static_cast<int64_t>(offsets_.in_flight(tp.partition));
            if (lag.consumed_position >= 0)
                lag.exposure = std::max<int64_t>(0, lag.consumed_position - from);
            lag.lost_to_retention = lost_[tp.partition];
            lags.push_back(lag);
        }
    }
    std::lock_guard lock(shared_mutex_);
    lag_ = std::move(lags);
}

void KafkaSource::recreate_consumer(const std::map<std::string, std::string>& fetch) {
    qCInfo(lcKafka) << "new fetch settings: re-creating the consumer (the group rebalances)";
    // As at close: commit what is durable, leave the group (serves the revoke callback).
    rd_kafka_poll(consumer_.get(), 0);
    commit(true, true);
    leave_group();
    consumer_.reset();
    try {
        consumer_ = create_consumer(fetch);
    } catch (const std::exception& error) {
        // validate() checked every value; should librdkafka still refuse, keep the old settings
        // and say why (the knobs then show settings the consumer does not use: the error says so).
        set_error(std::string("new fetch settings refused, consumer kept its previous ones: ") +
                  error.what());
        qCWarning(lcKafka) << "new fetch settings refused:" << error.what();
        try {
            consumer_ = create_consumer(applied_fetch_);
            subscribe();
        } catch (const std::exception& again) {
            throw std::runtime_error(std::string("cannot re-create the Kafka consumer with the "
                                                 "new fetch settings (") +
                                     error.what() + ") nor with the previous ones (" +
                                     again.what() + ")");
        }
        return;
    }
    applied_fetch_ = fetch;
    subscribe();
    metrics_.consumer_recreations.fetch_add(1);
}

void KafkaSource::run() {
    auto next_commit = Clock::now();
    auto next_lag = Clock::now();
    while (!close_requested_) {
        // Checked before the intake branch below, so once confirmed no message is handled again.
        if (intake_stopped_)
            confirm_intake_stopped();
        apply_backpressure();
        rd_kafka_poll(consumer_.get(), 0);  // commit and error callbacks
        if (!intake_stopped_) {
            // consumer_poll serves the rebalance callback even while every partition is paused.
            rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), 20);
            int burst = 0;
            while (message) {
                handle_message(message);
                rd_kafka_message_destroy(message);
                if (++burst >= 2000 || close_requested_ || intake_stopped_)
                    break;
                if (burst % 64 == 0)
                    apply_backpressure();
                message = rd_kafka_consumer_poll(consumer_.get(), 0);
            }
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        const auto now = Clock::now();
        if (now >= next_commit) {
            commit(false, false);
            next_commit = now + std::chrono::milliseconds(options_.commit_interval_ms);
        }
        if (now >= next_lag) {
            refresh_lag();
            next_lag = now + std::chrono::milliseconds(250);
            if (const auto knobs = knobs_.current(); knobs->fetch != applied_fetch_)
                recreate_consumer(knobs->fetch);
        }
    }
    // Final: commit everything durable, then leave the group (serves the revoke callback).
    rd_kafka_poll(consumer_.get(), 0);
    commit(true, true);
    leave_group();
    refresh_lag();
    confirm_intake_stopped();
}

void KafkaSource::leave_group() {
    // rd_kafka_consumer_close() can block for ever in its internal unassign when a rebalance is
    // still under way (librdkafka #4527, #4884; seen here with the mock cluster). Unsubscribing
    // first and serving the revoke until nothing is assigned avoids it. Messages polled meanwhile
    // are dropped unregistered: their offsets are never committed, so they are read again.
    rd_kafka_unsubscribe(consumer_.get());
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
        rd_kafka_topic_partition_list_t* assignment = nullptr;
        const bool empty =
            rd_kafka_assignment(consumer_.get(), &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            assignment && assignment->cnt == 0;
        if (assignment)
            rd_kafka_topic_partition_list_destroy(assignment);
        if (empty)
            break;
        if (rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), 50))
            rd_kafka_message_destroy(message);
    }
    rd_kafka_consumer_close(consumer_.get());
}

}  // namespace spillway
