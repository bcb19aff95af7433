#pragma once
// What to start, resolved from the command line: the embedded parts (when no real address was
// given), the engine, and the demo's load generator. The console and the headless runner both
// start from one of these.
#include "core/demo_environment.h"
#include "core/engine.h"
#include "core/cost_model.h"
#include "core/load_generator.h"
#include "core/tiering_job.h"

namespace spillway {

struct RunPlan {
    bool demo = false;
    DemoEnvironmentOptions environment;  // demo only
    EngineOptions engine;                // addresses filled in once the environment is up
    LoadGeneratorOptions load;           // demo only; addresses filled in likewise
    // Storage tiers: no cold tier while tiering.archive_dir is empty; conninfo is filled in with
    // the engine's.
    TieringOptions tiering;
    TierPolicy tier_policy;
    TierPrices prices;
    // The demo's private archive directory goes away with its database at the end of the run.
    bool remove_archive_dir = false;
};

}  // namespace spillway
