#pragma once
// A lock-free latency histogram: log-spaced buckets (about 9 % wide) from 1 microsecond to about
// 20 minutes. Writers add with relaxed atomics; readers copy the counts and compute percentiles
// from a copy, or from the difference of two copies for a recent window.
#include <array>
#include <atomic>
#include <cstdint>

namespace spillway {

class LatencyHistogram {
public:
    static constexpr int kBuckets = 256;
    using Counts = std::array<uint64_t, kBuckets>;

    void record_us(int64_t micros);
    Counts counts() const;
    // Sum of every recorded value in microseconds (Prometheus histograms report it as _sum).
    uint64_t sum_us() const { return sum_us_.load(std::memory_order_relaxed); }

    static int bucket_for(int64_t micros);
    static double bucket_upper_us(int bucket);
    // p in 0..1; 0 when the counts are empty. Reports the bucket's upper bound (conservative).
    static double percentile_us(const Counts& counts, double p);
    static Counts difference(const Counts& later, const Counts& earlier);
    static uint64_t total(const Counts& counts);

private:
    std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
    std::atomic<uint64_t> sum_us_{0};
};

}  // namespace spillway
