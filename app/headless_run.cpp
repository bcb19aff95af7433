#include "app/headless_run.h"

#include <sys/resource.h>

#include <QCoreApplication>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include "app/make_run_plan.h"
#include "app/storage_summary.h"
#include "core/common/secrets.h"
#include "core/kafka/end_offsets.h"
#include "core/postgres/conninfo.h"
#include "core/postgres/pg_connection.h"
#include "core/session/session_host.h"
#include "app/service/service_endpoint.h"

namespace spillway {

namespace {

std::atomic<int> g_stop_signals{0};
// POST /api/v1/drain: a graceful stop like the first signal, but not a signal: a second drain
// request, or a signal after it, never turns into a fast exit.
std::atomic<bool> g_drain_requested{false};

extern "C" void on_stop_signal(int) {
    g_stop_signals.fetch_add(1);
}

std::string thousands(int64_t value) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<size_t>(i), ",");
    return value < 0 ? "-" + digits : digits;
}

std::string fixed(double value, int decimals) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(decimals) << value;
    return text.str();
}

double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

void print_progress(std::ostream& err, const Snapshot& s) {
    err << "  consumed " << thousands(s.consumed) << "  written " << thousands(s.written)
        << "  dup " << thousands(s.duplicates) << "  dead " << thousands(s.dead_lettered)
        << "  queue " << thousands(static_cast<int64_t>(s.queue_events))
        << (s.source_paused ? " (paused)" : "") << "  in "
        << thousands(static_cast<int64_t>(s.consumed_per_s)) << "/s  out "
        << thousands(static_cast<int64_t>(s.written_per_s)) << "/s  lag "
        << thousands(s.total_lag_messages) << "\n";
}

int64_t count_rows(const std::string& conninfo, const std::string& table,
                   const std::string& where = {}) {
    PgConnection connection(conninfo);
    return std::stoll(connection
                          .query_column("SELECT count(*) FROM " + quote_table_name(table) +
                                        (where.empty() ? "" : " WHERE " + where))
                          .at(0));
}

// Under the dead-letter overflow policy, done also means every parked event came home.
bool overflow_settled(const AppOptions& options, const std::string& conninfo) {
    return options.knobs.overflow_policy != OverflowPolicy::DeadLetter ||
           count_rows(conninfo, options.dead_letter_table,
                      "reason = 'overflow' AND status = 'new'") == 0;
}

int64_t total(const std::vector<int64_t>& offsets) {
    int64_t sum = 0;
    for (const int64_t offset : offsets)
        sum += offset;
    return sum;
}

