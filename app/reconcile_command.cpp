#include "app/reconcile_command.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <ostream>
#include <thread>

#include "app/headless_run.h"
#include "core/reconcile/reconciler.h"

namespace spillway {

namespace {
// What is printed of the unaccounted offsets when no --reconcile-output file takes them all.
constexpr int64_t kPrintedUnaccounted = 100;
}  // namespace

int run_reconcile(const AppOptions& options, std::ostream& out, std::ostream& errors) {
    ReconcileOptions reconcile;
    reconcile.kafka.bootstrap_servers = options.bootstrap_servers;
    reconcile.kafka.topic = options.topic;
    reconcile.kafka.group = options.group;
    reconcile.kafka.kafka_properties = options.effective_kafka_properties();
    reconcile.kafka.partition = options.reconcile_partition;
    reconcile.kafka.from_offset = options.from_offset;
    reconcile.kafka.to_offset = options.to_offset;
    reconcile.kafka.since_ms = options.reconcile_since_ms;
    reconcile.kafka.until_ms = options.reconcile_until_ms;
    reconcile.decoder.id_field = options.id_field;
    reconcile.conninfo = options.effective_conninfo();
    reconcile.events_table = options.table;
    reconcile.dead_letter_table = options.dead_letter_table;
    reconcile.archive_dir = options.archive_dir;

    // SIGINT/SIGTERM stop the check after the current chunk; the partial report still prints.
    std::atomic<bool> cancel{false};
    std::atomic<bool> finished{false};
    std::thread signal_watch([&] {
        while (!finished.load()) {
            if (stop_signals_received() > 0)
                cancel.store(true);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    reconcile.cancel = &cancel;

    std::ofstream file;
    if (!options.reconcile_output.empty()) {
        file.open(options.reconcile_output, std::ios::out | std::ios::trunc);
        if (!file) {
            finished.store(true);
            signal_watch.join();
            errors << "--reconcile-output " << options.reconcile_output << ": cannot write the file"
                   << std::endl;
            return 3;
        }
    }
    int64_t printed = 0;
    std::string listing;
    reconcile.on_unaccounted = [&](const UnaccountedOffset& offset) {
        if (file.is_open())
            file << unaccounted_to_json(offset) << '\n';
        if (printed++ < kPrintedUnaccounted)
            listing += "UNACCOUNTED " + offset.topic + " [" + std::to_string(offset.partition) +
                       "] offset " + std::to_string(offset.offset) +
                       (offset.event_id.empty() ? "" : " id " + offset.event_id) + ": " +
                       offset.reason + "\n";
    };
    auto last_progress = std::chrono::steady_clock::now();
    reconcile.on_progress = [&](const ReconcileProgress& progress) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_progress < std::chrono::seconds(1) && progress.read < progress.total)
            return;
        last_progress = now;
        errors << "reconcile: " << progress.read << " of " << progress.total
               << " messages checked, " << progress.unaccounted << " unaccounted" << std::endl;
    };

    int code = 3;
    try {
        const ReconcileReport report = spillway::reconcile(reconcile);
        out << report_to_text(report) << listing;
        if (printed > kPrintedUnaccounted)
            out << "... and " << printed - kPrintedUnaccounted << " more"
                << (file.is_open() ? " (all of them in " + options.reconcile_output + ")" : "")
                << '\n';
        out.flush();
        code = report.cancelled ? 3 : report.all_accounted() ? 0 : 1;
    } catch (const std::exception& error) {
        // The connection string may hold a password: the messages name options, not values.
        errors << "--reconcile: " << error.what() << std::endl;
    }
    if (file.is_open()) {
        file.flush();
        if (!file) {
            errors << "--reconcile-output " << options.reconcile_output << ": write failed"
                   << std::endl;
            code = 3;
        }
    }
    finished.store(true);
    signal_watch.join();
    return code;
}

}  // namespace spillway
