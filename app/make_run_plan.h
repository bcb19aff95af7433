#pragma once
// The RunPlan for a command line: which embedded parts, engine options, load, tiers and prices.
#include "app/options.h"
#include "core/session/run_plan.h"

namespace spillway {

RunPlan make_run_plan(const AppOptions& options);

}  // namespace spillway
