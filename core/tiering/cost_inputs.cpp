#include "core/tiering/cost_inputs.h"

namespace spillway {

IngestFigures ingest_figures(const Snapshot& snapshot) {
    IngestFigures figures;
    if (snapshot.active_seconds > 0)
        figures.rows_per_day = double(snapshot.written) / snapshot.active_seconds * 86400.0;
    if (snapshot.compression_ratio > 1)
        figures.compression_factor = snapshot.compression_ratio;
    // By bytes where the engine counted them (duplicates need not be the size of the average
    // event), else by events.
    if (snapshot.payload_raw_bytes > 0)
        figures.dedup_factor = double(snapshot.payload_raw_bytes + snapshot.dedup_saved_bytes) /
                               double(snapshot.payload_raw_bytes);
    else if (snapshot.written > 0)
        figures.dedup_factor = double(snapshot.written + snapshot.duplicates) / double(snapshot.written);
    return figures;
}

CostInputs cost_inputs(const TierSnapshot& tiers, const IngestFigures& ingest) {
    CostInputs inputs;
    inputs.hot_bytes = double(tiers.hot_bytes);
    inputs.cold_bytes = double(tiers.cold_bytes);
    const double bytes_per_row = tiers.hot_rows > 0 ? double(tiers.hot_bytes) / double(tiers.hot_rows) : 0;
    inputs.hot_bytes_per_day = bytes_per_row * ingest.rows_per_day;
    inputs.compression_factor = ingest.compression_factor;
    inputs.dedup_factor = ingest.dedup_factor;
    inputs.archive_ratio = tiers.cold_hot_bytes > 0
                               ? double(tiers.cold_bytes) / double(tiers.cold_hot_bytes)
                               : kAssumedArchiveRatio;
    inputs.tier_after_days = tiers.policy.enabled ? tiers.policy.archive_after_days : 0;
    return inputs;
}

}  // namespace spillway
