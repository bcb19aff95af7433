#pragma once
// The headless run's last lines: bytes per tier, and what they cost now and in 30/90/365 days,
// with the what-ifs (no compression, no dedup, no tiering).
#include <iosfwd>

#include "core/tiering/cost_model.h"
#include "core/pipeline/metrics.h"
#include "core/tiering/tier_snapshot.h"

namespace spillway {

struct RunPlan;

// Runs the tiering job once (so the figures include whatever is due) and prints. Never throws:
// a failure is printed in place of the figures.
void print_storage_summary(std::ostream& out, const RunPlan& plan, const Snapshot& snapshot);
void print_cost_report(std::ostream& out, const TierSnapshot& tiers, const CostReport& report,
                       const TierPrices& prices);

}  // namespace spillway
