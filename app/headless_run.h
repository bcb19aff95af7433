#pragma once
// `spillway --headless`: runs the engine without a window. With --demo it starts the embedded
// default, produces --events events, ingests until every offset is committed, drains, prints a
// summary and checks that the events table holds exactly the distinct valid events produced.
#include <iosfwd>

#include "app/options.h"

namespace spillway {

// Returns the process exit code: 0 on success, 1 when the run failed or its check did not hold.
int run_headless(const AppOptions& options, std::ostream& out, std::ostream& err);

// SIGINT/SIGTERM: the first asks for a graceful drain, the second for a fast exit.
void install_stop_signal_handlers();
int stop_signals_received();

}  // namespace spillway
