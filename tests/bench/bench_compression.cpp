// Payload compression, measured: per-event zstd level 3 alone (the write-ups' way) against
// per-event zstd level 3 with a dictionary trained on other events of the same kind, on the load
// generator's ~300-byte and ~5 KB events; and what each costs on disk in a real PostgreSQL table
// (jsonb, as the jsonb format stores it, against bytea zstd frames), from pg_total_relation_size.
// Prints a markdown table. Not a pass/fail test.
//
//   spillway_bench_compression [--quick]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/postgres/copy_text.h"
#include "core/demo/embedded_postgres.h"
#include "core/demo/load_generator.h"
#include "core/compression/payload_codec.h"
#include "core/postgres/pg_connection.h"

#include <zstd.h>

using namespace spillway;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kLevel = 3;
constexpr size_t kDictionaryBytes = 64 * 1024;

// The generator's events, the way the demo produces them (distinct ids, devices and times).
std::vector<std::string> generator_events(int count, int payload_bytes, int64_t first_seq) {
    std::vector<std::string> events;
    events.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        const int64_t seq = first_seq + i;
        events.push_back(make_event_json("g1-" + std::to_string(seq), int(seq % 10000), seq,
                                         1'796'000'000'000 + seq * 3, payload_bytes,
                                         uint64_t(seq) * 0x9e3779b97f4a7c15ULL));
    }
    return events;
}

struct CodecFigures {
    double ratio = 0;            // raw bytes / compressed bytes
    double compress_mb_s = 0;    // raw MB compressed per second (one thread)
    double decompress_mb_s = 0;  // raw MB produced per second (one thread)
    double mean_frame_bytes = 0;
    std::vector<std::string> frames;
};

// Compresses and decompresses every event, one at a time, repeating the pass until at least
// `min_seconds` have passed so short runs are not dominated by timer noise.
CodecFigures measure(const std::vector<std::string>& events, const ZstdDictionary* dictionary,
                     double min_seconds) {
    CodecFigures figures;
    ZstdCodec codec(kLevel);
    double raw = 0, compressed = 0;
    figures.frames.resize(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        codec.compress(events[i], dictionary, figures.frames[i]);
        raw += double(events[i].size());
        compressed += double(figures.frames[i].size());
    }
    figures.ratio = raw / compressed;
    figures.mean_frame_bytes = compressed / double(events.size());

    std::string frame;
    int passes = 0;
    auto began = Clock::now();
    double seconds = 0;
    do {
        for (const auto& event : events)
            codec.compress(event, dictionary, frame);
        ++passes;
        seconds = std::chrono::duration<double>(Clock::now() - began).count();
    } while (seconds < min_seconds);
    figures.compress_mb_s = raw * passes / seconds / 1e6;

    passes = 0;
    size_t check = 0;
    began = Clock::now();
    do {
        for (const auto& each : figures.frames)
            check += codec.decompress(each, dictionary).size();
        ++passes;
        seconds = std::chrono::duration<double>(Clock::now() - began).count();
    } while (seconds < min_seconds);
    figures.decompress_mb_s = raw * passes / seconds / 1e6;
    if (check != static_cast<size_t>(raw) * static_cast<size_t>(passes))
        std::fprintf(stderr, "decompressed size mismatch\n");
    return figures;
}

// Bytes on disk per row of a table holding only these payloads (heap, TOAST and indexes: none),
// after VACUUM: what the payload column costs, with PostgreSQL's per-row overhead included.
double disk_bytes(PgConnection& connection, const std::string& table, const std::string& type,
                  const std::vector<std::string>& values) {
    connection.exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (payload " +
                    type + " NOT NULL)");
    std::string copy;
    for (const auto& value : values) {
        if (type == "bytea")
            append_copy_bytea(copy, value);
        else
            append_copy_text(copy, value);
        copy += '\n';
        if (copy.size() > (8u << 20)) {
            connection.copy_in("COPY " + table + " FROM STDIN", copy);
            copy.clear();
        }
    }
    if (!copy.empty())
        connection.copy_in("COPY " + table + " FROM STDIN", copy);
    connection.exec("VACUUM " + table);
    return std::stod(
        connection.query_column("SELECT pg_total_relation_size('" + table + "')").at(0));
}

