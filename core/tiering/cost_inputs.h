#pragma once
// Turns what the engine and the tiering job measured into the cost model's inputs.
#include "core/tiering/cost_model.h"
#include "core/pipeline/metrics.h"
#include "core/tiering/tier_snapshot.h"

namespace spillway {

// The ingest as the engine measured it since start.
struct IngestFigures {
    double rows_per_day = 0;        // rows written per day at the run's average rate
    double compression_factor = 1;  // payload bytes before / after compression (1: stored as is)
    double dedup_factor = 1;        // payload bytes received / stored (events, if bytes unknown)
};

IngestFigures ingest_figures(const Snapshot& snapshot);

// Until a partition has been archived the archive ratio is unknown; this is zstd level 3 on COPY
// text against PostgreSQL's on-disk size of the same rows, roughly, for the demo's JSON events.
constexpr double kAssumedArchiveRatio = 0.25;

CostInputs cost_inputs(const TierSnapshot& tiers, const IngestFigures& ingest);

}  // namespace spillway
