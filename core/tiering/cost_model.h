#pragma once
// What storage costs, from bytes per tier and the rate they grow at. Pure functions: the same
// inputs always give the same figures, so a test can check them against a hand computation.
//
// Prices are per GiB-month (2^30 bytes for one month), as cloud providers bill volumes and object
// storage. Defaults (see README, "Cost model"): hot = AWS EBS gp3 $0.08, cold = S3 Glacier
// Flexible Retrieval $0.0036 (us-east-1 list prices).
//
// The projection assumes the data in the hot tier now is young (written recently, as in a demo
// or a fresh deployment): it leaves the hot tier `tier_after_days` from now, and from then on
// the hot tier holds the latest `tier_after_days` days of ingest. For a long-running deployment
// this moves data to the cold tier later than in reality, so the projection errs on the high side.
#include <array>
#include <string>
#include <vector>

namespace spillway {

struct TierPrices {
    double hot_per_gib_month = 0.08;     // AWS EBS gp3, us-east-1
    double cold_per_gib_month = 0.0036;  // Amazon S3 Glacier Flexible Retrieval, us-east-1
};

struct CostInputs {
    double hot_bytes = 0;          // in PostgreSQL now
    double cold_bytes = 0;         // in archive files now
    double hot_bytes_per_day = 0;  // what the hot tier grows by per day at the current rate
    double compression_factor =
        1;                        // bytes the rows would take uncompressed / bytes they take (>= 1)
    double dedup_factor = 1;      // bytes with the duplicates kept / bytes without them (>= 1)
    double archive_ratio = 0.25;  // archive file bytes / hot bytes of the same partition
    double tier_after_days = 90;  // <= 0: no tiering
};

struct CostPoint {
    double days = 0;  // from now
    double hot_bytes = 0, cold_bytes = 0;
    double monthly_cost = 0;  // for the bytes held on that day, per month
};

struct CostScenario {
    std::string name;  // "actual", "no compression", "no dedup", "no tiering"
    CostPoint now;
    std::vector<CostPoint> projected;  // one per horizon
};

struct CostReport {
    std::vector<double> horizons;  // days
    CostScenario actual;
    std::vector<CostScenario> what_if;  // without compression, without dedup, without tiering
};

constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;

double monthly_cost(double hot_bytes, double cold_bytes, const TierPrices& prices);
// Bytes per tier `days` from now.
CostPoint project(const CostInputs& inputs, const TierPrices& prices, double days);
CostScenario scenario(const std::string& name, const CostInputs& inputs, const TierPrices& prices,
                      const std::vector<double>& horizons);
// The actual figures and the three what-ifs, at 30, 90 and 365 days unless told otherwise.
CostReport cost_report(const CostInputs& inputs, const TierPrices& prices,
                       const std::vector<double>& horizons = {30, 90, 365});

// The what-if inputs: the same data had it not been compressed, deduplicated or tiered.
CostInputs without_compression(const CostInputs& inputs);
CostInputs without_dedup(const CostInputs& inputs);
CostInputs without_tiering(const CostInputs& inputs);

}  // namespace spillway
