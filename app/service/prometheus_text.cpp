#include "app/service/prometheus_text.h"

#include <array>
#include <charconv>
#include <cmath>

#include "core/pipeline/event.h"

namespace spillway {

namespace {

// Bucket bounds in seconds: from half a millisecond (a small batch on a fast disk) to a minute
// (a batch retried through a database restart).
constexpr std::array<double, 16> kBucketBounds = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

struct Counter {
    const char* name;
    const char* help;
    int64_t Snapshot::*member;
};
// Totals since start, in the order they are served.
const Counter kCounters[] = {
    {"spillway_consumed_messages_total", "Messages taken from Kafka.", &Snapshot::consumed},
    {"spillway_consumed_bytes_total", "Payload bytes taken from Kafka.", &Snapshot::consumed_bytes},
    {"spillway_written_events_total", "Rows inserted into the events table.", &Snapshot::written},
    {"spillway_written_bytes_total", "Payload bytes of the rows inserted.",
     &Snapshot::written_bytes},
    {"spillway_duplicates_dropped_total", "Valid events whose event_id was already stored.",
     &Snapshot::duplicates},
    {"spillway_dead_lettered_total", "Rows stored in the dead-letter table.",
     &Snapshot::dead_lettered},
    {"spillway_batches_total", "Batches written.", &Snapshot::batches},
    {"spillway_batch_retries_total", "Batches retried after a transient database error.",
     &Snapshot::batch_retries},
    {"spillway_batch_splits_total", "Batches bisected after a data error.",
     &Snapshot::batch_splits},
    {"spillway_offset_commits_total", "Offset commits sent to Kafka.", &Snapshot::commits},
    {"spillway_offset_commit_failures_total", "Offset commits Kafka refused.",
     &Snapshot::commit_failures},
    {"spillway_lost_to_retention_total", "Offsets the broker deleted before they were consumed.",
     &Snapshot::lost_to_retention},
    {"spillway_source_pauses_total", "Times the source paused its partitions.", &Snapshot::pauses},
    {"spillway_overflow_replayed_total", "Overflow dead letters brought back into the pipeline.",
     &Snapshot::overflow_replayed},
};

// The shortest text that reads back as the same double (0.05, not 0.050000000000000003).
std::string number(double value) {
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    if (std::isnan(value))
        return "NaN";
    // Counts print as whole numbers (2607376, not 2.607376e+06) while doubles hold them exactly.
    if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0)
        return std::to_string(static_cast<int64_t>(value));
    char text[40];
    const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::general);
    return std::string(text, result.ptr);
}

class Writer {
public:
    void family(const std::string& name, const char* type, const char* help) {
        text_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    }
    void sample(const std::string& name, double value, const std::string& labels = {}) {
        text_ += name + (labels.empty() ? "" : "{" + labels + "}") + " " + number(value) + "\n";
    }
    void counter(const std::string& name, const char* help, int64_t value) {
        family(name, "counter", help);
        sample(name, double(value));
    }
    void gauge(const std::string& name, const char* help, double value) {
        family(name, "gauge", help);
        sample(name, value);
    }
    // The engine's log-spaced buckets summed into the fixed bounds above: a recorded value is
    // counted under a bound when its bucket's upper edge is at or below it, so every cumulative
    // count is exact or low, never high.
    void histogram(const std::string& name, const char* help, const HistogramReading& reading) {
        family(name, "histogram", help);
        size_t bucket = 0;
        uint64_t cumulative = 0;
        for (double bound : kBucketBounds) {
            while (bucket < reading.counts.size() &&
                   LatencyHistogram::bucket_upper_us(int(bucket)) <= bound * 1e6)
                cumulative += reading.counts[bucket++];
            sample(name + "_bucket", double(cumulative), "le=\"" + number(bound) + "\"");
        }
        const uint64_t total = LatencyHistogram::total(reading.counts);
        sample(name + "_bucket", double(total), "le=\"+Inf\"");
        sample(name + "_sum", double(reading.sum_us) / 1e6);
        sample(name + "_count", double(total));
    }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

}  // namespace

std::string prometheus_label_value(const std::string& value) {
    std::string escaped;
    for (char c : value) {
        if (c == '\\' || c == '"')
            escaped += '\\';
        escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
    }
    return escaped;
}

