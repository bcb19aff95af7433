#pragma once
// Runs the console for the command line: the window over whatever the options name, and with
// --stop-at-end (a backfill with a window to watch it) it closes by itself once every message that
// existed at start is committed, like `--headless --stop-at-end` does. GUI thread; needs a
// QApplication.
#include "app/options.h"

namespace spillway {

// Returns the process exit code. With --stop-at-end: 0 only when the committed offsets reached the
// end offsets read once the session started, 1 when the session failed or was closed before.
int run_console_for(const AppOptions& options);

}  // namespace spillway
