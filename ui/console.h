#pragma once
// The operations console: the main window over a running engine, the embedded demo, or (with no
// addresses at all) an empty state that offers to start the demo.
#include "core/run_plan.h"

namespace spillway {

// Requires an existing QApplication. Returns the application's exit code once the window is
// closed and whatever was started has been drained and stopped.
int run_console(RunPlan plan);

}  // namespace spillway
