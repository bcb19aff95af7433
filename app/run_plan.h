#pragma once
#include "app/options.h"
#include "core/run_plan.h"

namespace spillway {

RunPlan make_run_plan(const AppOptions& options);

}  // namespace spillway
