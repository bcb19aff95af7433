#pragma once
// What a session runs, resolved from the command line or a connection profile: the embedded parts
// (when no real address was given), the engine, the tiers, and the demo's load generator. The
// SessionHost runs one of these, for the console and the headless service alike.
#include "core/demo/demo_environment.h"
#include "core/pipeline/engine.h"
#include "core/tiering/cost_model.h"
#include "core/demo/load_generator.h"
#include "core/tiering/tiering_job.h"

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
