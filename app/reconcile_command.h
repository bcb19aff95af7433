#pragma once
// `spillway --reconcile`: checks the topic against the tables and prints the report. Progress
// goes to `errors` (stderr), the report to `out` (stdout). Main thread.
#include <iosfwd>

#include "app/options.h"

namespace spillway {

// Exit codes: 0 nothing unaccounted below the committed offsets, 1 something is, 3 the check
// could not finish (an error, or stopped by a signal).
int run_reconcile(const AppOptions& options, std::ostream& out, std::ostream& errors);

}  // namespace spillway
