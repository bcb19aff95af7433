#include "core/pipeline/histogram.h"

#include <algorithm>
#include <cmath>

namespace spillway {

namespace {
constexpr double kGrowth = 1.09;  // bucket i covers (growth^(i-1), growth^i] microseconds
const double kLogGrowth = std::log(kGrowth);
}  // namespace

int LatencyHistogram::bucket_for(int64_t micros) {
    if (micros <= 1)
        return 0;
    const int bucket =
        static_cast<int>(std::ceil(std::log(static_cast<double>(micros)) / kLogGrowth));
    return std::clamp(bucket, 0, kBuckets - 1);
}

double LatencyHistogram::bucket_upper_us(int bucket) {
    return std::pow(kGrowth, bucket);
}

void LatencyHistogram::record_us(int64_t micros) {
    buckets_[static_cast<size_t>(bucket_for(micros))].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(static_cast<uint64_t>(std::max<int64_t>(micros, 0)), std::memory_order_relaxed);
}

LatencyHistogram::Counts LatencyHistogram::counts() const {
    Counts copy{};
    for (size_t i = 0; i < copy.size(); ++i)
        copy[i] = buckets_[i].load(std::memory_order_relaxed);
    return copy;
}

uint64_t LatencyHistogram::total(const Counts& counts) {
    uint64_t sum = 0;
    for (auto c : counts)
        sum += c;
    return sum;
}

double LatencyHistogram::percentile_us(const Counts& counts, double p) {
    const uint64_t count = total(counts);
    if (count == 0)
        return 0;
    const auto rank = static_cast<uint64_t>(std::ceil(std::clamp(p, 0.0, 1.0) * double(count)));
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += counts[static_cast<size_t>(i)];
        if (seen >= std::max<uint64_t>(rank, 1))
            return bucket_upper_us(i);
    }
    return bucket_upper_us(kBuckets - 1);
}

LatencyHistogram::Counts LatencyHistogram::difference(const Counts& later, const Counts& earlier) {
    Counts diff{};
    for (size_t i = 0; i < diff.size(); ++i)
        diff[i] = later[i] >= earlier[i] ? later[i] - earlier[i] : 0;
    return diff;
}

}  // namespace spillway