void print_summary(std::ostream& out, const Snapshot& s, const LoadGeneratorStats* produced,
                   const DrainReport& drain) {
    out << "\nSpillway run summary\n";
    if (produced) {
        out << "  produced            " << thousands(produced->produced) << " ("
            << thousands(produced->valid_distinct) << " distinct valid, "
            << thousands(produced->duplicates) << " duplicates, " << thousands(produced->malformed)
            << " malformed)\n";
    }
    out << "  consumed            " << thousands(s.consumed) << " ("
        << fixed(double(s.consumed_bytes) / 1e6, 1) << " MB)\n";
    out << "  written             " << thousands(s.written) << "\n";
    out << "  duplicates dropped  " << thousands(s.duplicates) << "\n";
    out << "  dead-lettered       " << thousands(s.rejected) << " by reason";
    std::string sep = " (";
    for (size_t i = 1; i < kRejectReasonCount; ++i) {
        if (s.rejected_by_reason[i] > 0) {
            out << sep << reject_reason_name(static_cast<RejectReason>(i)) << " "
                << thousands(s.rejected_by_reason[i]);
            sep = ", ";
        }
    }
    out << (sep == ", " ? ")" : "") << "\n";
    out << "  overflow replayed   " << thousands(s.overflow_replayed) << "\n";
    out << "  lost to retention   " << thousands(s.lost_to_retention) << "\n";
    out << "  storage             " << s.payload_format << ", payloads "
        << fixed(double(s.payload_raw_bytes) / 1e6, 1) << " MB -> "
        << fixed(double(s.payload_stored_bytes) / 1e6, 1) << " MB stored ("
        << fixed(s.compression_ratio, 2) << ":1)";
    if (s.dictionary_id > 0)
        out << ", zstd dictionary " << s.dictionary_id << " ("
            << fixed(s.dictionary_trained_ratio, 2) << ":1 at training)";
    out << "; dedup saved " << fixed(double(s.dedup_saved_bytes) / 1e6, 2) << " MB; "
        << thousands(s.events_to_default_partition) << " in the default partition\n";
    const double seconds = s.active_seconds > 0 ? s.active_seconds : s.uptime_s;
    const double events_per_s = seconds > 0 ? double(s.consumed) / seconds : 0;
    const double mb_per_s = seconds > 0 ? double(s.consumed_bytes) / 1e6 / seconds : 0;
    out << "  throughput          " << thousands(static_cast<int64_t>(events_per_s))
        << " events/s, " << fixed(mb_per_s, 1) << " MB/s over " << fixed(seconds, 2) << " s\n";
    out << "  batch write latency p50 " << fixed(s.batch_p50_total_ms, 1) << " ms, p99 "
        << fixed(s.batch_p99_total_ms, 1) << " ms (" << thousands(s.batches) << " batches, "
        << thousands(s.batch_retries) << " retries)\n";
    out << "  end-to-end latency  p50 " << fixed(s.true_e2e_p50_total_ms, 1) << " ms, p99 "
        << fixed(s.true_e2e_p99_total_ms, 1) << " ms (Kafka timestamp to commit)\n";
    out << "  queue to commit     p50 " << fixed(s.e2e_p50_total_ms, 1) << " ms, p99 "
        << fixed(s.e2e_p99_total_ms, 1) << " ms\n";
    out << "  drain               " << thousands(static_cast<int64_t>(drain.queued_at_stop))
        << " queued at stop, " << (drain.completed ? "all written" : "NOT all written") << " in "
        << fixed(drain.seconds, 2) << " s\n";
    out << "  peak RSS            " << fixed(peak_rss_mib(), 0) << " MiB\n";
}

// With --listen: /metrics and the control API next to the engine, attached by the session host
// so that it serves until the engine has drained. POST /api/v1/drain asks for the same graceful
// stop as SIGTERM.
SessionHooks::Attach endpoint_attachment(const AppOptions& options, std::ostream& err) {
    if (options.listen.empty())
        return nullptr;
    return [&options, &err](SessionHost& host) -> std::shared_ptr<void> {
        auto endpoint = std::make_shared<ServiceEndpoint>(
            *host.engine(),
            ServiceEndpointOptions{options.listen, options.api_token_file,
                                   QCoreApplication::applicationVersion().toStdString(),
                                   [] { g_drain_requested = true; },
                                   [&host] { return host.tier_snapshot(); }});
        endpoint->start();
        err << "Serving /metrics and the control API on http://" << endpoint->address()
            << (options.api_token_file.empty() ? " (API off: no --api-token-file)" : "") << "\n";
        return endpoint;
    };
}

bool stop_asked() {
    return g_stop_signals.load() > 0 || g_drain_requested.load();
}