std::string prometheus_text(const MetricsReading& reading) {
    const Snapshot& s = reading.snapshot;
    Writer w;
    w.family("spillway_build_info", "gauge", "Always 1; the labels say which build runs.");
    w.sample("spillway_build_info", 1,
             "version=\"" + prometheus_label_value(reading.version) + "\",topic=\"" +
                 prometheus_label_value(reading.topic) + "\",group=\"" +
                 prometheus_label_value(reading.group) + "\"");
    w.family("spillway_engine_state", "gauge", "1 for the engine's current state.");
    const std::string state = s.state.substr(0, s.state.find(':'));
    w.sample("spillway_engine_state", 1, "state=\"" + prometheus_label_value(state) + "\"");
    w.gauge("spillway_uptime_seconds", "Seconds since the engine started.", s.uptime_s);

    for (const auto& counter : kCounters)
        w.counter(counter.name, counter.help, s.*counter.member);
    w.family("spillway_rejected_total", "counter", "Events dead-lettered, by reason.");
    for (size_t i = 1; i < kRejectReasonCount; ++i)
        w.sample(
            "spillway_rejected_total", double(s.rejected_by_reason[i]),
            std::string("reason=\"") + reject_reason_name(static_cast<RejectReason>(i)) + "\"");
    w.gauge("spillway_queue_events", "Events in the bounded queue.", double(s.queue_events));
    w.gauge("spillway_queue_bytes", "Bytes in the bounded queue.", double(s.queue_bytes));
    w.gauge("spillway_queue_capacity_events", "Capacity of the bounded queue in events.",
            double(s.queue_capacity_events));
    w.gauge("spillway_queue_capacity_bytes", "Capacity of the bounded queue in bytes.",
            double(s.queue_capacity_bytes));
    w.gauge("spillway_in_flight_offsets", "Offsets consumed but not yet durable.",
            double(s.in_flight_offsets));
    w.gauge("spillway_overflow_queued_events", "Events waiting to be parked as overflow.",
            double(s.overflow_queued));
    w.gauge("spillway_writers_busy", "Writers writing a batch now.", s.writers_busy);
    w.gauge("spillway_writers_running", "Writer threads running.", s.writers_running);
    w.gauge("spillway_source_paused", "1 while the source has paused its partitions.",
            s.source_paused ? 1 : 0);
    w.gauge("spillway_database_available", "0 while writes fail and are retried.",
            s.database_available ? 1 : 0);

    w.gauge("spillway_assigned_partitions", "Partitions this instance consumes.",
            double(s.partitions.size()));
    w.gauge("spillway_lag_messages", "Messages not yet committed, all partitions.",
            double(s.total_lag_messages));
    const std::string topic = "topic=\"" + prometheus_label_value(reading.topic) + "\"";
    const auto partition_label = [&](const PartitionLag& lag) {
        return topic + ",partition=\"" + std::to_string(lag.partition) + "\"";
    };
    w.family("spillway_partition_lag_messages", "gauge",
             "Log-end offset minus committed offset, per partition.");
    for (const auto& lag : s.partitions)
        w.sample("spillway_partition_lag_messages", double(lag.lag_messages), partition_label(lag));
    w.family("spillway_partition_lag_seconds", "gauge",
             "Age of the oldest uncommitted event seen, per partition.");
    for (const auto& lag : s.partitions)
        w.sample("spillway_partition_lag_seconds", lag.lag_seconds, partition_label(lag));
    w.family("spillway_partition_committed_offset", "gauge", "Last committed offset.");
    for (const auto& lag : s.partitions)
        w.sample("spillway_partition_committed_offset", double(lag.committed),
                 partition_label(lag));
    w.family("spillway_partition_end_offset", "gauge", "Broker's log-end offset.");
    for (const auto& lag : s.partitions)
        w.sample("spillway_partition_end_offset", double(lag.end_offset), partition_label(lag));

    w.histogram("spillway_batch_write_duration_seconds",
                "Per batch: from writer pick-up to commit.", reading.batch_write);
    w.histogram("spillway_end_to_end_latency_seconds",
                "Per event: from queue entry to commit.", reading.end_to_end);
    w.histogram("spillway_kafka_to_commit_latency_seconds",
                "Per event: from the Kafka message timestamp to the commit that made it durable "
                "(the true end-to-end latency).",
                reading.kafka_to_commit);

    const Knobs& k = s.knobs;
    w.gauge("spillway_knob_batch_size", "Knob: events per batch.", k.batch_size);
    w.gauge("spillway_knob_batch_bytes", "Knob: bytes per batch.", double(k.batch_bytes));
    w.gauge("spillway_knob_flush_interval_seconds", "Knob: a partial batch leaves after this.",
            k.flush_interval_ms / 1000.0);
    w.gauge("spillway_knob_writer_concurrency", "Knob: concurrent writers.", k.writer_concurrency);
    w.gauge("spillway_knob_queue_capacity_events", "Knob: queue capacity in events.",
            double(k.queue_capacity_events));
    w.gauge("spillway_knob_queue_capacity_bytes", "Knob: queue capacity in bytes.",
            double(k.queue_capacity_bytes));
    w.gauge("spillway_knob_high_watermark", "Knob: fill at which intake pauses.", k.high_watermark);
    w.gauge("spillway_knob_low_watermark", "Knob: fill at which intake resumes.", k.low_watermark);
    w.family("spillway_knob_overflow_policy", "gauge", "Knob: 1 for the overflow policy in use.");
    w.sample("spillway_knob_overflow_policy", 1,
             std::string("policy=\"") + overflow_policy_name(k.overflow_policy) + "\"");
    w.gauge("spillway_knob_version", "Knob changes applied since start.", double(s.knob_version));

    // Storage tiers, when the engine runs a tiering service (an archive directory is set).
    if (const TierSnapshot* tiers = reading.tiers.get(); tiers && tiers->available) {
        int64_t partitions[2] = {0, 0};
        for (const TierPartition& partition : tiers->partitions)
            ++partitions[partition.tier == Tier::Cold ? 1 : 0];
        w.family("spillway_tier_bytes", "gauge",
                 "Bytes per storage tier: hot in PostgreSQL, cold in archive files.");
        w.sample("spillway_tier_bytes", double(tiers->hot_bytes), "tier=\"hot\"");
        w.sample("spillway_tier_bytes", double(tiers->cold_bytes), "tier=\"cold\"");
        w.family("spillway_tier_rows", "gauge", "Events per storage tier.");
        w.sample("spillway_tier_rows", double(tiers->hot_rows), "tier=\"hot\"");
        w.sample("spillway_tier_rows", double(tiers->cold_rows), "tier=\"cold\"");
        w.family("spillway_tier_partitions", "gauge", "Day partitions per storage tier.");
        w.sample("spillway_tier_partitions", double(partitions[0]), "tier=\"hot\"");
        w.sample("spillway_tier_partitions", double(partitions[1]), "tier=\"cold\"");
        w.counter("spillway_tier_runs_total", "Completed tiering runs (scheduled and on demand).",
                  tiers->runs);
        w.gauge("spillway_tier_error", "1 while the latest tiering action failed.",
                tiers->last_error.empty() ? 0 : 1);
    }
    return w.take();
}

}  // namespace spillway
