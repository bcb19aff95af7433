// End-to-end benchmark: the whole engine (mock Kafka -> decode -> queue -> batches -> claim ids in
// the key table -> COPY of the claimed rows into the events table -> offset commits) against
// baselines measured in the same process, on the same private PostgreSQL:
//
//   COPY baseline  the same distinct valid rows, held in memory, COPYed straight into a fresh
//                  table of the same schema (PRIMARY KEY on event_id, jsonb payload) by
//                  1 and 2 sessions, batch_size rows per transaction: what PostgreSQL can take
//                  with no Kafka, no decoding, no dedup and no staging step.
//   naive          one autocommit INSERT ... ON CONFLICT DO NOTHING per event on one connection
//                  (prepared statement): what a straightforward consumer loop would do.
//
// Each scenario produces its events to its own topic first (LoadGenerator, wait()), then starts
// the engine with a fresh group and table, and stops the clock when every partition's committed
// offset equals its end offset. It checks count(*) against the distinct valid events produced and
// prints MISMATCH loudly. Wall-clock rates depend on whatever else runs on the machine (the load
// average is printed); the CPU seconds per row (this process + the PostgreSQL processes) do not,
// and are the steadier comparison on a shared box.
//
// Not part of the CTest suite. Run:
//   spillway_bench_e2e --quick          smoke run, 10x smaller (about 20 s)
//   spillway_bench_e2e                  1,000,000 x 300 B and 100,000 x 5 KB (about 2 min)
//   spillway_bench_e2e --help           all options
#include <dirent.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <QCoreApplication>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/kafka/end_offsets.h"
#include "core/postgres/copy_text.h"
#include "core/demo/demo_environment.h"
#include "core/demo/embedded_kafka.h"
#include "core/pipeline/engine.h"
#include "core/pipeline/histogram.h"
#include "core/demo/load_generator.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"

using namespace spillway;
using Clock = std::chrono::steady_clock;

