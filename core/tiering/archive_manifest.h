#pragma once
// The manifest beside each archive file: "<partition>.manifest.json". It says what the file holds
// (partition, its range, the columns in COPY order, row count, first and last event time), how big
// it is (COPY text bytes, compressed bytes, and what the partition took in PostgreSQL) and its
// SHA-256, so a file can be checked before anything trusts it.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spillway {

struct ArchiveManifest {
    static constexpr int kFormatVersion = 1;

    int format_version = kFormatVersion;
    std::string table;       // the partitioned events table, e.g. "events"
    std::string partition;   // e.g. "events_p20260131"
    std::string range_from;  // partition bound, inclusive, ISO 8601 UTC ("2026-01-31T00:00:00Z")
    std::string range_to;    // partition bound, exclusive
    std::vector<std::string> columns;  // COPY column order
    int64_t rows = 0;
    std::string min_event_time;  // as PostgreSQL printed them (UTC); empty for an empty partition
    std::string max_event_time;
    int64_t raw_bytes = 0;                // COPY text
    int64_t compressed_bytes = 0;         // the archive file
    int64_t hot_bytes = 0;                // pg_total_relation_size of the partition when exported
    std::string sha256;                   // of the archive file
    std::vector<int64_t> dictionary_ids;  // zstd dictionaries its rows use (kept in the database)
    std::string archive_file;             // file name, relative to the manifest's directory
    std::string created_at;               // ISO 8601 UTC
};

std::string manifest_to_json(const ArchiveManifest& manifest);
// Throws std::runtime_error naming `source` (a file name) and the missing or bad field. Every
// field is validated against what the engine writes (the range is the partition's day, the file a
// plain name of the directory, ...): a manifest is file content anyone with write access to the
// directory can change, and restore uses it for SQL and paths.
ArchiveManifest manifest_from_json(const std::string& json, const std::string& source);

// Paths inside the archive directory for a stem: the partition's name for its first archive,
// "<partition>.<n>" for later ones of the same day.
std::string archive_file_path(const std::string& directory, const std::string& stem);
std::string manifest_file_path(const std::string& directory, const std::string& stem);
// The manifest beside `manifest.archive_file`.
std::string manifest_file_path(const std::string& directory, const ArchiveManifest& manifest);
// A name for a new archive of `partition` that no file in the directory has, nor any of `taken`
// (file names of archives restored before, whose stale copies the listing must keep ignoring):
// an archive is never replaced by a later one of the same day.
std::string next_archive_file_path(const std::string& directory, const std::string& partition,
                                   const std::set<std::string>& taken = {});

void write_manifest(const std::string& directory, const ArchiveManifest& manifest);
// nullopt when the manifest does not exist; throws when it exists but cannot be read.
std::optional<ArchiveManifest> read_manifest(const std::string& directory,
                                             const std::string& partition);
// Every manifest in the directory (unreadable ones are reported through `problems`).
std::vector<ArchiveManifest> read_manifests(const std::string& directory,
                                            std::vector<std::string>* problems = nullptr);

}  // namespace spillway
