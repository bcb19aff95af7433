#include "ui/charts/sample_history.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace spillway {

void SampleHistory::append(double key, double value) {
    samples_.push_back(QCPGraphData(key, value));
    const double keep_from = key - keep_seconds_;
    while (!samples_.empty() && samples_.front().key < keep_from)
        samples_.pop_front();
}

void M4Reducer::add(QCPGraphDataContainer& points, double key, double value) {
    const QCPGraphData sample(key, value);
    if (bucket_seconds_ <= 0) {
        points.add(sample);
        return;
    }
    const auto bucket = int64_t(std::floor(key / bucket_seconds_));
    if (bucket != bucket_) {
        // The previous bucket's points are final; this sample opens the next one.
        bucket_ = bucket;
        first_ = lowest_ = highest_ = last_ = sample;
        points.add(sample);
        return;
    }
    if (value < lowest_.value)
        lowest_ = sample;
    if (value > highest_.value)
        highest_ = sample;
    last_ = sample;
    // Replace the open bucket's points: everything from its first sample on.
    points.removeAfter(std::nextafter(first_.key, -std::numeric_limits<double>::infinity()));
    std::array<QCPGraphData, 4> kept{first_, lowest_, highest_, last_};
    std::sort(kept.begin(), kept.end(),
              [](const QCPGraphData& a, const QCPGraphData& b) { return a.key < b.key; });
    double previous_key = -std::numeric_limits<double>::infinity();
    for (const QCPGraphData& point : kept) {
        if (point.key == previous_key)
            continue;
        points.add(point);
        previous_key = point.key;
    }
}

}  // namespace spillway
