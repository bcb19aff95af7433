#pragma once
// What the storage page may ask of the tiering job: its latest figures, the policy, and the
// actions (run now, archive a partition, restore one). The console's EngineSession implements it
// over the TieringService it runs; none of these calls does I/O (requests are queued to the
// service's own thread and their outcome shows in a later snapshot).
#include <memory>
#include <string>

#include "core/tiering/cost_model.h"
#include "core/tiering/tier_snapshot.h"

namespace spillway {

class TierControl {
public:
    virtual ~TierControl() = default;

    // Null while no tiering job runs (no archive directory, or no engine yet).
    virtual std::shared_ptr<const TierSnapshot> tier_snapshot() const = 0;
    virtual void set_tier_policy(const TierPolicy& policy) = 0;
    virtual void run_tiering_now() = 0;
    virtual void archive_partition(const std::string& partition) = 0;
    virtual void restore_partition(const std::string& partition) = 0;
    // The prices the run was started with (--price-hot, --price-cold).
    virtual TierPrices tier_prices() const = 0;
};

}  // namespace spillway
