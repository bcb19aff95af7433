// End-to-end benchmark of issue 10's goals: the real `spillway` binary, run as a child process
// with default knobs against the mock Kafka cluster that lives in this process (so Kafka is
// outside the engine's process), against baselines measured in the same run on the same private
// PostgreSQL, and one markdown table with every figure as a ratio to the baseline:
//
//   COPY baseline  the same number of distinct valid rows of the same shape, held in memory,
//                  COPYed straight into a plain table with a PRIMARY KEY on event_id and a jsonb
//                  payload by 1 and 2 sessions, batch_size rows per transaction: what PostgreSQL
//                  can take with no Kafka, no decoding, no dedup and no offsets.
//   headless       `spillway --headless --stop-at-end` reading the topic produced beforehand:
//                  whole process (spawn -> exit) and first row to last row as the database
//                  recorded it (the first row's ingested_at to the last COMMIT's timestamp).
//   console        the same with the console (QT_QPA_PLATFORM=offscreen), which honours
//                  --stop-at-end too.
//   memory         headless with --queue-capacity 100000 on the same backlog (the engine reads
//                  as fast as it can: the offered load is the whole backlog): peak RSS from wait4
//                  and VmRSS sampled every 50 ms.
//   latency        headless with --listen, while this process produces at half of the rate the
//                  headless run reached: Kafka timestamp -> commit, from the summary (the
//                  snapshot's true_e2e_*) and /metrics.
//   zstd           5 KB events stored with --payload-format zstd, against COPY of them as jsonb.
//   naive          one autocommit INSERT ... ON CONFLICT DO NOTHING per event on one connection
//                  (prepared statement): what a straightforward consumer loop would do.
//   in-process     (--in-process) the engine inside this process, with per-thread CPU figures.
//
// Every run checks count(*) against the distinct valid events produced and prints MISMATCH
// loudly. Wall-clock rates depend on whatever else runs on the machine (the load average is
// printed, with a warning above 1); the CPU seconds per row (the engine process + this process +
// the PostgreSQL processes) do not, and are the steadier comparison on a shared box.
//
// Not part of the CTest suite; needs the `spillway` target built. Run:
//   spillway_bench_e2e --quick          smoke run, 10x smaller (under a minute when quiet)
//   spillway_bench_e2e --durable        1,000,000 x 300 B and 100,000 x 5 KB (about 5 min)
//   spillway_bench_e2e --help           all options
#include <dirent.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <QCoreApplication>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "core/demo/demo_environment.h"
#include "core/demo/embedded_kafka.h"
#include "core/demo/load_generator.h"
#include "core/kafka/end_offsets.h"
#include "core/pipeline/engine.h"
#include "core/pipeline/histogram.h"
#include "core/postgres/copy_text.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"
#include "metrics_scrape.h"

using namespace spillway;
using spillway::bench::ChildProcess;
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
    std::string only;                        // "a" or "b": run one scenario only
    std::string spillway = SPILLWAY_BINARY;  // the binary the child runs start
    int latency_seconds = 30;                // paced production in the latency run
    double latency_share = 0.5;              // of the headless rate, offered in the latency run
    int64_t memory_queue = 100000;           // --queue-capacity of the memory run
    bool console = true;
    bool in_process = false;
    bool keep_output = false;
    int child_timeout_seconds = 900;
    // Appended to every child run's command line: for experiments against the default knobs
    // (the table then no longer measures the defaults, and its header says so).
    std::vector<std::string> engine_args;
};

void print_usage(std::ostream& out) {
    out << "usage: spillway_bench_e2e [options]\n"
           "  --events-small N    events of ~300 B in scenario A (default 1000000)\n"
           "  --events-large N    events of ~5 KB in scenario B (default 100000)\n"
           "  --payload-small B   payload bytes of scenario A (default 300)\n"
           "  --payload-large B   payload bytes of scenario B (default 5000)\n"
           "  --spillway PATH     the binary run as a child (default: the one built with "
           "this bench)\n"
           "  --latency-seconds S paced production in the latency run (default 30)\n"
           "  --latency-share F   offer F x the headless rate in the latency run (default 0.5,\n"
           "                      the goal's; the producer and mock cluster share the machine)\n"
           "  --memory-queue N    --queue-capacity of the memory run (default 100000)\n"
           "  --no-console        skip the console run\n"
           "  --in-process        also run the engine inside this process (per-thread CPU)\n"
           "  --child-timeout S   kill a child run after S s (default 900)\n"
           "  --keep-output       keep the child runs' stdout/stderr even when all is OK\n"
           "  --engine-arg ARG    append ARG to every child run's command line (repeatable;\n"
           "                      an experiment: the runs no longer use the default knobs)\n"
           "  --writers W         in-process engine writers (default 4)\n"
           "  --batch-size B      COPY baseline rows per transaction = in-process engine batch "
           "size (default 5000; the child runs keep the default knobs)\n"
           "  --naive-small N     naive INSERT sample for A (default 5000)\n"
           "  --naive-large N     naive INSERT sample for B (default 1000)\n"
           "  --duplicates S      duplicate share 0..1 (default 0.02)\n"
           "  --malformed S       malformed share 0..1 (default 0.01)\n"
           "  --durable           embedded PostgreSQL with fsync and synchronous_commit on\n"
           "                      (default off, like --demo: a throwaway database)\n"
           "  --only a|b          run one scenario\n"
           "  --stall-seconds S   give up on a scenario after S s without progress (default "
           "120)\n"
           "  --quick             10x smaller everything (memory queue too), latency run 4 s\n"
           "                      (explicit values still win)\n";
}

