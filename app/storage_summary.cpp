#include "app/storage_summary.h"

#include <cstdio>
#include <ostream>
#include <string>

#include "core/tiering/cost_inputs.h"
#include "core/session/run_plan.h"
#include "core/tiering/tiering_job.h"

namespace spillway {

namespace {

std::string money(double dollars) {
    char text[32];
    std::snprintf(text, sizeof text, dollars < 10 ? "$%.4f" : "$%.2f", dollars);
    return text;
}

std::string gib(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f GiB", bytes / kBytesPerGiB);
    return text;
}

void print_row(std::ostream& out, const CostScenario& scenario) {
    char name[24];
    std::snprintf(name, sizeof name, "  %-18s", scenario.name.c_str());
    out << name << money(scenario.now.monthly_cost);
    for (const auto& point : scenario.projected)
        out << "  " << money(point.monthly_cost) << " (" << gib(point.hot_bytes) << " hot, "
            << gib(point.cold_bytes) << " cold)";
    out << "\n";
}

}  // namespace

void print_cost_report(std::ostream& out, const TierSnapshot& tiers, const CostReport& report,
                       const TierPrices& prices) {
    size_t partitions[2] = {0, 0};
    for (const auto& partition : tiers.partitions)
        ++partitions[partition.tier == Tier::Hot ? 0 : 1];
    out << "  hot tier            " << gib(double(tiers.hot_bytes)) << " in " << partitions[0]
        << " partitions, " << tiers.hot_rows << " rows\n";
    out << "  cold tier           " << gib(double(tiers.cold_bytes)) << " in " << partitions[1]
        << " archive files, " << tiers.cold_rows << " rows\n";
    out << "  prices              hot " << money(prices.hot_per_gib_month) << ", cold "
        << money(prices.cold_per_gib_month) << " per GiB-month\n";
    out << "  monthly cost        now";
    for (const double days : report.horizons)
        out << "  | in " << days << " days";
    out << "\n";
    print_row(out, report.actual);
    for (const auto& scenario : report.what_if)
        print_row(out, scenario);
}

void print_storage_summary(std::ostream& out, const RunPlan& plan, const Snapshot& snapshot) {
    if (plan.tiering.archive_dir.empty())
        return;
    out << "\nStorage and cost (archive " << plan.tiering.archive_dir << ", tier after "
        << plan.tier_policy.archive_after_days << " days)\n";
    try {
        TieringJob job(plan.tiering);
        const TierRunReport run = job.run(plan.tier_policy, std::chrono::system_clock::now());
        for (const auto& error : run.errors)
            out << "  tiering error       " << error << "\n";
        const TierSnapshot tiers = job.look(plan.tier_policy);
        const IngestFigures ingest = ingest_figures(snapshot);
        out << "  ingest rate         " << static_cast<int64_t>(ingest.rows_per_day)
            << " rows/day (the run's average), dedup factor " << ingest.dedup_factor
            << ", compression factor " << ingest.compression_factor << "\n";
        print_cost_report(out, tiers, cost_report(cost_inputs(tiers, ingest), plan.prices),
                          plan.prices);
    } catch (const std::exception& error) {
        out << "  unavailable: " << error.what() << "\n";
    }
}

}  // namespace spillway
