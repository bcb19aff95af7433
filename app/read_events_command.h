#pragma once
// spillway --read-events: the stored events of --table as JSON Lines on stdout.
#include <iosfwd>

#include "app/options.h"

namespace spillway {

// Exit code: 0 when every matching event was printed, 1 when some could not be read back (each
// explained on `errors`) or the query failed.
int run_read_events(const AppOptions& options, std::ostream& out, std::ostream& errors);

}  // namespace spillway