BenchOptions parse_options(int argc, char** argv) {
    BenchOptions o;
    bool set_small = false, set_large = false, set_naive_small = false, set_naive_large = false;
    bool set_latency = false, set_memory_queue = false;
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
        } else if (flag == "--payload-small") {
            o.payload_small = static_cast<int>(to_int(flag, need(i)));
        } else if (flag == "--payload-large") {
            o.payload_large = static_cast<int>(to_int(flag, need(i)));
        } else if (flag == "--spillway") {
            o.spillway = need(i);
        } else if (flag == "--latency-seconds") {
            o.latency_seconds = static_cast<int>(to_int(flag, need(i)));
            set_latency = true;
        } else if (flag == "--memory-queue") {
            o.memory_queue = to_int(flag, need(i));
            set_memory_queue = true;
        } else if (flag == "--child-timeout") {
            o.child_timeout_seconds = static_cast<int>(to_int(flag, need(i)));
        } else if (flag == "--latency-share") {
            o.latency_share = std::stod(need(i));
            if (!(o.latency_share > 0 && o.latency_share <= 1))
                throw std::invalid_argument("--latency-share: expected a number in (0, 1]");
        } else if (flag == "--engine-arg") {
            o.engine_args.push_back(need(i));
        } else if (flag == "--no-console") {
            o.console = false;
        } else if (flag == "--in-process") {
            o.in_process = true;
        } else if (flag == "--keep-output") {
            o.keep_output = true;
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
        if (!set_latency)
            o.latency_seconds = 4;
        // The backlog stays 10x the queue, so the memory run still reaches a full queue.
        if (!set_memory_queue)
            o.memory_queue /= 10;
    }
    if (o.payload_small < 200 || o.payload_small > 1'000'000 || o.payload_large < 200 ||
        o.payload_large > 1'000'000)
        throw std::invalid_argument(
            "--payload-small and --payload-large must be 200..1000000 "
            "(the generator's smallest event is about 200 bytes)");
    if (o.memory_queue < 1)
        throw std::invalid_argument("--memory-queue must be at least 1");
    if (o.child_timeout_seconds < 10)
        throw std::invalid_argument("--child-timeout must be at least 10");
    if (::access(o.spillway.c_str(), X_OK) != 0)
        throw std::invalid_argument("--spillway: " + o.spillway +
                                    " is not an executable (build the spillway target)");
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

