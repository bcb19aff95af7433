#pragma once
// One series' samples over a bounded time span, and the reduction that turns them into the points
// a chart draws. With thousands of samples across a few hundred pixels, each time bucket keeps its
// first, lowest, highest and last sample (the "M4" reduction): the drawn line is the same, the
// point count is bounded by the bucket count, and the newest point is always the newest sample.
#include <qcustomplot.h>
#include <cstdint>
#include <deque>

namespace spillway {

class SampleHistory {
public:
    explicit SampleHistory(double keep_seconds) : keep_seconds_(keep_seconds) {}

    // Samples must come in increasing key order; older samples than keep_seconds before the
    // newest are dropped.
    void append(double key, double value);
    const std::deque<QCPGraphData>& samples() const { return samples_; }
    double keepSeconds() const { return keep_seconds_; }

private:
    double keep_seconds_;
    std::deque<QCPGraphData> samples_;
};

// Feeds samples into a QCPGraphDataContainer, bucket by bucket. The container always ends with the
// points of the open bucket, replaced as samples arrive, so appending stays O(1).
class M4Reducer {
public:
    // bucket_seconds <= 0 keeps every sample.
    explicit M4Reducer(double bucket_seconds = 0) : bucket_seconds_(bucket_seconds) {}

    void add(QCPGraphDataContainer& points, double key, double value);
    double bucketSeconds() const { return bucket_seconds_; }

private:
    double bucket_seconds_;
    int64_t bucket_ = INT64_MIN;
    QCPGraphData first_, lowest_, highest_, last_;
};

}  // namespace spillway
