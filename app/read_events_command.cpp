#include "app/read_events_command.h"

#include <ostream>

#include "core/postgres/event_reader.h"

namespace spillway {

int run_read_events(const AppOptions& options, std::ostream& out, std::ostream& errors) {
    ReadEventsOptions read;
    // With --pg-sslmode, --pg-sslrootcert, --pg-sslcert, --pg-sslkey and --pg-password-file.
    read.conninfo = options.effective_conninfo();
    read.events_table = options.table;
    read.since = options.since;
    read.until = options.until;
    read.limit = options.limit;
    try {
        const ReadEventsReport report = read_events(read, out, errors);
        if (report.failed > 0) {
            errors << report.failed << " of " << report.written + report.failed
                   << " events could not be read back (see above)" << std::endl;
            return 1;
        }
        return 0;
    } catch (const std::exception& error) {
        // The connection string may hold a password: name the option, not its value.
        errors << "--read-events: " << error.what() << std::endl;
        return 1;
    }
}

}  // namespace spillway