namespace {

// ---------------------------------------------------------------------------------------------
// Options

struct BenchOptions {
    int64_t events_small = 1'000'000;
    int64_t events_large = 100'000;
    int payload_small = 300;
    int payload_large = 5000;
    int64_t naive_small = 5000;
    int64_t naive_large = 1000;
    int writers = 4;
    int batch_size = 5000;
    double duplicate_share = 0.02;
    double malformed_share = 0.01;
    bool durable = false;
    bool quick = false;
    int stall_seconds = 120;
    std::string only;  // "a" or "b": run one scenario only
};

void print_usage(std::ostream& out) {
    out << "usage: spillway_bench_e2e [options]\n"
           "  --events-small N    events of ~300 B in scenario A (default 1000000)\n"
           "  --events-large N    events of ~5 KB in scenario B (default 100000)\n"
           "  --writers W         engine writers = COPY baseline sessions (default 4)\n"
           "  --batch-size B      engine batch size = COPY baseline rows per transaction "
           "(default 5000)\n"
           "  --naive-small N     naive INSERT sample for A (default 5000)\n"
           "  --naive-large N     naive INSERT sample for B (default 1000)\n"
           "  --duplicates S      duplicate share 0..1 (default 0.02)\n"
           "  --malformed S       malformed share 0..1 (default 0.01)\n"
           "  --durable           embedded PostgreSQL with fsync and synchronous_commit on\n"
           "                      (default off, like --demo: a throwaway database)\n"
           "  --only a|b          run one scenario\n"
           "  --stall-seconds S   give up on a scenario after S s without progress (default "
           "120)\n"
           "  --quick             10x smaller everything (explicit sizes still win)\n";
}

BenchOptions parse_options(int argc, char** argv) {
    BenchOptions o;
    bool set_small = false, set_large = false, set_naive_small = false, set_naive_large = false;
    auto need = [&](int& i) -> std::string {
        if (i + 1 >= argc)
            throw std::invalid_argument(std::string(argv[i]) + " needs a value");
        return argv[++i];
    };
    auto to_int = [](const std::string& flag, const std::string& text) -> int64_t {
        size_t used = 0;
        int64_t value = 0;
        try {
            value = std::stoll(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != text.size() || value < 0)
            throw std::invalid_argument(flag + ": not a non-negative integer: \"" + text + "\"");
        return value;
    };
    auto to_share = [](const std::string& flag, const std::string& text) -> double {
        size_t used = 0;
        double value = -1;
        try {
            value = std::stod(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != text.size() || value < 0 || value > 1)
            throw std::invalid_argument(flag + ": not a share between 0 and 1: \"" + text + "\"");
        return value;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--events-small") {
            o.events_small = to_int(flag, need(i));
            set_small = true;
        } else if (flag == "--events-large") {
            o.events_large = to_int(flag, need(i));
            set_large = true;
        } else if (flag == "--naive-small") {
            o.naive_small = to_int(flag, need(i));
            set_naive_small = true;
        } else if (flag == "--naive-large") {
            o.naive_large = to_int(flag, need(i));
            set_naive_large = true;
        } else if (flag == "--writers") {
            o.writers = static_cast<int>(to_int(flag, need(i)));
        } else if (flag == "--batch-size") {
            o.batch_size = static_cast<int>(to_int(flag, need(i)));
        } else if (flag == "--duplicates") {
            o.duplicate_share = to_share(flag, need(i));
        } else if (flag == "--malformed") {
            o.malformed_share = to_share(flag, need(i));
        } else if (flag == "--stall-seconds") {
            o.stall_seconds = static_cast<int>(to_int(flag, need(i)));
        } else if (flag == "--only") {
            o.only = need(i);
            if (o.only != "a" && o.only != "b")
                throw std::invalid_argument("--only: expected a or b");
        } else if (flag == "--durable") {
            o.durable = true;
        } else if (flag == "--quick") {
            o.quick = true;
        } else if (flag == "--help" || flag == "-h") {
            print_usage(std::cout);
            std::exit(0);
        } else {
            throw std::invalid_argument("unknown option " + flag);
        }
    }
    if (o.quick) {
        if (!set_small)
            o.events_small /= 10;
        if (!set_large)
            o.events_large /= 10;
        if (!set_naive_small)
            o.naive_small /= 10;
        if (!set_naive_large)
            o.naive_large /= 10;
    }
    if (o.writers < 1 || o.writers > 64)
        throw std::invalid_argument("--writers must be 1..64");
    if (o.batch_size < 1 || o.batch_size > 1'000'000)
        throw std::invalid_argument("--batch-size must be 1..1000000");
    if (o.duplicate_share + o.malformed_share >= 1)
        throw std::invalid_argument("--duplicates + --malformed must stay below 1");
    return o;
}

// ---------------------------------------------------------------------------------------------
// Formatting and process figures

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

std::string size_label(int bytes) {
    return bytes >= 1000 && bytes % 1000 == 0 ? std::to_string(bytes / 1000) + " KB"
                                              : std::to_string(bytes) + " B";
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double current_rss_mib() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0, pages_resident = 0;
    if (!(statm >> pages_total >> pages_resident))
        return 0;
    return double(pages_resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// The 1-minute load average: other work on the machine (builds, tests) skews every figure here.
double load_average() {
    std::ifstream loadavg("/proc/loadavg");
    double one_minute = -1;
    loadavg >> one_minute;
    return one_minute;
}

// CPU seconds, which other load on the machine does not inflate the way it inflates wall time:
// this process (engine, mock cluster, baselines' clients) and the PostgreSQL server (the
// postmaster and its children: backends, walwriter, checkpointer, autovacuum).
struct CpuSample {
    double self = 0;
    double postgres = 0;
};

double self_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6 +
           double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6;
}

double postgres_cpu_seconds(pid_t postmaster) {
    if (postmaster <= 0)
        return 0;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    double total = 0;
    DIR* proc = opendir("/proc");
    if (!proc)
        return 0;
    while (const dirent* entry = readdir(proc)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        std::ifstream file(std::string("/proc/") + entry->d_name + "/stat");
        std::string stat;
        if (!std::getline(file, stat))
            continue;
        const size_t close = stat.rfind(')');  // the command name may hold spaces
        if (close == std::string::npos)
            continue;
        std::istringstream fields(stat.substr(close + 2));
        std::string state;
        long ppid = 0;
        fields >> state >> ppid;
        const long pid = std::atol(entry->d_name);
        if (pid != postmaster && ppid != postmaster)
            continue;
        std::string skip;
        for (int i = 0; i < 9; ++i)  // pgrp .. cmajflt
            fields >> skip;
        double utime = 0, stime = 0;
        fields >> utime >> stime;
        total += (utime + stime) / ticks;
    }
    closedir(proc);
    return total;
}

// Per-thread CPU of this process, to split the engine phase's own CPU between the mock broker
// (librdkafka names its thread "rdk:mock"; test harness, not engine), the librdkafka consumer
// ("rdk:main", "rdk:brokerN") and everything else (the engine's source, scheduler and writer
// threads, plus the bench's 20 ms polling).
struct ThreadCpu {
    double mock = 0, kafka_client = 0, engine = 0;
};
using ThreadTimes = std::map<long, std::pair<std::string, double>>;

ThreadTimes thread_times() {
    ThreadTimes times;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    DIR* tasks = opendir("/proc/self/task");
    if (!tasks)
        return times;
    while (const dirent* entry = readdir(tasks)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        std::ifstream file(std::string("/proc/self/task/") + entry->d_name + "/stat");
        std::string stat;
        if (!std::getline(file, stat))
            continue;
        const size_t open = stat.find('('), close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close < open)
            continue;
        std::istringstream fields(stat.substr(close + 2));
        std::string skip;
        for (int i = 0; i < 11; ++i)  // state .. cmajflt
            fields >> skip;
        double utime = 0, stime = 0;
        fields >> utime >> stime;
        times[std::atol(entry->d_name)] = {stat.substr(open + 1, close - open - 1),
                                           (utime + stime) / ticks};
    }
    closedir(tasks);
    return times;
}

ThreadCpu thread_cpu_since(const ThreadTimes& before) {
    ThreadCpu out;
    for (const auto& [tid, now] : thread_times()) {
        const auto it = before.find(tid);
        const double delta = now.second - (it == before.end() ? 0.0 : it->second.second);
        if (now.first == "rdk:mock")
            out.mock += delta;
        else if (now.first.rfind("rdk:", 0) == 0)
            out.kafka_client += delta;
        else
            out.engine += delta;
    }
    return out;
}

CpuSample cpu_now(pid_t postmaster) {
    return {self_cpu_seconds(), postgres_cpu_seconds(postmaster)};
}

CpuSample cpu_since(const CpuSample& before, pid_t postmaster) {
    const CpuSample now = cpu_now(postmaster);
    return {now.self - before.self, std::max(0.0, now.postgres - before.postgres)};
}

int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// "2026-11-22 04:22:06.123+00": timestamptz input for the COPY baseline's event_time column.
void append_timestamptz(std::string& out, int64_t ts_ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> tp{milliseconds{ts_ms}};
    const auto day = floor<days>(tp);
    const year_month_day ymd{day};
    const hh_mm_ss hms{tp - day};
    char buf[40];
    const int n = std::snprintf(
        buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%03d+00", static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
        static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
        static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    out.append(buf, static_cast<size_t>(std::max(n, 0)));
}

uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int64_t count_rows(const std::string& conninfo, const std::string& table) {
    PgConnection connection(conninfo);
    return std::stoll(
        connection.query_column("SELECT count(*) FROM " + quote_table_name(table)).at(0));
}

void drop_tables(const std::string& conninfo, const std::vector<std::string>& tables) {
    PgConnection connection(conninfo);
    // An events table leaves its key and dictionary tables behind: drop them too, or stale keys
    // would deduplicate the next run's events.
    for (const auto& table : tables)
        connection.exec("DROP TABLE IF EXISTS " + quote_table_name(table) + ", " +
                        quote_table_name(event_keys_table(table)) + ", " +
                        quote_table_name(event_dictionaries_table(table)));
}

int64_t database_deadlocks(const std::string& conninfo) {
    PgConnection connection(conninfo);
    return std::stoll(connection
                          .query_column("SELECT deadlocks FROM pg_stat_database"
                                        " WHERE datname = current_database()")
                          .at(0));
}

void remember(std::vector<std::string>& seen, const std::string& text) {
    if (!text.empty() && seen.size() < 8 && std::find(seen.begin(), seen.end(), text) == seen.end())
        seen.push_back(text);
}

// A fresh table with exactly the engine's events schema (ensure_schema also makes a dead-letter
// table, which the baselines leave empty).
void create_events_table(const std::string& conninfo, const std::string& table) {
    drop_tables(conninfo, {table, table + "_dl"});
    PgConnection connection(conninfo);
    SinkOptions sink;
    sink.conninfo = conninfo;
    sink.events_table = table;
    sink.dead_letter_table = table + "_dl";
    ensure_schema(connection, sink);
}

// ---------------------------------------------------------------------------------------------
// Results

struct EngineRun {
    bool completed = false;  // every partition's committed offset reached its end offset
    double produce_seconds = 0;
    LoadGeneratorStats produced;
    int partitions = 0;
    int64_t end_offset_total = 0;
    double wall_seconds = 0;   // Engine::start() -> every offset committed
    double start_seconds = 0;  // Engine::start() itself (schema, consumer, metadata)
    Snapshot at_done;          // snapshot that showed everything committed
    Snapshot final_snapshot;   // after drain_and_stop()
    DrainReport drain;
    double batch_p95_ms = 0, e2e_p95_ms = 0;
    int64_t table_rows = -1, dead_rows = -1;
    double rss_before_produce = 0, rss_after_produce = 0, rss_max_during_ingest = 0;
    double rss_after_ingest = 0;
    double rss_after_trim = 0;     // after malloc_trim(0): what glibc kept vs what is still in use
    double rss_after_destroy = 0;  // Engine destroyed (consumer handle freed), malloc_trim(0)
    double load_before = -1, load_after = -1;  // 1-minute load average around the engine phase
    Knobs knobs;
    CpuSample cpu;         // start() -> all committed
    ThreadCpu thread_cpu;  // the same span, this process only, by thread group
    // Timeline, seconds after Engine::start() began, as seen by 20 ms polling of snapshot().
    double first_consumed_at = -1, all_consumed_at = -1, all_written_at = -1;
    int64_t deadlocks = 0;    // pg_stat_database.deadlocks during the engine phase
    int64_t foreign_ids = 0;  // rows whose event_id is outside the generator's id space
    std::string foreign_id_example;
    std::vector<std::string> database_errors;  // distinct Snapshot.last_database_error values
    std::vector<std::string> kafka_errors;     // distinct Snapshot.last_kafka_error values
};

struct CopyRun {
    bool ok = false;
    int64_t rows = 0;
    int64_t transactions = 0;
    double seconds = 0;
    double build_seconds = 0;  // summed over sessions: building COPY text (inside `seconds`)
    double load_after = -1;
    CpuSample cpu;
    double copy_mb = 0;  // COPY text sent
    int64_t table_rows = -1;
    std::string error;
};

struct NaiveRun {
    bool ok = false;
    int64_t rows = 0;
    double seconds = 0;
    CpuSample cpu;
    int64_t table_rows = -1;
    std::string error;
};

struct ScenarioResult {
    std::string tag;
    std::string label;
    int payload_bytes = 0;
    EngineRun engine;
    CopyRun copy1;  // raw COPY, 1 session
    CopyRun copy;   // raw COPY, 2 sessions: the database's limit on the reference machine
    NaiveRun naive;
    std::vector<std::string> problems;  // MISMATCH / failure lines, printed loudly
    double engine_rows_per_s() const {
        return engine.wall_seconds > 0
                   ? double(engine.produced.valid_distinct) / engine.wall_seconds
                   : 0;
    }
    double engine_rows_per_active_s() const {
        return engine.final_snapshot.active_seconds > 0
                   ? double(engine.produced.valid_distinct) / engine.final_snapshot.active_seconds
                   : 0;
    }
    double copy_rows_per_s() const {
        return copy.seconds > 0 ? double(copy.rows) / copy.seconds : 0;
    }
    double copy1_rows_per_s() const {
        return copy1.seconds > 0 ? double(copy1.rows) / copy1.seconds : 0;
    }
    double naive_rows_per_s() const {
        return naive.seconds > 0 ? double(naive.rows) / naive.seconds : 0;
    }
};

void problem(ScenarioResult& result, const std::string& text) {
    result.problems.push_back(text);
    std::cerr << "!!! " << result.label << ": " << text << "\n";
}

// ---------------------------------------------------------------------------------------------
// Phase 1: the engine, end to end

void print_progress(const std::string& label, const Snapshot& s, double elapsed) {
    std::cerr << "  [" << label << " " << fixed(elapsed, 1) << " s] " << s.state << "  consumed "
              << thousands(s.consumed) << "  written " << thousands(s.written) << "  dup "
              << thousands(s.duplicates) << "  dead " << thousands(s.dead_lettered) << "  queue "
              << thousands(static_cast<int64_t>(s.queue_events))
              << (s.source_paused ? " (paused)" : "") << "  in "
              << thousands(static_cast<int64_t>(s.consumed_per_s)) << "/s  out "
              << thousands(static_cast<int64_t>(s.written_per_s)) << "/s  busy " << s.writers_busy
              << "/" << s.writers_running << "  lag " << thousands(s.total_lag_messages)
              << "  batch p50 " << fixed(s.batch_p50_ms, 0) << " ms\n";
}

void describe_stall(ScenarioResult& result, const Snapshot& s, const std::vector<int64_t>& ends) {
    std::ostringstream text;
    text << "STALLED: state \"" << s.state << "\", consumed " << s.consumed << ", written "
         << s.written << ", dead " << s.dead_lettered << ", queue " << s.queue_events
         << ", in-flight offsets " << s.in_flight_offsets << ", writers busy " << s.writers_busy
         << "/" << s.writers_running << ", paused " << s.source_paused
         << ", partitions in snapshot " << s.partitions.size() << " of " << ends.size()
         << ", last Kafka error \"" << s.last_kafka_error << "\", last database error \""
         << s.last_database_error << "\"";
    int shown = 0;
    for (const auto& lag : s.partitions) {
        const auto index = static_cast<size_t>(lag.partition);
        const int64_t end = index < ends.size() ? ends[index] : -1;
        if (lag.committed != end && shown++ < 8)
            text << "\n      partition " << lag.partition << ": committed " << lag.committed
                 << ", position " << lag.consumed_position << ", end " << end << " (snapshot "
                 << lag.end_offset << ")";
    }
    problem(result, text.str());
}

void run_engine_phase(const BenchOptions& opts, DemoEnvironment& env, const std::string& topic,
                      ScenarioResult& result, int64_t events) {
    EngineRun& run = result.engine;
    const std::string events_table = "bench_" + result.tag + "_events";
    const std::string dead_table = "bench_" + result.tag + "_dead_letters";
    drop_tables(env.conninfo(), {events_table, dead_table});

    // Produce everything first: the engine then reads a full backlog, as after an outage.
    run.rss_before_produce = current_rss_mib();
    LoadGeneratorOptions load;
    load.bootstrap_servers = env.bootstrap_servers();
    load.topic = topic;
    load.events = events;
    load.payload_bytes = result.payload_bytes;
    load.duplicate_share = opts.duplicate_share;
    load.malformed_share = opts.malformed_share;
    load.seed = result.tag == "a" ? 11 : 22;
    load.id_prefix = result.tag;
    std::cerr << result.label << ": producing " << thousands(events) << " events to " << topic
              << " (" << run.partitions << " partitions)...\n";
    const auto produce_began = Clock::now();
    {
        LoadGenerator generator(load);
        generator.start();
        generator.wait();
        run.produced = generator.stats();
    }
    run.produce_seconds = seconds_between(produce_began, Clock::now());
    run.rss_after_produce = current_rss_mib();
    if (run.produced.delivery_failed != 0 || run.produced.delivered != run.produced.produced)
        problem(result, "PRODUCE FAILED: " + thousands(run.produced.delivery_failed) +
                            " deliveries failed, " + thousands(run.produced.delivered) + " of " +
                            thousands(run.produced.produced) + " acknowledged");

    const std::vector<int64_t> end_offsets = query_end_offsets(env.bootstrap_servers(), topic);
    for (int64_t end : end_offsets)
        run.end_offset_total += end;
    if (run.end_offset_total != run.produced.delivered)
        problem(result, "MISMATCH: end offsets sum to " + thousands(run.end_offset_total) +
                            " but " + thousands(run.produced.delivered) + " were acknowledged");

    EngineOptions options;
    options.source.bootstrap_servers = env.bootstrap_servers();
    options.source.topic = topic;
    options.source.group_id =
        "spillway-bench-" + result.tag + "-" + std::to_string(static_cast<long>(getpid()));
    options.sink.conninfo = env.conninfo();
    options.sink.events_table = events_table;
    options.sink.dead_letter_table = dead_table;
    options.knobs.batch_size = opts.batch_size;
    options.knobs.writer_concurrency = opts.writers;
    // The count trigger must be the one that fires, so engine batches match the baseline's
    // transactions: lift the byte trigger (16 MiB by default, about 3,300 events of 5 KB) above
    // batch_size full events, and keep the queue able to hold a few such batches.
    const size_t per_event = static_cast<size_t>(result.payload_bytes) + 1024;
    options.knobs.batch_bytes =
        std::max(options.knobs.batch_bytes, static_cast<size_t>(opts.batch_size) * per_event);
    options.knobs.queue_capacity_bytes =
        std::max(options.knobs.queue_capacity_bytes, 4 * options.knobs.batch_bytes);
    options.knobs.queue_capacity_events =
        std::max(options.knobs.queue_capacity_events, static_cast<size_t>(opts.batch_size) * 4);
    options.snapshot_interval_ms = 50;
    run.knobs = options.knobs;

    std::cerr << result.label << ": produced in " << fixed(run.produce_seconds, 1)
              << " s; starting the engine (" << opts.writers << " writers, batch "
              << opts.batch_size << ")...\n";
    const int64_t deadlocks_before = database_deadlocks(env.conninfo());
    run.load_before = load_average();
    const pid_t postmaster = env.postgres() ? env.postgres()->postmaster_pid() : -1;
    const CpuSample cpu_before = cpu_now(postmaster);
    const ThreadTimes threads_before = thread_times();
    Engine engine(options);
    const auto began = Clock::now();
    engine.start();
    run.start_seconds = seconds_between(began, Clock::now());

    auto next_print = Clock::now();
    auto last_change = Clock::now();
    int64_t last_progress = -1;
    std::shared_ptr<const Snapshot> snap;
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        run.rss_max_during_ingest = std::max(run.rss_max_during_ingest, current_rss_mib());
        snap = engine.snapshot();
        const auto now = Clock::now();
        const double elapsed = seconds_between(began, now);
        if (run.first_consumed_at < 0 && snap->consumed > 0)
            run.first_consumed_at = elapsed;
        if (run.all_consumed_at < 0 && snap->consumed >= run.produced.delivered)
            run.all_consumed_at = elapsed;
        if (run.all_written_at < 0 &&
            snap->written + snap->duplicates + snap->dead_lettered >= run.produced.delivered)
            run.all_written_at = elapsed;
        remember(run.database_errors, snap->last_database_error);
        remember(run.kafka_errors, snap->last_kafka_error);
        if (caught_up(*snap, end_offsets)) {
            run.cpu = cpu_since(cpu_before, postmaster);
            run.thread_cpu = thread_cpu_since(threads_before);
            run.completed = true;
            run.wall_seconds = seconds_between(began, now);
            run.at_done = *snap;
            break;
        }
        if (now >= next_print) {
            print_progress(result.label, *snap, seconds_between(began, now));
            next_print = now + std::chrono::seconds(2);
        }
        int64_t committed_sum = 0;
        for (const auto& lag : snap->partitions)
            committed_sum += std::max<int64_t>(lag.committed, 0);
        const int64_t progress =
            snap->consumed + snap->written + snap->dead_lettered + snap->duplicates + committed_sum;
        if (progress != last_progress) {
            last_progress = progress;
            last_change = now;
        } else if (now - last_change > std::chrono::seconds(opts.stall_seconds)) {
            run.wall_seconds = seconds_between(began, now);
            run.cpu = cpu_since(cpu_before, postmaster);
            run.at_done = *snap;
            describe_stall(result, *snap, end_offsets);
            break;
        }
    }
    run.drain = engine.drain_and_stop();
    run.final_snapshot = *engine.snapshot();
    run.batch_p95_ms =
        LatencyHistogram::percentile_us(engine.metrics().batch_write_latency.counts(), 0.95) / 1e3;
    run.e2e_p95_ms =
        LatencyHistogram::percentile_us(engine.metrics().end_to_end_latency.counts(), 0.95) / 1e3;
    run.rss_after_ingest = current_rss_mib();
    malloc_trim(0);
    run.rss_after_trim = current_rss_mib();
    run.load_after = load_average();
    run.deadlocks = database_deadlocks(env.conninfo()) - deadlocks_before;
    remember(run.database_errors, run.final_snapshot.last_database_error);
    remember(run.kafka_errors, run.final_snapshot.last_kafka_error);

    // Cheap correctness: what the table holds against what was produced.
    const Snapshot& s = run.final_snapshot;
    run.table_rows = count_rows(env.conninfo(), events_table);
    run.dead_rows = count_rows(env.conninfo(), dead_table);
    if (run.table_rows != run.produced.valid_distinct)
        problem(result, "MISMATCH: " + events_table + " holds " + thousands(run.table_rows) +
                            " rows, expected " + thousands(run.produced.valid_distinct) +
                            " distinct valid events");
    {
        // Valid ids are "<tag>-<12 digits>"; anything else came from a message the generator
        // counted as malformed but the decoder accepted.
        PgConnection connection(env.conninfo());
        const std::string where = " FROM " + quote_table_name(events_table) +
                                  " WHERE event_id NOT LIKE '" + result.tag + "-%'";
        run.foreign_ids = std::stoll(connection.query_column("SELECT count(*)" + where).at(0));
        if (run.foreign_ids > 0) {
            const auto examples = connection.query_column(
                "SELECT 'event_id ' || event_id || ' from payload \"event_id\": ' ||"
                " (payload->'event_id')::text" +
                where + " ORDER BY kafka_offset LIMIT 1");
            run.foreign_id_example = examples.empty() ? "" : examples.front();
            problem(result, thousands(run.foreign_ids) +
                                " rows have an event_id outside the generator's id space: "
                                "messages the generator counted as malformed were stored as "
                                "valid events, e.g. " +
                                run.foreign_id_example);
        }
    }
    if (run.dead_rows != run.produced.malformed)
        problem(result, "MISMATCH: " + dead_table + " holds " + thousands(run.dead_rows) +
                            " rows, expected " + thousands(run.produced.malformed) + " malformed");
    if (s.written != run.produced.valid_distinct)
        problem(result, "MISMATCH: Snapshot.written " + thousands(s.written) + " != " +
                            thousands(run.produced.valid_distinct) + " distinct valid produced");
    if (s.duplicates != run.produced.duplicates)
        problem(result, "MISMATCH: Snapshot.duplicates " + thousands(s.duplicates) +
                            " != " + thousands(run.produced.duplicates) + " duplicates produced");
    if (s.consumed != run.produced.delivered)
        problem(result, "MISMATCH: Snapshot.consumed " + thousands(s.consumed) +
                            " != " + thousands(run.produced.delivered) + " delivered");
    if (s.lost_to_retention != 0)
        problem(result, "LOST TO RETENTION: " + thousands(s.lost_to_retention) +
                            " events (partitions too small for the mock cluster?)");
    if (!run.drain.completed)
        problem(result,
                "DRAIN INCOMPLETE: " + thousands(static_cast<int64_t>(run.drain.queued_at_stop)) +
                    " queued at stop");
}

// ---------------------------------------------------------------------------------------------
// Phase 2: the same distinct valid rows from memory

struct Row {
    std::string event_id;
    std::string key;  // device id, like the generator's Kafka key
    std::string payload;
    int64_t ts_ms = 0;
    int32_t partition = 0;
    int64_t offset = 0;
};

std::vector<Row> make_rows(const std::string& tag, int64_t count, int payload_bytes,
                           int partitions) {
    std::vector<Row> rows(static_cast<size_t>(count));
    uint64_t seed = tag == "a" ? 0x5eed0a : 0x5eed0b;
    const int64_t base_ms = wall_ms() - count;
    const int parts = std::max(partitions, 1);
    char id[48];
    char key[16];
    for (int64_t i = 0; i < count; ++i) {
        Row& row = rows[static_cast<size_t>(i)];
        const int device = static_cast<int>(splitmix64(seed) % 10000);
        std::snprintf(id, sizeof id, "%sc-%012lld", tag.c_str(), static_cast<long long>(i));
        std::snprintf(key, sizeof key, "dev-%05d", device);
        row.event_id = id;
        row.key = key;
        row.ts_ms = base_ms + i;
        row.payload =
            make_event_json(row.event_id, device, i, row.ts_ms, payload_bytes, splitmix64(seed));
        row.partition = static_cast<int32_t>(i % parts);
        row.offset = i / parts;
    }
    return rows;
}

// One COPY line per row, written with the engine's own COPY text functions; the columns the
// engine fills in its INSERT ... SELECT (event_time from milliseconds, kafka_topic) are written as
// text here, since this COPY goes straight into the events table.
void append_copy_row(std::string& out, const Row& row, const std::string& topic) {
    append_copy_text(out, row.event_id);
    out += '\t';
    append_timestamptz(out, row.ts_ms);
    out += '\t';
    append_copy_text(out, topic);
    out += '\t';
    append_copy_int(out, row.partition);
    out += '\t';
    append_copy_int(out, row.offset);
    out += '\t';
    if (row.key.empty())
        append_copy_null(out);
    else
        append_copy_bytea(out, row.key);
    out += '\t';
    append_copy_text(out, row.payload);
    out += '\n';
}

void run_copy_baseline(const BenchOptions& opts, const std::string& conninfo, pid_t postmaster,
                       const std::string& topic, const std::vector<Row>& rows, int sessions,
                       CopyRun& run, ScenarioResult& result) {
    const std::string table = "bench_" + result.tag + "_copy" + std::to_string(sessions);
    create_events_table(conninfo, table);
    const std::string copy_sql = "COPY " + quote_table_name(table) +
                                 " (event_id, event_time, kafka_topic, kafka_partition,"
                                 " kafka_offset, kafka_key, payload) FROM STDIN";
    const size_t chunk = static_cast<size_t>(opts.batch_size);
    const size_t chunks = (rows.size() + chunk - 1) / chunk;

    std::latch connected(sessions);
    std::latch go(1);
    std::latch finished(sessions);  // every session done; connections still open for the sample
    std::latch release(1);
    std::mutex mutex;
    std::string first_error;
    double build_seconds = 0;
    double copy_bytes = 0;
    int64_t transactions = 0;
    std::vector<std::thread> threads;
    for (int s = 0; s < sessions; ++s) {
        threads.emplace_back([&, s] {
            std::unique_ptr<PgConnection> connection;
            try {
                connection = std::make_unique<PgConnection>(conninfo);
                connection->exec("SET synchronous_commit = on");  // as the engine's writers do
            } catch (const std::exception& error) {
                std::lock_guard lock(mutex);
                if (first_error.empty())
                    first_error = error.what();
            }
            connected.count_down();
            go.wait();
            if (!connection) {
                finished.count_down();
                return;
            }
            std::string buffer;
            double built = 0, sent = 0;
            int64_t done = 0;
            try {
                // Chunks dealt round-robin, like batches handed to whichever writer is free.
                for (size_t c = static_cast<size_t>(s); c < chunks;
                     c += static_cast<size_t>(sessions)) {
                    const auto build_began = Clock::now();
                    buffer.clear();
                    const size_t end = std::min(rows.size(), (c + 1) * chunk);
                    for (size_t i = c * chunk; i < end; ++i)
                        append_copy_row(buffer, rows[i], topic);
                    built += seconds_between(build_began, Clock::now());
                    sent += double(buffer.size());
                    connection->exec("BEGIN");
                    connection->copy_in(copy_sql, buffer);
                    connection->exec("COMMIT");
                    ++done;
                }
            } catch (const std::exception& error) {
                std::lock_guard lock(mutex);
                if (first_error.empty())
                    first_error = error.what();
            }
            {
                std::lock_guard lock(mutex);
                build_seconds += built;
                copy_bytes += sent;
                transactions += done;
            }
            finished.count_down();
            release.wait();
        });
    }
    connected.wait();
    const CpuSample cpu_before = cpu_now(postmaster);
    const auto began = Clock::now();
    go.count_down();
    finished.wait();
    run.seconds = seconds_between(began, Clock::now());
    run.cpu = cpu_since(cpu_before, postmaster);
    release.count_down();
    for (auto& thread : threads)
        thread.join();
    run.load_after = load_average();
    run.rows = static_cast<int64_t>(rows.size());
    run.transactions = transactions;
    run.build_seconds = build_seconds;
    run.copy_mb = copy_bytes / 1e6;
    run.error = first_error;
    run.table_rows = count_rows(conninfo, table);
    run.ok = first_error.empty() && run.table_rows == run.rows;
    if (!first_error.empty())
        problem(result, "COPY BASELINE FAILED: " + first_error);
    if (run.table_rows != run.rows)
        problem(result, "MISMATCH: " + table + " holds " + thousands(run.table_rows) +
                            " rows after the COPY baseline, expected " + thousands(run.rows));
}

// ---------------------------------------------------------------------------------------------
// Phase 3: the naive consumer loop, one autocommit INSERT per event

void run_naive(const std::string& conninfo, pid_t postmaster, const std::string& topic,
               const std::vector<Row>& rows, int64_t sample, ScenarioResult& result) {
    NaiveRun& run = result.naive;
    const std::string table = "bench_" + result.tag + "_naive";
    create_events_table(conninfo, table);
    const size_t count = std::min(rows.size(), static_cast<size_t>(std::max<int64_t>(sample, 0)));
    try {
        pqxx::connection connection(conninfo);
        {
            pqxx::nontransaction setup(connection);
            setup.exec("SET synchronous_commit = on");  // as the engine's writers do
        }
        connection.prepare(
            "insert_event",
            // Deduplicated the way the engine does: claim the id in the key table, then insert.
            "WITH claimed AS (INSERT INTO " + quote_table_name(event_keys_table(table)) +
                " (event_id, event_time) VALUES ($1, timestamptz 'epoch' + $2::bigint * interval"
                " '1 millisecond') ON CONFLICT (event_id) DO NOTHING RETURNING event_id,"
                " event_time) INSERT INTO " +
                quote_table_name(table) +
                " (event_id, event_time, kafka_topic, kafka_partition, kafka_offset, kafka_key,"
                " payload) SELECT event_id, event_time, $3, $4, $5, $6, $7 FROM claimed");
        pqxx::nontransaction autocommit(connection);  // every statement commits on its own
        std::string key_hex;
        const CpuSample cpu_before = cpu_now(postmaster);
        const auto began = Clock::now();
        for (size_t i = 0; i < count; ++i) {
            const Row& row = rows[i];
            key_hex.clear();
            append_copy_bytea(key_hex, row.key);  // "\\x..." in COPY form: drop one backslash
            key_hex.erase(0, 1);
            autocommit.exec_prepared("insert_event", row.event_id, row.ts_ms, topic,
                                     static_cast<int>(row.partition), row.offset, key_hex,
                                     row.payload);
        }
        run.seconds = seconds_between(began, Clock::now());
        run.cpu = cpu_since(cpu_before, postmaster);
        run.rows = static_cast<int64_t>(count);
    } catch (const std::exception& error) {
        run.error = error.what();
        problem(result, std::string("NAIVE BASELINE FAILED: ") + error.what());
    }
    run.table_rows = count_rows(conninfo, table);
    run.ok = run.error.empty() && run.table_rows == static_cast<int64_t>(count);
    if (run.error.empty() && run.table_rows != static_cast<int64_t>(count))
        problem(result, "MISMATCH: " + table + " holds " + thousands(run.table_rows) +
                            " rows after the naive run, expected " +
                            thousands(static_cast<int64_t>(count)));
}

// ---------------------------------------------------------------------------------------------

ScenarioResult run_scenario(const BenchOptions& opts, DemoEnvironment& env, const std::string& tag,
                            int64_t events, int payload_bytes, int64_t naive_sample) {
    ScenarioResult result;
    result.tag = tag;
    result.payload_bytes = payload_bytes;
    result.label = size_label(payload_bytes) + " x " + thousands(events);
    const std::string topic = "bench_" + tag;
    result.engine.partitions = DemoEnvironment::partitions_for(events, payload_bytes);
    try {
        env.kafka()->create_topic(topic, result.engine.partitions);
        run_engine_phase(opts, env, topic, result, events);
        malloc_trim(0);
        result.engine.rss_after_destroy = current_rss_mib();

        std::cerr << result.label << ": engine done; generating "
                  << thousands(result.engine.produced.valid_distinct)
                  << " rows in memory for the baselines...\n";
        std::vector<Row> rows = make_rows(tag, result.engine.produced.valid_distinct, payload_bytes,
                                          result.engine.partitions);
        std::cerr << result.label << ": COPY baselines (1 and 2 sessions, " << opts.batch_size
                  << " rows per transaction)...\n";
        const pid_t postmaster = env.postgres() ? env.postgres()->postmaster_pid() : -1;
        run_copy_baseline(opts, env.conninfo(), postmaster, topic, rows, 1, result.copy1, result);
        run_copy_baseline(opts, env.conninfo(), postmaster, topic, rows, 2, result.copy, result);
        std::cerr << result.label << ": naive baseline (" << thousands(naive_sample)
                  << " autocommit INSERTs)...\n";
        run_naive(env.conninfo(), postmaster, topic, rows, naive_sample, result);
    } catch (const std::exception& error) {
        problem(result, std::string("FAILED: ") + error.what());
    }
    return result;
}

void print_definitions(std::ostream& out) {
    out << "\nDefinitions\n"
           "  rows          distinct valid events produced (= rows the events table must hold)\n"
           "  engine rows/s rows / (Engine::start() -> every partition's committed offset == its\n"
           "                end offset); the engine also read the duplicates and malformed "
           "messages\n"
           "  COPY rows/s   rows / (first COPY -> last COMMIT), 2 sessions (COPY x1: 1 session),\n"
           "                batch_size rows per transaction, straight into a fresh table with a\n"
           "                PRIMARY KEY on event_id and a jsonb payload\n"
           "  ratio         engine rows/s / COPY rows/s (2 sessions)\n"
           "  e2e p50/p99   Kafka message timestamp -> commit, over the whole engine run (events\n"
           "                produced before the start wait in Kafka: a backlog figure, not the\n"
           "                latency at half load)\n"
           "  naive rows/s  sample rows / time for one autocommit INSERT ... ON CONFLICT DO "
           "NOTHING\n"
           "                per row on one connection (prepared statement)\n"
           "  engine/naive  engine rows/s / naive rows/s\n";
}

std::string pad(const std::string& text, size_t width, bool right = true) {
    if (text.size() >= width)
        return text + " ";
    return right ? std::string(width - text.size(), ' ') + text + " "
                 : text + std::string(width - text.size(), ' ') + " ";
}

void print_results(std::ostream& out, const BenchOptions& opts,
                   const std::vector<ScenarioResult>& results) {
    out << "\n=== Spillway end-to-end benchmark ===\n";
    out << "writers " << opts.writers << ", batch size " << opts.batch_size << ", duplicates "
        << fixed(opts.duplicate_share * 100, 1) << " %, malformed "
        << fixed(opts.malformed_share * 100, 1) << " %, PostgreSQL "
        << (opts.durable ? "durable (fsync on)" : "non-durable (fsync off, like --demo)")
        << ", writers/COPY/naive sessions use synchronous_commit=on, "
        << std::thread::hardware_concurrency() << " CPUs\n\n";

    out << pad("scenario", 20, false) << pad("rows", 11) << pad("engine rows/s", 14)
        << pad("COPY x1 rows/s", 15) << pad("COPY rows/s", 12) << pad("ratio", 6)
        << pad("naive rows/s", 13) << pad("engine/naive", 12) << pad("e2e p50/p99 ms", 16)
        << "\n";
    for (const auto& r : results) {
        const double engine_rate = r.engine_rows_per_s();
        const double copy_rate = r.copy_rows_per_s();
        const double naive_rate = r.naive_rows_per_s();
        out << pad(r.label, 20, false) << pad(thousands(r.engine.produced.valid_distinct), 11)
            << pad(thousands(static_cast<int64_t>(engine_rate)), 14)
            << pad(thousands(static_cast<int64_t>(r.copy1_rows_per_s())), 15)
            << pad(thousands(static_cast<int64_t>(copy_rate)), 12)
            << pad(copy_rate > 0 ? fixed(engine_rate / copy_rate, 2) : "-", 6)
            << pad(thousands(static_cast<int64_t>(naive_rate)), 13)
            << pad(naive_rate > 0 ? fixed(engine_rate / naive_rate, 1) + "x" : "-", 12)
            << pad(fixed(r.engine.final_snapshot.true_e2e_p50_total_ms, 0) + "/" +
                       fixed(r.engine.final_snapshot.true_e2e_p99_total_ms, 0),
                   16)
            << (r.problems.empty() ? "" : "  <-- PROBLEMS") << "\n";
    }
    print_definitions(out);

    for (const auto& r : results) {
        const EngineRun& e = r.engine;
        const Snapshot& s = e.final_snapshot;
        const double wall = e.wall_seconds;
        out << "\n--- " << r.label << " (~" << r.payload_bytes << " B payloads, " << e.partitions
            << " partitions) ---\n";
        out << "  produced        " << thousands(e.produced.produced) << " messages ("
            << thousands(e.produced.valid_distinct) << " distinct valid, "
            << thousands(e.produced.duplicates) << " duplicates, "
            << thousands(e.produced.malformed) << " malformed), "
            << fixed(double(e.produced.bytes) / 1e6, 1) << " MB in " << fixed(e.produce_seconds, 1)
            << " s (not timed against the engine)\n";
        out << "  engine          " << fixed(wall, 2) << " s from start to all committed ("
            << fixed(e.start_seconds, 2) << " s in start(), active " << fixed(s.active_seconds, 2)
            << " s = first consumed -> last durable batch)"
            << (e.completed ? "" : "  NOT COMPLETED") << "\n";
        if (wall > 0) {
            out << "                  "
                << thousands(static_cast<int64_t>(double(s.consumed) / wall)) << " messages/s, "
                << fixed(double(s.consumed_bytes) / 1e6 / wall, 1) << " MB/s consumed; "
                << thousands(static_cast<int64_t>(r.engine_rows_per_s())) << " rows/s, "
                << fixed(double(s.written_bytes) / 1e6 / wall, 1) << " MB/s payload stored\n";
        }
        if (s.active_seconds > 0) {
            out << "   over active    "
                << thousands(static_cast<int64_t>(double(s.consumed) / s.active_seconds))
                << " messages/s, " << fixed(double(s.consumed_bytes) / 1e6 / s.active_seconds, 1)
                << " MB/s consumed; "
                << thousands(static_cast<int64_t>(r.engine_rows_per_active_s()))
                << " rows/s (ratio to COPY "
                << (r.copy_rows_per_s() > 0
                        ? fixed(r.engine_rows_per_active_s() / r.copy_rows_per_s(), 2)
                        : "-")
                << ")\n";
        }
        out << "  timeline        first consumed at " << fixed(e.first_consumed_at, 2)
            << " s (group join), all consumed at " << fixed(e.all_consumed_at, 2)
            << " s, all written at " << fixed(e.all_written_at, 2) << " s, all committed at "
            << fixed(e.wall_seconds, 2) << " s (20 ms polling of 50 ms snapshots)\n";
        out << "  machine load    1-min load average " << fixed(e.load_before, 2) << " before / "
            << fixed(e.load_after, 2) << " after the engine phase, " << fixed(r.copy.load_after, 2)
            << " after the COPY baseline (" << std::thread::hardware_concurrency()
            << " CPUs; anything well above the bench's own load means contention)\n";
        const auto cpu_line = [&](const char* what, const CpuSample& cpu, int64_t rows) {
            const double total = cpu.self + cpu.postgres;
            out << "                  " << what << fixed(cpu.self, 2) << " s this process + "
                << fixed(cpu.postgres, 2) << " s PostgreSQL = " << fixed(total, 2) << " CPU-s, "
                << (rows > 0 ? fixed(total * 1e6 / double(rows), 1) : "-") << " CPU-us per row\n";
        };
        out << "  CPU             (contention-proof: work done, not time waited)\n";
        cpu_line("engine   ", e.cpu, e.produced.valid_distinct);
        out << "                    this process by thread: mock broker (harness) "
            << fixed(e.thread_cpu.mock, 2) << " s, librdkafka consumer "
            << fixed(e.thread_cpu.kafka_client, 2) << " s, engine threads "
            << fixed(e.thread_cpu.engine, 2) << " s\n";
        cpu_line("COPY x1  ", r.copy1.cpu, r.copy1.rows);
        cpu_line("COPY x2  ", r.copy.cpu, r.copy.rows);
        cpu_line("naive    ", r.naive.cpu, r.naive.rows);
        if (e.cpu.self + e.cpu.postgres > 0 && r.copy.cpu.self + r.copy.cpu.postgres > 0 &&
            r.copy.rows > 0 && e.produced.valid_distinct > 0) {
            const double engine_per_row =
                (e.cpu.self + e.cpu.postgres) / double(e.produced.valid_distinct);
            const double copy_per_row =
                (r.copy.cpu.self + r.copy.cpu.postgres) / double(r.copy.rows);
            out << "                  CPU per row, COPY / engine = "
                << fixed(copy_per_row / engine_per_row, 2)
                << " (the ratio the engine would reach if CPU were the only limit)\n";
        }
        out << "  database        " << e.deadlocks
            << " deadlocks (pg_stat_database) during the engine phase";
        for (const auto& text : e.database_errors)
            out << "\n                  error seen: " << text;
        for (const auto& text : e.kafka_errors)
            out << "\n                  Kafka error seen: " << text;
        out << "\n";
        out << "  batches         " << thousands(s.batches) << " (mean "
            << (s.batches > 0 ? thousands((s.written + s.duplicates + s.dead_lettered) / s.batches)
                              : "-")
            << " events), retries " << s.batch_retries << ", splits " << s.batch_splits
            << ", source pauses " << s.pauses << ", offset commits " << s.commits << " ("
            << s.commit_failures << " failed)\n";
        out << "  batch latency   p50 " << fixed(s.batch_p50_total_ms, 1) << " ms, p95 "
            << fixed(e.batch_p95_ms, 1) << " ms, p99 " << fixed(s.batch_p99_total_ms, 1)
            << " ms (writer pick-up -> COMMIT)\n";
        out << "  e2e latency     p50 " << fixed(s.e2e_p50_total_ms, 1) << " ms, p95 "
            << fixed(e.e2e_p95_ms, 1) << " ms, p99 " << fixed(s.e2e_p99_total_ms, 1)
            << " ms (queue entry -> COMMIT; a full backlog, so mostly queueing)\n";
        out << "  knobs           batch_size " << e.knobs.batch_size << ", batch_bytes "
            << fixed(double(e.knobs.batch_bytes) / (1 << 20), 1) << " MiB, writers "
            << e.knobs.writer_concurrency << ", queue "
            << thousands(static_cast<int64_t>(e.knobs.queue_capacity_events)) << " events / "
            << fixed(double(e.knobs.queue_capacity_bytes) / (1 << 20), 0) << " MiB\n";
        out << "  drain           " << (e.drain.completed ? "complete" : "INCOMPLETE") << " in "
            << fixed(e.drain.seconds, 2) << " s\n";
        out << "  check           events table " << thousands(e.table_rows) << " rows vs "
            << thousands(e.produced.valid_distinct) << " distinct valid -> "
            << (e.table_rows == e.produced.valid_distinct ? "OK" : "MISMATCH") << "; dead letters "
            << thousands(e.dead_rows) << " vs " << thousands(e.produced.malformed)
            << " malformed -> " << (e.dead_rows == e.produced.malformed ? "OK" : "MISMATCH")
            << "; duplicates dropped " << thousands(s.duplicates) << " vs "
            << thousands(e.produced.duplicates) << "\n";
        out << "  COPY baseline   " << thousands(r.copy.rows) << " rows in "
            << fixed(r.copy.seconds, 2) << " s, " << r.copy.transactions << " transactions, "
            << fixed(r.copy.copy_mb, 1) << " MB of COPY text (" << fixed(r.copy.build_seconds, 2)
            << " s of it building text, summed over sessions); table "
            << thousands(r.copy.table_rows) << " rows -> "
            << (r.copy.table_rows == r.copy.rows ? "OK" : "MISMATCH") << "\n";
        out << "  naive baseline  " << thousands(r.naive.rows) << " rows in "
            << fixed(r.naive.seconds, 2) << " s; table " << thousands(r.naive.table_rows)
            << " rows -> " << (r.naive.ok ? "OK" : "MISMATCH/FAILED") << "\n";
        out << "  RSS             " << fixed(e.rss_before_produce, 0) << " MiB before producing, "
            << fixed(e.rss_after_produce, 0) << " MiB after (the mock cluster keeps the topic "
            << "in-process), max " << fixed(e.rss_max_during_ingest, 0)
            << " MiB during ingestion (delta "
            << fixed(e.rss_max_during_ingest - e.rss_after_produce, 0) << " MiB), "
            << fixed(e.rss_after_ingest, 0) << " MiB after drain, " << fixed(e.rss_after_trim, 0)
            << " MiB after malloc_trim(0), " << fixed(e.rss_after_destroy, 0)
            << " MiB once the Engine is destroyed\n";
        for (const auto& line : r.problems)
            out << "  !!! " << line << "\n";
    }
    out << "\npeak RSS of the process (getrusage ru_maxrss): " << fixed(peak_rss_mib(), 0)
        << " MiB (includes the mock cluster's copy of every topic produced and the baselines' "
           "in-memory rows; PostgreSQL runs in its own processes)\n";
    bool all_ok = true;
    for (const auto& r : results)
        all_ok = all_ok && r.problems.empty();
    out << (all_ok ? "all checks OK\n"
                   : "\n!!!!!!!! MISMATCH / FAILURE: see the lines marked !!! above\n");
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    BenchOptions opts;
    try {
        opts = parse_options(argc, argv);
    } catch (const std::exception& error) {
        std::cerr << "error: " << error.what() << "\n";
        print_usage(std::cerr);
        return 2;
    }

    DemoEnvironmentOptions env_options;
    env_options.kafka.topic.clear();  // one topic per scenario, created below
    env_options.postgres.durable = opts.durable;
    DemoEnvironment env(env_options);
    try {
        std::cerr << "Starting the embedded PostgreSQL and mock Kafka...\n";
        env.start();
        std::cerr << "  Kafka      " << env.bootstrap_servers() << "\n  PostgreSQL "
                  << env.conninfo() << "\n";
    } catch (const std::exception& error) {
        std::cerr << "error: " << error.what() << "\n";
        return 1;
    }

    std::vector<ScenarioResult> results;
    // A scenario of 0 events is skipped (the load generator reads 0 as "until stopped").
    if ((opts.only.empty() || opts.only == "a") && opts.events_small > 0)
        results.push_back(
            run_scenario(opts, env, "a", opts.events_small, opts.payload_small, opts.naive_small));
    if ((opts.only.empty() || opts.only == "b") && opts.events_large > 0)
        results.push_back(
            run_scenario(opts, env, "b", opts.events_large, opts.payload_large, opts.naive_large));

    print_results(std::cout, opts, results);
    for (const auto& r : results) {
        if (!r.problems.empty())
            return 1;
    }
    return 0;
}
