#pragma once
// The engine's figures in the Prometheus text exposition format 0.0.4: counters end in _total,
// latencies are histograms in seconds (_bucket{le=...}, _sum, _count), lag is a gauge per
// topic/partition, knobs are gauges, and spillway_build_info carries the version. Names are a
// public interface (dashboards and alerts use them): add, never rename.
#include <memory>
#include <string>

#include "core/pipeline/histogram.h"
#include "core/pipeline/metrics.h"
#include "core/tiering/tier_snapshot.h"

namespace spillway {

struct HistogramReading {
    LatencyHistogram::Counts counts{};
    uint64_t sum_us = 0;
};

struct MetricsReading {
    Snapshot snapshot;
    HistogramReading batch_write;
    HistogramReading end_to_end;
    HistogramReading kafka_to_commit;
    std::string topic;
    std::string group;
    std::string version;
    std::shared_ptr<const TierSnapshot> tiers;  // null without a tiering service
};

std::string prometheus_text(const MetricsReading& reading);

// Label value escaping: backslash, double quote and newline.
std::string prometheus_label_value(const std::string& value);

}  // namespace spillway