// Appends rather than inserts: GCC 12 sees a false overlap (-Wrestrict) in string::insert here.
std::string thousands(int64_t value) {
    const std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out = value < 0 ? "-" : "";
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
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
// postmaster and its children: backends, walwriter, checkpointer, autovacuum, and those that
// have exited since).
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
        double utime = 0, stime = 0, cutime = 0, cstime = 0;
        fields >> utime >> stime >> cutime >> cstime;
        total += (utime + stime) / ticks;
        // Backends that have exited (a child run's connections close before it is measured) are
        // gone from /proc: their CPU is in the postmaster's reaped-children times.
        if (pid == postmaster)
            total += (cutime + cstime) / ticks;
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

// The raw COPY baseline's table: a plain table with a PRIMARY KEY on the id and a jsonb payload,
// the columns the engine stores (no key table, no partitions, no dead letters).
void create_copy_table(const std::string& conninfo, const std::string& table) {
    drop_tables(conninfo, {table});
    PgConnection connection(conninfo);
    connection.exec("CREATE TABLE " + quote_table_name(table) +
                    " (event_id text PRIMARY KEY, event_time timestamptz NOT NULL,"
                    " kafka_topic text NOT NULL, kafka_partition integer NOT NULL,"
                    " kafka_offset bigint NOT NULL, kafka_key bytea, payload jsonb NOT NULL,"
                    " ingested_at timestamptz NOT NULL DEFAULT now())");
}

// Where the child runs write their output (and the console its settings); removed when every
// check passed, kept (and named) otherwise.
std::string g_output_dir;

// ---------------------------------------------------------------------------------------------
// Results

// One run of the real binary as a child process.
struct BinaryRun {
    bool ran = false;
    bool ok = false;
    std::string label;
    std::string log;  // output prefix (.out, .err)
    int exit_code = -1;
    int64_t expected_rows = 0, table_rows = -1, dead_rows = -1, expected_dead = 0;
    double wall_seconds = 0;  // spawn -> exit
    double db_seconds = 0;    // max(ingested_at) - min(ingested_at)
    double child_cpu = 0;     // the engine's process (wait4)
    CpuSample cpu;            // this process (mock cluster, harness) and PostgreSQL, same span
    double peak_rss_mib = 0;  // ru_maxrss of the child
    std::vector<std::pair<double, double>> rss_samples;  // seconds after spawn, VmRSS MiB
    double queue_full_at = -1;  // seconds after spawn when /metrics first showed the source paused
    double first_row_after = -1, exit_after_last_row = -1;  // spawn -> first row, last row -> exit
    double true_p50_ms = -1, true_p99_ms = -1;              // from the summary
    double machine_cpu() const { return child_cpu + cpu.self + cpu.postgres; }
    double rows_per_s() const {
        return wall_seconds > 0 ? double(expected_rows) / wall_seconds : 0;
    }
    double db_rows_per_s() const { return db_seconds > 0 ? double(expected_rows) / db_seconds : 0; }
};

// RSS after warm-up: the samples from the moment the queue first filled (the source paused at
// its high watermark: from then on the engine holds what any overload makes it hold) to nine
// tenths of the run (the end is the drain of the backlog's tail).
struct RssWindow {
    double min = 0, max = 0;
    size_t samples = 0;
    bool flat() const { return samples > 0 && max <= min * 1.10; }
};

RssWindow rss_after_warm_up(const BinaryRun& run) {
    RssWindow window;
    if (run.rss_samples.empty())
        return window;
    if (run.queue_full_at < 0)
        return window;  // the queue never filled: no steady state under overload to judge
    const double end = run.rss_samples.back().first;
    for (const auto& [at, mib] : run.rss_samples) {
        if (at < run.queue_full_at || at > end * 0.9)
            continue;
        window.min = window.samples == 0 ? mib : std::min(window.min, mib);
        window.max = std::max(window.max, mib);
        ++window.samples;
    }
    return window;
}

struct LatencyRun {
    bool ran = false;
    bool ok = false;
    std::string log;
    double max_rate = 0;      // messages/s the headless run reached (first row to last row)
    double target_rate = 0;   // half of it
    double offered_rate = 0;  // what the generator achieved
    double produce_seconds = 0;
    LoadGeneratorStats produced;
    double true_p50_ms = -1, true_p99_ms = -1;      // summary: the snapshot's true_e2e_*_total
    double metrics_count = 0, metrics_le_50ms = 0;  // /metrics kafka_to_commit histogram
    double metrics_sum_s = 0;
    int64_t table_rows = -1;
    double child_cpu = 0;
    CpuSample cpu;
    std::vector<std::string> problems;
};

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
    EngineRun engine;  // production always; the in-process engine only with --in-process
    bool in_process = false;
    BinaryRun headless, console, memory, zstd;
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

// Produces the scenario's events to its topic before any engine reads them: every run then reads
// the same full backlog, as after an outage.
void produce_backlog(const BenchOptions& opts, DemoEnvironment& env, const std::string& topic,
                     ScenarioResult& result, int64_t events) {
    EngineRun& run = result.engine;
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
}

void run_engine_phase(const BenchOptions& opts, DemoEnvironment& env, const std::string& topic,
                      ScenarioResult& result) {
    EngineRun& run = result.engine;
    result.in_process = true;
    const std::string events_table = "bench_" + result.tag + "_events";
    const std::string dead_table = "bench_" + result.tag + "_dead_letters";
    drop_tables(env.conninfo(), {events_table, dead_table});
    const std::vector<int64_t> end_offsets = query_end_offsets(env.bootstrap_servers(), topic);

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
    create_copy_table(conninfo, table);
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
// Phase 4: the real binary as a child process

double scalar_double(const std::string& conninfo, const std::string& sql) {
    PgConnection connection(conninfo);
    const auto column = connection.query_column(sql);
    return column.empty() || column.front().empty() ? 0 : std::stod(column.front());
}

// "  end-to-end latency  p50 12.3 ms, p99 45.6 ms (Kafka timestamp to commit)" in the summary.
void parse_true_latency(const std::string& summary, double& p50, double& p99) {
    const std::string marker = "end-to-end latency  p50 ";
    const size_t at = summary.find(marker);
    if (at == std::string::npos)
        return;
    double a = -1, b = -1;
    if (std::sscanf(summary.c_str() + at + marker.size(), "%lf ms, p99 %lf ms", &a, &b) == 2) {
        p50 = a;
        p99 = b;
    }
}

std::vector<std::string> child_arguments(const BenchOptions& opts, const DemoEnvironment& env,
                                         bool headless, const std::string& topic,
                                         const std::string& group, const std::string& table) {
    std::vector<std::string> argv = {opts.spillway};
    if (headless)
        argv.push_back("--headless");
    for (const std::string& item :
         {std::string("--bootstrap-servers"), env.bootstrap_servers(), std::string("--topic"),
          topic, std::string("--group"), group, std::string("--pg"), env.conninfo(),
          std::string("--table"), table, std::string("--dead-letter-table"), table + "_dl"})
        argv.push_back(item);
    argv.insert(argv.end(), opts.engine_args.begin(), opts.engine_args.end());
    return argv;
}

// `spillway [--headless] --stop-at-end` over the scenario's backlog, into a table of its own, with
// the default knobs plus `extra`. Checks the tables against what was produced.
void run_binary(const BenchOptions& opts, DemoEnvironment& env, const std::string& topic,
                ScenarioResult& result, BinaryRun& run, const std::string& name,
                const std::string& label, bool headless, const std::vector<std::string>& extra,
                bool sample_rss) {
    run.ran = true;
    run.label = label;
    const std::string table = "bench_" + result.tag + "_" + name;
    drop_tables(env.conninfo(), {table, table + "_dl"});
    std::vector<std::string> argv = child_arguments(
        opts, env, headless, topic,
        "bench-" + result.tag + "-" + name + "-" + std::to_string(static_cast<long>(getpid())),
        table);
    argv.push_back("--stop-at-end");
    argv.insert(argv.end(), extra.begin(), extra.end());
    const int port = sample_rss ? bench::free_loopback_port() : 0;
    if (port > 0)
        argv.insert(argv.end(), {"--listen", "127.0.0.1:" + std::to_string(port)});
    std::vector<std::string> environment;
    if (!headless)
        environment = {"QT_QPA_PLATFORM=offscreen", "XDG_CONFIG_HOME=" + g_output_dir + "/config",
                       "XDG_RUNTIME_DIR=" + g_output_dir + "/runtime"};
    run.log = g_output_dir + "/" + result.tag + "_" + name;
    std::cerr << result.label << ": " << label << "...\n";
    ChildProcess child(argv, environment, run.log);
    const pid_t postmaster = env.postgres() ? env.postgres()->postmaster_pid() : -1;
    const CpuSample before = cpu_now(postmaster);
    const auto began = Clock::now();
    const double spawned_epoch = double(wall_ms()) / 1e3;
    child.start();
    child.wait(
        opts.child_timeout_seconds,
        [&] {
            if (!sample_rss)
                return;
            const double rss = child.rss_mib();
            const double at = seconds_between(began, Clock::now());
            if (rss > 0)
                run.rss_samples.emplace_back(at, rss);
            if (run.queue_full_at < 0 && port > 0) {
                if (auto text = bench::scrape_metrics(port, 200)) {
                    if (bench::parse_metrics(*text)["spillway_source_paused"] > 0)
                        run.queue_full_at = at;
                }
            }
        },
        sample_rss ? 50 : 20);
    const double exited_epoch = spawned_epoch + child.wall_seconds();
    run.cpu = cpu_since(before, postmaster);
    run.wall_seconds = child.wall_seconds();
    run.child_cpu = child.cpu_seconds();
    run.peak_rss_mib = child.max_rss_mib();
    run.exit_code = child.exit_code();
    parse_true_latency(child.stdout_text(), run.true_p50_ms, run.true_p99_ms);

    run.expected_rows = result.engine.produced.valid_distinct;
    run.expected_dead = result.engine.produced.malformed;
    const std::string where = quote_table_name(table);
    run.table_rows = count_rows(env.conninfo(), table);
    run.dead_rows = static_cast<int64_t>(scalar_double(
        env.conninfo(),
        "SELECT count(*) FROM " + quote_table_name(table + "_dl") + " WHERE status = 'new'"));
    // The first batch's transaction start (ingested_at is now(), the transaction's start) to the
    // last batch's COMMIT (track_commit_timestamp, turned on when the bench starts the server).
    const std::string last_commit =
        "coalesce(max(pg_xact_commit_timestamp(xmin)), max(ingested_at))";
    run.db_seconds = scalar_double(env.conninfo(), "SELECT extract(epoch FROM " + last_commit +
                                                       " - min(ingested_at)) FROM " + where);
    if (run.table_rows > 0) {
        run.first_row_after =
            scalar_double(env.conninfo(),
                          "SELECT extract(epoch FROM min(ingested_at)) FROM " + where) -
            spawned_epoch;
        run.exit_after_last_row =
            exited_epoch - scalar_double(env.conninfo(), "SELECT extract(epoch FROM " +
                                                             last_commit + ") FROM " + where);
    }
    run.ok = !child.timed_out() && run.exit_code == 0 && run.table_rows == run.expected_rows &&
             run.dead_rows == run.expected_dead;
    if (child.timed_out())
        problem(result, label + ": KILLED after " + std::to_string(opts.child_timeout_seconds) +
                            " s; output in " + run.log + ".err/.out");
    else if (run.exit_code != 0)
        problem(result, label + ": FAILED, exit code " + std::to_string(run.exit_code) +
                            (child.term_signal() ? ", signal " + std::to_string(child.term_signal())
                                                 : std::string()) +
                            "; output in " + run.log + ".err/.out:\n" + child.output_tail());
    if (run.table_rows != run.expected_rows)
        problem(result, label + ": MISMATCH: " + table + " holds " + thousands(run.table_rows) +
                            " rows, expected " + thousands(run.expected_rows));
    if (run.dead_rows != run.expected_dead)
        problem(result, label + ": MISMATCH: " + table + "_dl holds " + thousands(run.dead_rows) +
                            " new dead letters, expected " + thousands(run.expected_dead));
}

// Headless with --listen on a fresh topic; this process produces at half the headless run's rate
// for latency_seconds, waits until every message is written, reads /metrics, then SIGTERM.
LatencyRun run_latency(const BenchOptions& opts, DemoEnvironment& env, const ScenarioResult& a) {
    LatencyRun run;
    run.ran = true;
    const auto fail = [&](const std::string& text) {
        run.problems.push_back(text);
        std::cerr << "!!! latency run: " << text << "\n";
    };
    // The engine's maximum: messages (duplicates and malformed included) over the first-row to
    // last-row window of the headless run; the whole process if the window is unknown.
    const double delivered = double(a.engine.produced.delivered);
    run.max_rate = a.headless.db_seconds > 0     ? delivered / a.headless.db_seconds
                   : a.headless.wall_seconds > 0 ? delivered / a.headless.wall_seconds
                                                 : 0;
    run.target_rate = run.max_rate * opts.latency_share;
    if (run.target_rate < 1) {
        fail("no maximum rate to halve: the headless run did not complete");
        return run;
    }
    const std::string topic = "bench_latency";
    const int partitions = a.engine.partitions;
    try {
        env.kafka()->create_topic(topic, partitions);
        const std::string table = "bench_latency_events";
        drop_tables(env.conninfo(), {table, table + "_dl"});
        const int port = bench::free_loopback_port();
        std::vector<std::string> argv =
            child_arguments(opts, env, true, topic,
                            "bench-latency-" + std::to_string(static_cast<long>(getpid())), table);
        argv.insert(argv.end(), {"--listen", "127.0.0.1:" + std::to_string(port)});
        run.log = g_output_dir + "/latency";
        std::cerr << "latency: headless with --listen 127.0.0.1:" << port << ", producing "
                  << thousands(static_cast<int64_t>(run.target_rate)) << " messages/s for "
                  << opts.latency_seconds << " s (" << fixed(opts.latency_share, 2) << " x "
                  << thousands(static_cast<int64_t>(run.max_rate)) << ")...\n";
        ChildProcess child(argv, {}, run.log);
        const pid_t postmaster = env.postgres() ? env.postgres()->postmaster_pid() : -1;
        const CpuSample before = cpu_now(postmaster);
        child.start();
        // Produce only once the consumer owns every partition: a message produced before would
        // wait for the group to form, which is start-up, not latency.
        std::map<std::string, double> metrics;
        const auto join_deadline = Clock::now() + std::chrono::seconds(opts.stall_seconds);
        for (;;) {
            if (!child.running()) {
                fail("the engine exited before it owned its partitions:\n" + child.output_tail());
                return run;
            }
            if (auto text = bench::scrape_metrics(port)) {
                metrics = bench::parse_metrics(*text);
                if (metrics["spillway_assigned_partitions"] >= partitions)
                    break;
            }
            if (Clock::now() > join_deadline) {
                fail("the engine did not own its " + std::to_string(partitions) +
                     " partitions in time");
                return run;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        LoadGeneratorOptions load;
        load.bootstrap_servers = env.bootstrap_servers();
        load.topic = topic;
        load.events = std::max<int64_t>(
            1, static_cast<int64_t>(run.target_rate * double(opts.latency_seconds)));
        load.rate_per_sec = run.target_rate;
        load.payload_bytes = a.payload_bytes;
        load.duplicate_share = opts.duplicate_share;
        load.malformed_share = opts.malformed_share;
        load.seed = 33;
        load.id_prefix = "l";
        const auto produce_began = Clock::now();
        {
            LoadGenerator generator(load);
            generator.start();
            generator.wait();
            run.produced = generator.stats();
        }
        run.produce_seconds = seconds_between(produce_began, Clock::now());
        run.offered_rate =
            run.produce_seconds > 0 ? double(run.produced.delivered) / run.produce_seconds : 0;
        const auto done_deadline = Clock::now() + std::chrono::seconds(opts.stall_seconds);
        for (;;) {
            if (auto text = bench::scrape_metrics(port)) {
                metrics = bench::parse_metrics(*text);
                if (metrics["spillway_written_events_total"] +
                        metrics["spillway_duplicates_dropped_total"] +
                        metrics["spillway_dead_lettered_total"] >=
                    double(run.produced.delivered))
                    break;
            }
            if (!child.running() || Clock::now() > done_deadline) {
                fail("not every produced message was written in time:\n" + child.output_tail());
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        const std::string histogram = "spillway_kafka_to_commit_latency_seconds";
        run.metrics_count = metrics[histogram + "_count"];
        run.metrics_sum_s = metrics[histogram + "_sum"];
        run.metrics_le_50ms = metrics[histogram + "_bucket{le=\"0.05\"}"];
        child.send_signal(SIGTERM);
        child.wait(opts.child_timeout_seconds);
        run.cpu = cpu_since(before, postmaster);
        run.child_cpu = child.cpu_seconds();
        parse_true_latency(child.stdout_text(), run.true_p50_ms, run.true_p99_ms);
        run.table_rows = count_rows(env.conninfo(), table);
        if (child.exit_code() != 0)
            fail("the engine exited with " + std::to_string(child.exit_code()) +
                 " after SIGTERM:\n" + child.output_tail());
        if (run.table_rows != run.produced.valid_distinct)
            fail("MISMATCH: " + table + " holds " + thousands(run.table_rows) + " rows, expected " +
                 thousands(run.produced.valid_distinct));
        if (run.true_p99_ms < 0)
            fail("no end-to-end latency line in the summary (" + run.log + ".out)");
    } catch (const std::exception& error) {
        fail(std::string("FAILED: ") + error.what());
    }
    run.ok = run.problems.empty();
    return run;
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
    const bool small = tag == "a";
    try {
        env.kafka()->create_topic(topic, result.engine.partitions);
        produce_backlog(opts, env, topic, result, events);
        run_binary(opts, env, topic, result, result.headless, "headless",
                   "spillway --headless --stop-at-end", true, {}, false);
        if (small && opts.console)
            run_binary(opts, env, topic, result, result.console, "console",
                       "console (offscreen) --stop-at-end", false, {}, false);
        if (small)
            run_binary(opts, env, topic, result, result.memory, "memory",
                       "headless --queue-capacity " + std::to_string(opts.memory_queue), true,
                       {"--queue-capacity", std::to_string(opts.memory_queue)}, true);
        if (!small)
            run_binary(opts, env, topic, result, result.zstd, "zstd",
                       "headless --payload-format zstd", true, {"--payload-format", "zstd"}, false);
        if (opts.in_process) {
            run_engine_phase(opts, env, topic, result);
            malloc_trim(0);
            result.engine.rss_after_destroy = current_rss_mib();
        }

        std::cerr << result.label << ": generating "
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

// The --in-process engine's figures: timeline, per-thread CPU, batches, latencies, RSS.
void print_in_process(std::ostream& out, const ScenarioResult& r) {
    const EngineRun& e = r.engine;
    const Snapshot& s = e.final_snapshot;
    const double wall = e.wall_seconds;
    out << "  in-process engine (--in-process):\n";
    out << "  engine          " << fixed(wall, 2) << " s from start to all committed ("
        << fixed(e.start_seconds, 2) << " s in start(), active " << fixed(s.active_seconds, 2)
        << " s = first consumed -> last durable batch)" << (e.completed ? "" : "  NOT COMPLETED")
        << "\n";
    if (wall > 0) {
        out << "                  " << thousands(static_cast<int64_t>(double(s.consumed) / wall))
            << " messages/s, " << fixed(double(s.consumed_bytes) / 1e6 / wall, 1)
            << " MB/s consumed; " << thousands(static_cast<int64_t>(r.engine_rows_per_s()))
            << " rows/s, " << fixed(double(s.written_bytes) / 1e6 / wall, 1)
            << " MB/s payload stored\n";
    }
    if (s.active_seconds > 0) {
        out << "   over active    "
            << thousands(static_cast<int64_t>(double(s.consumed) / s.active_seconds))
            << " messages/s, " << fixed(double(s.consumed_bytes) / 1e6 / s.active_seconds, 1)
            << " MB/s consumed; " << thousands(static_cast<int64_t>(r.engine_rows_per_active_s()))
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
    if (e.cpu.self + e.cpu.postgres > 0 && r.copy.cpu.self + r.copy.cpu.postgres > 0 &&
        r.copy.rows > 0 && e.produced.valid_distinct > 0) {
        const double engine_per_row =
            (e.cpu.self + e.cpu.postgres) / double(e.produced.valid_distinct);
        const double copy_per_row = (r.copy.cpu.self + r.copy.cpu.postgres) / double(r.copy.rows);
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
        << thousands(e.dead_rows) << " vs " << thousands(e.produced.malformed) << " malformed -> "
        << (e.dead_rows == e.produced.malformed ? "OK" : "MISMATCH") << "; duplicates dropped "
        << thousands(s.duplicates) << " vs " << thousands(e.produced.duplicates) << "\n";
    out << "  RSS             " << fixed(e.rss_before_produce, 0) << " MiB before producing, "
        << fixed(e.rss_after_produce, 0) << " MiB after (the mock cluster keeps the topic "
        << "in-process), max " << fixed(e.rss_max_during_ingest, 0)
        << " MiB during ingestion (delta "
        << fixed(e.rss_max_during_ingest - e.rss_after_produce, 0) << " MiB), "
        << fixed(e.rss_after_ingest, 0) << " MiB after drain, " << fixed(e.rss_after_trim, 0)
        << " MiB after malloc_trim(0), " << fixed(e.rss_after_destroy, 0)
        << " MiB once the Engine is destroyed\n";
}

void print_definitions(std::ostream& out) {
    out << "\nDefinitions\n"
           "  rows            distinct valid events produced (= rows the events table must hold);\n"
           "                  the engine also reads the duplicates and malformed messages\n"
           "  raw COPY        the same number of rows of the same shape, from memory, into a "
           "plain\n"
           "                  table (PRIMARY KEY on event_id, jsonb payload), batch_size rows per\n"
           "                  transaction; rows / (first COPY -> last COMMIT)\n"
           "  ratio           rows/s / raw COPY x 2 rows/s of the same size as jsonb\n"
           "  whole process   rows / (spawn -> exit) of `spillway --stop-at-end`: start-up, group\n"
           "                  join, backfill, drain and exit included\n"
           "  first -> last   rows / (last COMMIT - first row's ingested_at): the first batch's\n"
           "                  transaction start to the last batch's commit, as the database\n"
           "                  recorded them (ingested_at = now(); track_commit_timestamp)\n"
           "  machine CPU     engine process (wait4) + this process (mock Kafka cluster, the COPY\n"
           "                  clients, harness) + every PostgreSQL process, core-seconds per 1M "
           "rows\n"
           "  latency         Kafka message timestamp -> COMMIT, at half of the headless run's\n"
           "                  first -> last rate: p50/p99 from the run's summary (the snapshot's\n"
           "                  true_e2e_*), the share <= 50 ms from /metrics\n"
           "                  (spillway_kafka_to_commit_latency_seconds)\n"
           "  memory          peak RSS: ru_maxrss of the engine process; 'sampled': VmRSS every\n"
           "                  50 ms from the first time /metrics showed the source paused (queue\n"
           "                  full) to nine tenths of the run; flat if max <= 1.1 x min\n";
}

std::string pad(const std::string& text, size_t width, bool right = true) {
    if (text.size() >= width)
        return text + " ";
    return right ? std::string(width - text.size(), ' ') + text + " "
                 : text + std::string(width - text.size(), ' ') + " ";
}

std::string rate_text(double rate) {
    return rate > 0 ? thousands(static_cast<int64_t>(rate)) : "-";
}

std::string ratio_text(double value, double baseline) {
    return value > 0 && baseline > 0 ? fixed(value / baseline, 2) : "-";
}

std::string per_million(double cpu_seconds, int64_t rows) {
    return rows > 0 && cpu_seconds > 0 ? fixed(cpu_seconds * 1e6 / double(rows), 1) + " core-s"
                                       : "-";
}

std::string split_text(const BinaryRun& run) {
    const double rows = double(run.expected_rows);
    if (rows <= 0)
        return "";
    return "engine " + fixed(run.child_cpu * 1e6 / rows, 1) + " + PostgreSQL " +
           fixed(run.cpu.postgres * 1e6 / rows, 1) + " + Kafka mock/harness " +
           fixed(run.cpu.self * 1e6 / rows, 1);
}

const ScenarioResult* find_scenario(const std::vector<ScenarioResult>& results,
                                    const std::string& tag) {
    for (const auto& r : results)
        if (r.tag == tag)
            return &r;
    return nullptr;
}

std::string rss_window_text(const BinaryRun& run);

void print_table(std::ostream& out, const BenchOptions& opts,
                 const std::vector<ScenarioResult>& results, const LatencyRun& latency) {
    out << "| events | what | rows/s | ratio to COPY x 2 | machine CPU per 1M rows | notes |\n"
           "|---|---|---:|---:|---:|---|\n";
    const auto line = [&](const std::string& events, const std::string& what,
                          const std::string& rate, const std::string& ratio, const std::string& cpu,
                          const std::string& notes) {
        out << "| " << events << " | " << what << " | " << rate << " | " << ratio << " | " << cpu
            << " | " << notes << " |\n";
    };
    for (const auto& r : results) {
        const std::string events =
            size_label(r.payload_bytes) + " x " + thousands(r.engine.produced.valid_distinct);
        const double copy2 = r.copy_rows_per_s();
        line(events, "raw COPY, jsonb, PRIMARY KEY on the id, 1 session",
             rate_text(r.copy1_rows_per_s()), ratio_text(r.copy1_rows_per_s(), copy2),
             per_million(r.copy1.cpu.self + r.copy1.cpu.postgres, r.copy1.rows), "");
        line(events, "raw COPY, same, 2 sessions (baseline)", rate_text(copy2),
             ratio_text(copy2, copy2),
             per_million(r.copy.cpu.self + r.copy.cpu.postgres, r.copy.rows), "");
        const auto binary = [&](const BinaryRun& run, const std::string& what,
                                const std::string& notes) {
            if (!run.ran)
                return;
            const std::string mark = run.ok ? "" : " **FAILED**";
            line(events, what + ", whole process" + mark, rate_text(run.rows_per_s()),
                 ratio_text(run.rows_per_s(), copy2),
                 per_million(run.machine_cpu(), run.expected_rows),
                 "peak RSS " + fixed(run.peak_rss_mib, 0) + " MiB; CPU " + split_text(run) +
                     (notes.empty() ? "" : "; " + notes));
            line(events, what + ", first row to last row", rate_text(run.db_rows_per_s()),
                 ratio_text(run.db_rows_per_s(), copy2), "", "");
        };
        binary(r.headless, "`spillway --headless --stop-at-end`, default knobs", "");
        if (r.console.ran) {
            const double cost = r.headless.rows_per_s() > 0 && r.console.rows_per_s() > 0
                                    ? 1 - r.console.rows_per_s() / r.headless.rows_per_s()
                                    : 0;
            binary(r.console, "console (offscreen), `--stop-at-end`",
                   "console / headless " +
                       ratio_text(r.console.rows_per_s(), r.headless.rows_per_s()) + " (cost " +
                       fixed(cost * 100, 1) + " %)");
        }
        if (r.memory.ran) {
            binary(r.memory,
                   "headless `--queue-capacity " + std::to_string(opts.memory_queue) + "`",
                   rss_window_text(r.memory));
        }
        binary(r.zstd, "`--payload-format zstd`", "");
        if (r.naive.rows > 0)
            line(events,
                 "naive: one autocommit INSERT per event (" + thousands(r.naive.rows) + " sample)",
                 rate_text(r.naive_rows_per_s()), ratio_text(r.naive_rows_per_s(), copy2),
                 per_million(r.naive.cpu.self + r.naive.cpu.postgres, r.naive.rows), "");
        if (r.in_process)
            line(events,
                 "engine in the bench's process (--in-process, " +
                     std::to_string(r.engine.knobs.writer_concurrency) + " writers)",
                 rate_text(r.engine_rows_per_s()), ratio_text(r.engine_rows_per_s(), copy2),
                 per_million(r.engine.cpu.self + r.engine.cpu.postgres,
                             r.engine.produced.valid_distinct),
                 "includes the mock cluster's CPU");
        if (r.tag == "a" && latency.ran) {
            line(size_label(r.payload_bytes) + " x " + thousands(latency.produced.valid_distinct),
                 "true end-to-end latency at " +
                     (opts.latency_share == 0.5 ? std::string("half")
                                                : fixed(opts.latency_share, 2) + " x") +
                     " the headless rate" +
                     std::string(latency.ok ? "" : " **FAILED**"),
                 rate_text(latency.offered_rate) + " offered", "-",
                 per_million(latency.child_cpu + latency.cpu.self + latency.cpu.postgres,
                             latency.produced.valid_distinct),
                 "p50 " + fixed(latency.true_p50_ms, 1) + " ms, p99 " +
                     fixed(latency.true_p99_ms, 1) + " ms; " +
                     (latency.metrics_count > 0
                          ? fixed(100 * latency.metrics_le_50ms / latency.metrics_count, 1)
                          : std::string("-")) +
                     " % <= 50 ms (/metrics); target " + rate_text(latency.target_rate) + "/s");
        }
    }
}

std::string rss_window_text(const BinaryRun& run) {
    const RssWindow window = rss_after_warm_up(run);
    if (run.queue_full_at < 0)
        return "the queue never filled (backlog too small for a steady state): flatness not "
               "judged";
    return "sampled " + fixed(window.min, 0) + "-" + fixed(window.max, 0) + " MiB over " +
           std::to_string(window.samples) + " samples once the queue was full (" +
           fixed(run.queue_full_at, 1) + " s), flat within 10 %: " + (window.flat() ? "yes" : "NO");
}

void print_goals(std::ostream& out, const BenchOptions& opts,
                 const std::vector<ScenarioResult>& results, const LatencyRun& latency) {
    const auto verdict = [](bool known, bool met) {
        return !known ? std::string("not measured")
               : met  ? std::string("met")
                      : std::string("NOT met");
    };
    const ScenarioResult* a = find_scenario(results, "a");
    const ScenarioResult* b = find_scenario(results, "b");
    out << "\nGoals (issue 10)\n";
    if (a) {
        const double whole =
            a->copy_rows_per_s() > 0 ? a->headless.rows_per_s() / a->copy_rows_per_s() : 0;
        const double window =
            a->copy_rows_per_s() > 0 ? a->headless.db_rows_per_s() / a->copy_rows_per_s() : 0;
        out << "  1. throughput   headless / raw COPY x 2 = " << fixed(whole, 2)
            << " whole process, " << fixed(window, 2)
            << " first row to last row (goal >= 0.85): " << verdict(whole > 0, whole >= 0.85)
            << "\n";
    }
    if (b) {
        const double ratio =
            b->copy_rows_per_s() > 0 ? b->zstd.rows_per_s() / b->copy_rows_per_s() : 0;
        const double window =
            b->copy_rows_per_s() > 0 ? b->zstd.db_rows_per_s() / b->copy_rows_per_s() : 0;
        out << "  2. large events zstd / raw COPY x 2 of the same rows as jsonb = "
            << fixed(ratio, 2) << " whole process, " << fixed(window, 2)
            << " first row to last row (goal >= 2): " << verdict(ratio > 0, ratio >= 2) << "\n";
    }
    out << "  3. latency      p99 " << fixed(latency.true_p99_ms, 1) << " ms (p50 "
        << fixed(latency.true_p50_ms, 1) << ") at " << rate_text(latency.offered_rate)
        << " messages/s offered, " << fixed(opts.latency_share, 2) << " x "
        << rate_text(latency.max_rate) << " (goal <= 50 ms at 0.50 x): "
        << (opts.latency_share == 0.5 ? verdict(latency.ok, latency.true_p99_ms <= 50)
                                      : std::string("not the goal's rate"))
        << "\n";
    if (a) {
        const RssWindow rss = rss_after_warm_up(a->memory);
        const bool memory_known = a->memory.ran && a->memory.peak_rss_mib > 0;
        out << "  4. memory       peak RSS " << fixed(a->memory.peak_rss_mib, 0)
            << " MiB with --queue-capacity " << thousands(opts.memory_queue)
            << " (goal <= 200): " << verdict(memory_known, a->memory.peak_rss_mib <= 200)
            << "; under a backlog of " << thousands(a->engine.produced.delivered) << " messages "
            << rss_window_text(a->memory) << " -> " << verdict(rss.samples > 0, rss.flat()) << "\n";
        const double cost = a->headless.rows_per_s() > 0 && a->console.rows_per_s() > 0
                                ? 1 - a->console.rows_per_s() / a->headless.rows_per_s()
                                : 0;
        out << "  5. console      costs " << fixed(cost * 100, 1)
            << " % of the headless rate, whole process (goal <= 3 %): "
            << verdict(a->console.ran && a->console.ok, cost <= 0.03) << "\n";
    }
}

void print_binary_details(std::ostream& out, const BinaryRun& run) {
    if (!run.ran)
        return;
    out << "  " << pad(run.label, 40, false) << (run.ok ? "OK" : "FAILED") << ", exit "
        << run.exit_code << ", " << fixed(run.wall_seconds, 2) << " s whole process, "
        << fixed(run.db_seconds, 2) << " s first -> last row (spawn -> first row "
        << fixed(run.first_row_after, 2) << " s, last row -> exit "
        << fixed(run.exit_after_last_row, 2) << " s); table " << thousands(run.table_rows) << "/"
        << thousands(run.expected_rows) << " rows, " << thousands(run.dead_rows) << "/"
        << thousands(run.expected_dead) << " dead letters\n";
    const double rows = double(std::max<int64_t>(run.expected_rows, 1));
    out << "  " << pad("", 40, false) << "CPU-us per row: engine "
        << fixed(run.child_cpu * 1e6 / rows, 1) << ", PostgreSQL "
        << fixed(run.cpu.postgres * 1e6 / rows, 1) << ", this process "
        << fixed(run.cpu.self * 1e6 / rows, 1) << "; engine process "
        << fixed(run.wall_seconds > 0 ? run.child_cpu / run.wall_seconds : 0, 2)
        << " cores busy, PostgreSQL "
        << fixed(run.wall_seconds > 0 ? run.cpu.postgres / run.wall_seconds : 0, 2) << "; peak RSS "
        << fixed(run.peak_rss_mib, 0) << " MiB; backlog e2e p50/p99 " << fixed(run.true_p50_ms, 0)
        << "/" << fixed(run.true_p99_ms, 0) << " ms\n";
}

void print_results(std::ostream& out, const BenchOptions& opts,
                   const std::vector<ScenarioResult>& results, const LatencyRun& latency,
                   double load_before) {
    out << "\n=== Spillway end-to-end benchmark ===\n";
    out << "duplicates " << fixed(opts.duplicate_share * 100, 1) << " %, malformed "
        << fixed(opts.malformed_share * 100, 1) << " %, PostgreSQL "
        << (opts.durable ? "durable (fsync on)" : "non-durable (fsync off, like --demo)")
        << ", writers/COPY/naive sessions use synchronous_commit=on, raw COPY " << opts.batch_size
        << " rows per transaction, " << std::thread::hardware_concurrency()
        << " CPUs, 1-min load average " << fixed(load_before, 2) << " before the run, "
        << fixed(load_average(), 2) << " after"
        << (load_before > 1 ? " (ABOVE 1: figures skewed)" : "") << "\n";
    if (!opts.engine_args.empty()) {
        out << "EXPERIMENT: every child run had these arguments appended (not the default knobs):";
        for (const std::string& arg : opts.engine_args)
            out << ' ' << arg;
        out << "\n";
    }
    out << "\n";
    print_table(out, opts, results, latency);
    print_goals(out, opts, results, latency);
    print_definitions(out);

    for (const auto& r : results) {
        const EngineRun& e = r.engine;
        out << "\n--- " << r.label << " (~" << r.payload_bytes << " B payloads, " << e.partitions
            << " partitions) ---\n";
        out << "  produced        " << thousands(e.produced.produced) << " messages ("
            << thousands(e.produced.valid_distinct) << " distinct valid, "
            << thousands(e.produced.duplicates) << " duplicates, "
            << thousands(e.produced.malformed) << " malformed), "
            << fixed(double(e.produced.bytes) / 1e6, 1) << " MB in " << fixed(e.produce_seconds, 1)
            << " s (not timed against the engine)\n";
        print_binary_details(out, r.headless);
        print_binary_details(out, r.console);
        print_binary_details(out, r.memory);
        print_binary_details(out, r.zstd);
        const auto cpu_line = [&](const char* what, const CpuSample& cpu, int64_t rows) {
            const double total = cpu.self + cpu.postgres;
            out << "  " << what << fixed(cpu.self, 2) << " s this process + "
                << fixed(cpu.postgres, 2) << " s PostgreSQL = " << fixed(total, 2) << " CPU-s, "
                << (rows > 0 ? fixed(total * 1e6 / double(rows), 1) : "-") << " CPU-us per row\n";
        };
        cpu_line("COPY x1         ", r.copy1.cpu, r.copy1.rows);
        cpu_line("COPY x2         ", r.copy.cpu, r.copy.rows);
        cpu_line("naive           ", r.naive.cpu, r.naive.rows);
        out << "  COPY baseline   " << thousands(r.copy.rows) << " rows in "
            << fixed(r.copy.seconds, 2) << " s, " << r.copy.transactions << " transactions, "
            << fixed(r.copy.copy_mb, 1) << " MB of COPY text (" << fixed(r.copy.build_seconds, 2)
            << " s of it building text, summed over sessions); table "
            << thousands(r.copy.table_rows) << " rows -> "
            << (r.copy.table_rows == r.copy.rows ? "OK" : "MISMATCH") << "\n";
        out << "  naive baseline  " << thousands(r.naive.rows) << " rows in "
            << fixed(r.naive.seconds, 2) << " s; table " << thousands(r.naive.table_rows)
            << " rows -> " << (r.naive.ok ? "OK" : "MISMATCH/FAILED") << "\n";
        if (r.in_process)
            print_in_process(out, r);
        for (const auto& line : r.problems)
            out << "  !!! " << line << "\n";
    }
    if (latency.ran) {
        out << "\n--- latency run ---\n  produced " << thousands(latency.produced.delivered)
            << " messages in " << fixed(latency.produce_seconds, 1) << " s ("
            << rate_text(latency.offered_rate) << "/s, target " << rate_text(latency.target_rate)
            << "/s); /metrics kafka_to_commit count " << fixed(latency.metrics_count, 0)
            << ", mean "
            << fixed(latency.metrics_count > 0 ? latency.metrics_sum_s * 1e3 / latency.metrics_count
                                               : 0,
                     1)
            << " ms; CPU engine " << fixed(latency.child_cpu, 2) << " s, PostgreSQL "
            << fixed(latency.cpu.postgres, 2) << " s, this process (producer, mock cluster) "
            << fixed(latency.cpu.self, 2) << " s; table "
            << thousands(latency.table_rows) << "/" << thousands(latency.produced.valid_distinct)
            << " rows\n";
        for (const auto& line : latency.problems)
            out << "  !!! " << line << "\n";
    }
    bool all_ok = latency.problems.empty();
    for (const auto& r : results)
        all_ok = all_ok && r.problems.empty();
    out << (all_ok ? "\nall checks OK\n"
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
        // Commit timestamps date each row's COMMIT: the database's own record of when the last
        // row became durable (the setting needs a restart).
        if (env.postgres()) {
            PgConnection(env.conninfo()).exec("ALTER SYSTEM SET track_commit_timestamp = on");
            env.postgres()->stop();
            env.postgres()->start();
        }
        std::cerr << "  Kafka      " << env.bootstrap_servers() << "\n  PostgreSQL "
                  << env.conninfo() << "\n";
    } catch (const std::exception& error) {
        std::cerr << "error: " << error.what() << "\n";
        return 1;
    }

    const double load_before = load_average();
    std::cerr << "1-min load average before the run: " << fixed(load_before, 2) << " ("
              << std::thread::hardware_concurrency() << " CPUs)\n";
    if (load_before > 1)
        std::cerr << "WARNING: load average above 1: other work on the machine skews every "
                     "figure; run the benchmark on a quiet machine for the record\n";
    {
        char dir_template[] = "/tmp/spillway-bench-XXXXXX";
        if (!::mkdtemp(dir_template)) {
            std::cerr << "error: cannot make a directory for the child runs' output in /tmp\n";
            return 1;
        }
        g_output_dir = dir_template;
    }

    std::vector<ScenarioResult> results;
    LatencyRun latency;
    // A scenario of 0 events is skipped (the load generator reads 0 as "until stopped").
    if ((opts.only.empty() || opts.only == "a") && opts.events_small > 0)
        results.push_back(
            run_scenario(opts, env, "a", opts.events_small, opts.payload_small, opts.naive_small));
    if (!results.empty() && results.front().headless.ok)
        latency = run_latency(opts, env, results.front());
    if ((opts.only.empty() || opts.only == "b") && opts.events_large > 0)
        results.push_back(
            run_scenario(opts, env, "b", opts.events_large, opts.payload_large, opts.naive_large));

    print_results(std::cout, opts, results, latency, load_before);
    bool all_ok = latency.problems.empty();
    for (const auto& r : results)
        all_ok = all_ok && r.problems.empty();
    if (all_ok && !opts.keep_output) {
        std::error_code ignored;
        std::filesystem::remove_all(g_output_dir, ignored);
    } else {
        std::cout << "the child runs' output is kept in " << g_output_dir << "\n";
    }
    return all_ok ? 0 : 1;
}