// A graceful drain that a second SIGINT/SIGTERM cuts short: the process exits at once, and what
// was not committed is simply read again by the next run.
void drain_until_second_signal(SessionHost& host) {
    host.request_stop();
    while (host.active()) {
        if (g_stop_signals.load() >= 2) {
            std::fputs("stopped fast on a second signal; uncommitted offsets will be read again\n",
                       stderr);
            std::_Exit(130);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    host.wait();
}

// What the host's hooks report to the headless runner's thread.
struct HeadlessRun {
    std::atomic<bool> started{false};
    std::mutex mutex;  // guards failure
    std::string failure;

    SessionHooks hooks(const AppOptions& options, std::ostream& err) {
        SessionHooks result;
        result.progress = [&err](const std::string& step) { err << step << "\n"; };
        result.started = [this] { started = true; };
        result.failed = [this](const std::string& message) {
            std::lock_guard lock(mutex);
            failure = message;
        };
        result.attach = endpoint_attachment(options, err);
        return result;
    }

    // Waits for the host to start or fail: the failure, or empty once started.
    std::string wait_until_started(const SessionHost& host) {
        while (!started.load() && host.active())
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::lock_guard lock(mutex);
        if (started.load())
            return {};
        return failure.empty() ? std::string("the session ended before it started") : failure;
    }
};

int run_demo(const AppOptions& options, std::ostream& out, std::ostream& err) {
    const RunPlan plan = make_run_plan(options);
    HeadlessRun run;
    SessionHooks hooks = run.hooks(options, err);
    bool complete = false;
    int exit_code = 1;
    hooks.drained = [&](const SessionEnd& end) {
        const LoadGeneratorStats produced = end.load.value_or(LoadGeneratorStats{});
        print_summary(out, end.snapshot, &produced, end.drain);
        if (!complete) {
            out << "  check               interrupted before every offset was committed\n";
            exit_code = stop_asked() ? 0 : 1;
            return;
        }
        const std::string& conninfo = end.plan.engine.sink.conninfo;
        const int64_t rows = count_rows(conninfo, options.table);
        // Replayed overflow entries stay in the table as history; what is still dead is new.
        const int64_t dead_rows = count_rows(conninfo, options.dead_letter_table, "status = 'new'");
        const bool rows_ok = rows == produced.valid_distinct;
        const bool dead_ok = dead_rows == produced.malformed;
        out << "  events table        " << thousands(rows) << " rows; distinct valid produced "
            << thousands(produced.valid_distinct) << (rows_ok ? "  OK" : "  MISMATCH") << "\n";
        out << "  dead-letter table   " << thousands(dead_rows) << " rows; malformed produced "
            << thousands(produced.malformed) << (dead_ok ? "  OK" : "  MISMATCH") << "\n";
        print_storage_summary(out, end.plan, end.snapshot);
        exit_code = rows_ok && dead_ok && end.snapshot.lost_to_retention == 0 ? 0 : 1;
    };
    SessionHost host(std::move(hooks));
    err << "Starting the embedded default (" << plan.environment.kafka.partitions
        << " partitions)...\n";
    host.start(plan);
    if (const std::string failure = run.wait_until_started(host); !failure.empty()) {
        host.stop();
        err << "error: " << redact(failure) << "\n";
        return 1;
    }
    const std::string bootstrap_servers = host.bootstrap_servers();
    const std::string conninfo = host.database_conninfo();
    err << "  Kafka      " << bootstrap_servers << " topic " << options.topic << "\n";
    err << "  PostgreSQL " << (plan.environment.pg.empty() ? redact_conninfo(conninfo)
                                                               : "(given with --pg)")
        << "\n";

    std::vector<int64_t> end_offsets;
    int64_t last_progress_count = -1;
    auto last_progress = std::chrono::steady_clock::now();
    auto next_print = last_progress;
    while (!stop_asked()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto snapshot = host.snapshot();
        if (!snapshot)
            break;
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_print) {
            print_progress(err, *snapshot);
            next_print = now + std::chrono::seconds(1);
        }
        if (options.events > 0 && end_offsets.empty() && host.load_finished()) {
            // A busy mock cluster can time out one metadata request; the stall check below
            // ends the run if it never answers.
            try {
                end_offsets = query_end_offsets(bootstrap_servers, options.topic);
            } catch (const std::exception& error) {
                err << "warning: " << error.what() << "; asking again\n";
            }
        }
        if (!end_offsets.empty() && caught_up(*snapshot, end_offsets) &&
            overflow_settled(options, conninfo)) {
            complete = true;
            break;
        }
        const int64_t progress = snapshot->consumed + snapshot->written + snapshot->dead_lettered;
        if (progress != last_progress_count) {
            last_progress_count = progress;
            last_progress = now;
        } else if (now - last_progress > std::chrono::seconds(120)) {
            err << "error: no progress for 120 s; last Kafka error: \""
                << snapshot->last_kafka_error << "\", last database error: \""
                << snapshot->last_database_error << "\"\n";
            break;
        }
    }
    drain_until_second_signal(host);
    return exit_code;
}

int run_service(const AppOptions& options, std::ostream& out, std::ostream& err) {
    HeadlessRun run;
    SessionHooks hooks = run.hooks(options, err);
    bool completed = false;
    // --stop-at-end: the end offsets read at start, and whether the committed offsets reached
    // them (a committed offset never moves back, and the drain may close the consumer, whose
    // partitions then leave the snapshot).
    std::vector<int64_t> end_offsets;
    bool reached_end = false;
    hooks.drained = [&](const SessionEnd& end) {
        print_summary(out, end.snapshot, nullptr, end.drain);
        completed = end.drain.completed;
        if (!options.stop_at_end)
            return;
        out << "  stop at end         " << thousands(total(end_offsets))
            << " messages up to the end offsets at start: "
            << (reached_end ? "all committed" : "NOT all committed") << "\n";
    };
    SessionHost host(std::move(hooks));
    const RunPlan plan = make_run_plan(options);
    host.start(plan);
    if (const std::string failure = run.wait_until_started(host); !failure.empty()) {
        host.stop();
        err << "error: " << redact(failure) << "\n";
        return 1;
    }
    if (options.stop_at_end) {
        try {
            end_offsets = query_end_offsets(host.bootstrap_servers(), options.topic, 30000,
                                            options.effective_kafka_properties());
        } catch (const std::exception& error) {
            host.stop();
            err << "error: --stop-at-end could not read the end offsets: " << redact(error.what())
                << "\n";
            return 1;
        }
        err << "Spillway is reading \"" << options.topic << "\" up to its end offsets at start ("
            << thousands(total(end_offsets)) << " messages in " << end_offsets.size()
            << " partitions), then stops.\n";
    } else {
        err << "Spillway is consuming \"" << options.topic
            << "\"; SIGINT or SIGTERM drains and stops.\n";
    }
    if (!plan.tiering.archive_dir.empty())
        err << "Archiving partitions older than " << plan.tier_policy.archive_after_days
            << " days to " << plan.tiering.archive_dir << "\n";
    const std::string conninfo = host.database_conninfo();
    auto next_print = std::chrono::steady_clock::now();
    while (!stop_asked() && host.active()) {
        // A backfill looks often: the time between the last commit and the exit is wasted.
        std::this_thread::sleep_for(std::chrono::milliseconds(options.stop_at_end ? 20 : 100));
        const auto snapshot = host.snapshot();
        if (options.stop_at_end && snapshot && caught_up(*snapshot, end_offsets) &&
            overflow_settled(options, conninfo)) {
            reached_end = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= next_print) {
            if (snapshot)
                print_progress(err, *snapshot);
            next_print += std::chrono::seconds(5);
        }
    }
    drain_until_second_signal(host);
    if (options.stop_at_end)
        return completed && reached_end ? 0 : 1;
    return completed ? 0 : 1;
}

}  // namespace

void install_stop_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

int stop_signals_received() {
    return g_stop_signals.load();
}

int run_headless(const AppOptions& options, std::ostream& out, std::ostream& err) {
    try {
        return options.demo ? run_demo(options, out, err) : run_service(options, out, err);
    } catch (const std::exception& error) {
        err << "error: " << redact(error.what()) << "\n";
        return 1;
    }
}

}  // namespace spillway
