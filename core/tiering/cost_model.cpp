#include "core/tiering/cost_model.h"

#include <algorithm>

namespace spillway {

double monthly_cost(double hot_bytes, double cold_bytes, const TierPrices& prices) {
    return hot_bytes / kBytesPerGiB * prices.hot_per_gib_month +
           cold_bytes / kBytesPerGiB * prices.cold_per_gib_month;
}

CostPoint project(const CostInputs& in, const TierPrices& prices, double days) {
    CostPoint point;
    point.days = days;
    const double ingested = in.hot_bytes_per_day * days;
    if (in.tier_after_days <= 0 || days <= in.tier_after_days) {
        point.hot_bytes = in.hot_bytes + ingested;
        point.cold_bytes = in.cold_bytes;
    } else {
        // Everything older than the tiering age has moved: today's hot data and all but the
        // latest tier_after_days of ingest.
        const double moved = in.hot_bytes + in.hot_bytes_per_day * (days - in.tier_after_days);
        point.hot_bytes = in.hot_bytes_per_day * in.tier_after_days;
        point.cold_bytes = in.cold_bytes + moved * in.archive_ratio;
    }
    point.monthly_cost = monthly_cost(point.hot_bytes, point.cold_bytes, prices);
    return point;
}

CostScenario scenario(const std::string& name, const CostInputs& inputs, const TierPrices& prices,
                      const std::vector<double>& horizons) {
    CostScenario result;
    result.name = name;
    result.now = project(inputs, prices, 0);
    for (const double days : horizons)
        result.projected.push_back(project(inputs, prices, days));
    return result;
}

CostInputs without_compression(const CostInputs& inputs) {
    CostInputs out = inputs;
    const double factor = std::max(1.0, inputs.compression_factor);
    out.hot_bytes *= factor;
    out.hot_bytes_per_day *= factor;
    // Archive files are zstd-compressed either way: the same data makes the same cold bytes.
    out.archive_ratio /= factor;
    out.compression_factor = 1;
    return out;
}

CostInputs without_dedup(const CostInputs& inputs) {
    CostInputs out = inputs;
    const double factor = std::max(1.0, inputs.dedup_factor);
    // Duplicates would be stored, and archived, like any other row.
    out.hot_bytes *= factor;
    out.cold_bytes *= factor;
    out.hot_bytes_per_day *= factor;
    out.dedup_factor = 1;
    return out;
}

CostInputs without_tiering(const CostInputs& inputs) {
    CostInputs out = inputs;
    // The cold partitions would still be in PostgreSQL, at their size there.
    if (inputs.archive_ratio > 0)
        out.hot_bytes += inputs.cold_bytes / inputs.archive_ratio;
    out.cold_bytes = 0;
    out.tier_after_days = 0;
    return out;
}

CostReport cost_report(const CostInputs& inputs, const TierPrices& prices,
                       const std::vector<double>& horizons) {
    CostReport report;
    report.horizons = horizons;
    report.actual = scenario("actual", inputs, prices, horizons);
    report.what_if.push_back(
        scenario("no compression", without_compression(inputs), prices, horizons));
    report.what_if.push_back(scenario("no dedup", without_dedup(inputs), prices, horizons));
    report.what_if.push_back(scenario("no tiering", without_tiering(inputs), prices, horizons));
    return report;
}

}  // namespace spillway
