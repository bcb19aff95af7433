#pragma once
// What to start, resolved from the command line: the embedded parts (when no real address was
// given), the engine, and the demo's load generator. The console and the headless runner both
// start from one of these.
#include "core/demo_environment.h"
#include "core/engine.h"
#include "core/load_generator.h"

namespace spillway {

struct RunPlan {
    bool demo = false;
    DemoEnvironmentOptions environment;  // demo only
    EngineOptions engine;                // addresses filled in once the environment is up
    LoadGeneratorOptions load;           // demo only; addresses filled in likewise
};

}  // namespace spillway