struct Row {
    std::string label;
    int events = 0;
    double raw_mean = 0;
    CodecFigures alone, with_dictionary;
    double train_seconds = 0;
    double jsonb_disk = 0, zstd_disk = 0, zstd_dict_disk = 0, raw_total = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    if (argc > 1 && !quick) {
        std::fprintf(stderr, "usage: spillway_bench_compression [--quick]\n");
        return 2;
    }
    const double min_seconds = quick ? 0.2 : 1.0;
    struct Scenario {
        const char* label;
        int payload_bytes;
        int events;
        int training;
    };
    const Scenario scenarios[] = {
        {"~300 B", 300, quick ? 5000 : 50000, 5000},
        {"~5 KB", 5000, quick ? 1000 : 10000, 2000},
    };

    std::fprintf(stderr, "Starting the embedded PostgreSQL...\n");
    EmbeddedPostgres postgres;
    postgres.start();
    PgConnection connection(postgres.conninfo());

    std::vector<Row> rows;
    for (const auto& scenario : scenarios) {
        Row row;
        row.label = scenario.label;
        row.events = scenario.events;
        // Trained on one set of events, measured on others (as the engine trains on the first
        // events and compresses the ones after).
        const auto training = generator_events(scenario.training, scenario.payload_bytes, 0);
        const auto events = generator_events(scenario.events, scenario.payload_bytes, 10'000'000);
        for (const auto& event : events)
            row.raw_total += double(event.size());
        row.raw_mean = row.raw_total / double(events.size());
        std::fprintf(stderr, "%s: training a dictionary on %d events...\n", scenario.label,
                     scenario.training);
        const auto began = Clock::now();
        const ZstdDictionary dictionary(1, train_zstd_dictionary(training, kDictionaryBytes),
                                        kLevel);
        row.train_seconds = std::chrono::duration<double>(Clock::now() - began).count();
        std::fprintf(stderr, "%s: measuring %d events alone and with the dictionary...\n",
                     scenario.label, scenario.events);
        row.alone = measure(events, nullptr, min_seconds);
        row.with_dictionary = measure(events, &dictionary, min_seconds);
        std::fprintf(stderr, "%s: loading PostgreSQL tables...\n", scenario.label);
        row.jsonb_disk = disk_bytes(connection, "bench_jsonb", "jsonb", events);
        row.zstd_disk = disk_bytes(connection, "bench_zstd", "bytea", row.alone.frames);
        row.zstd_dict_disk =
            disk_bytes(connection, "bench_zstd_dict", "bytea", row.with_dictionary.frames);
        rows.push_back(std::move(row));
    }

    std::printf("\n=== Spillway payload compression benchmark ===\n");
    std::printf(
        "zstd %s, level %d, one event per frame, one thread; dictionary %zu KiB "
        "(ZDICT_trainFromBuffer) trained on other events of the same kind%s\n\n",
        ZSTD_versionString(), kLevel, kDictionaryBytes / 1024,
        quick ? " (--quick: fewer events, shorter timing)" : "");
    std::printf(
        "| events | count | raw B/event | method | ratio | B/event | compress MB/s "
        "| decompress MB/s |\n");
    std::printf("|---|---:|---:|---|---:|---:|---:|---:|\n");
    for (const auto& row : rows) {
        for (const auto* figures : {&row.alone, &row.with_dictionary})
            std::printf("| %s | %d | %.0f | zstd-3 %s | %.2f | %.0f | %.0f | %.0f |\n",
                        row.label.c_str(), row.events, row.raw_mean,
                        figures == &row.alone ? "alone" : "+ dictionary", figures->ratio,
                        figures->mean_frame_bytes, figures->compress_mb_s,
                        figures->decompress_mb_s);
    }
    std::printf(
        "\nOn disk in PostgreSQL 15 (one-column table, after VACUUM; "
        "pg_total_relation_size, so row headers and TOAST included):\n\n");
    std::printf(
        "| events | raw B/event | jsonb B/row | bytea zstd-3 B/row | bytea zstd-3 + dict "
        "B/row | jsonb / raw | zstd+dict / jsonb |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (const auto& row : rows) {
        const double n = row.events;
        std::printf("| %s | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f |\n", row.label.c_str(),
                    row.raw_mean, row.jsonb_disk / n, row.zstd_disk / n, row.zstd_dict_disk / n,
                    row.jsonb_disk / row.raw_total, row.zstd_dict_disk / row.jsonb_disk);
    }
    for (const auto& row : rows)
        std::printf("\n%s: dictionary trained in %.2f s", row.label.c_str(), row.train_seconds);
    std::printf("\n");
    postgres.stop();
    return 0;
}
