#include "core/tiering/tiering_job.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>

#include "core/tiering/archive_file.h"
#include "core/postgres/partition_day.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"
#include "core/tiering/tiering_logging.h"

namespace spillway {

namespace {

using Row = std::vector<std::optional<std::string>>;

std::string unqualified(const std::string& table) {
    const auto dot = table.find('.');
    return dot == std::string::npos ? table : table.substr(dot + 1);
}

std::string schema_prefix(const std::string& table) {
    const auto dot = table.find('.');
    return dot == std::string::npos ? std::string() : table.substr(0, dot + 1);
}

int64_t to_int(const std::optional<std::string>& value) {
    return value && !value->empty() ? std::stoll(*value) : 0;
}

std::string text(const std::optional<std::string>& value) {
    return value.value_or(std::string());
}

// Above this size a hot partition's row count is the planner's estimate, not count(*).
constexpr int64_t kExactCountBytes = int64_t(64) << 20;
constexpr int kMovesShown = 20;

}  // namespace

// A move left open by a crash (or a failure) in an earlier run.
struct TieringJob::OpenMove {
    int64_t id = 0;
    std::string partition, from_tier, state, sha256;
    int64_t rows = 0;
    std::string archive_file;  // recorded when the move started; empty for older moves
};

// One instance at a time moves partitions of a table: a session-level advisory lock, released
// when the scope ends (or when the connection dies with the process).
class TieringJob::RunLock {
public:
    RunLock(PgConnection& connection, const std::string& table)
        : connection_(connection), key_("spillway.tiering:" + table) {
        const auto rows = connection_.query("SELECT pg_try_advisory_lock(hashtext($1))", {key_});
        if (rows.empty() || text(rows[0][0]) != "t")
            throw std::runtime_error("another Spillway instance is moving partitions of " + table +
                                     "; try again shortly");
    }
    ~RunLock() {
        try {
            connection_.query("SELECT pg_advisory_unlock(hashtext($1))", {key_});
        } catch (const std::exception&) {
            // The connection is gone, and the lock with it.
        }
    }
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

private:
    PgConnection& connection_;
    std::string key_;
};

TieringJob::TieringJob(TieringOptions options) : options_(std::move(options)) {
    if (!valid_table_name(options_.events_table))
        throw std::invalid_argument("invalid events table name \"" + options_.events_table + "\"");
    if (options_.archive_dir.empty())
        throw std::invalid_argument("tiering needs an archive directory (--archive-dir)");
    std::error_code error;
    const bool created = std::filesystem::create_directories(options_.archive_dir, error);
    if (error)
        throw std::runtime_error("cannot create archive directory " + options_.archive_dir + ": " +
                                 error.message());
    // Whoever can write the directory decides what a restore reads: owner-only.
    if (created)
        std::filesystem::permissions(options_.archive_dir, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace, error);
    if (error)
        throw std::runtime_error("cannot make archive directory " + options_.archive_dir +
                                 " owner-only: " + error.message());
    const auto perms = std::filesystem::status(options_.archive_dir, error).permissions();
    if (!error && (perms & (std::filesystem::perms::group_write |
                            std::filesystem::perms::others_write)) != std::filesystem::perms::none)
        qCWarning(lcTiering) << "archive directory" << options_.archive_dir.c_str()
                             << "is writable by group or others; make it owner-only (chmod 700)";
    connection_ = std::make_unique<PgConnection>(options_.conninfo);
    // Timestamps in COPY text and in the manifests read the same on every machine.
    connection_->exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD';");
    const std::string moves = quote_table_name(moves_table());
    connection_->exec(
        "BEGIN;"
        "SELECT pg_advisory_xact_lock(hashtext('spillway.schema'));"
        "CREATE TABLE IF NOT EXISTS " +
        moves +
        " ("
        "  id bigserial PRIMARY KEY,"
        "  partition text NOT NULL,"
        "  from_tier text NOT NULL,"
        "  to_tier text NOT NULL,"
        "  state text NOT NULL,"  // exporting, verified, restoring, done, failed, abandoned
        "  rows bigint,"
        "  raw_bytes bigint,"
        "  archive_bytes bigint,"
        "  hot_bytes bigint,"
        "  sha256 text,"
        "  archive_file text,"
        "  actor text NOT NULL,"
        "  started_at timestamptz NOT NULL DEFAULT now(),"
        "  finished_at timestamptz,"
        "  error text);"
        // At most one open move per partition, whichever instance started it.
        "CREATE UNIQUE INDEX IF NOT EXISTS " +
        quote_identifier(unqualified(moves_table()) + "_open_idx") + " ON " + moves +
        " (partition) WHERE state IN ('exporting', 'verified', 'restoring');"
        "COMMIT;");
}

TieringJob::~TieringJob() = default;

std::string TieringJob::moves_table() const {
    return options_.events_table + "_tier_moves";
}

bool TieringJob::connected() const {
    return connection_->ok();
}

void TieringJob::hook(std::string_view step) {
    if (options_.fault_hook)
        options_.fault_hook(step);
}

bool TieringJob::partition_exists(const std::string& partition) {
    const auto rows =
        connection_->query("SELECT to_regclass($1) IS NOT NULL", {quote_table_name(partition)});
    return !rows.empty() && text(rows[0][0]) == "t";
}

std::vector<std::string> TieringJob::attached_partitions() {
    const auto rows = connection_->query(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = $1::regclass ORDER BY c.relname",
        {quote_table_name(options_.events_table)});
    std::vector<std::string> names;
    names.reserve(rows.size());
    for (const auto& row : rows)
        names.push_back(schema_prefix(options_.events_table) + text(row[0]));
    return names;
}

std::vector<std::string> TieringJob::copy_columns() {
    // Generated columns cannot be written by COPY FROM; they are recomputed on restore.
    const auto rows = connection_->query(
        "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 "
        "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        {quote_table_name(options_.events_table)});
    std::vector<std::string> columns;
    columns.reserve(rows.size());
    for (const auto& row : rows)
        columns.push_back(text(row[0]));
    if (columns.empty())
        throw std::runtime_error("events table " + options_.events_table + " has no columns");
    return columns;
}

namespace {
std::string column_list(const std::vector<std::string>& columns) {
    std::string list;
    for (const auto& column : columns)
        list += (list.empty() ? "" : ", ") + quote_identifier(column);
    return list;
}
}  // namespace

int64_t TieringJob::start_move(const std::string& partition, Tier from, Tier to,
                               const std::string& actor, const std::string& file) {
    try {
        const auto rows = connection_->query(
            "INSERT INTO " + quote_table_name(moves_table()) +
                " (partition, from_tier, to_tier, state, actor, archive_file) "
                "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            {partition, std::string(tier_name(from)), std::string(tier_name(to)),
             std::string(to == Tier::Cold ? "exporting" : "restoring"), actor, file});
        return to_int(rows.at(0).at(0));
    } catch (const PgError& error) {
        if (error.sqlstate() == "23505")
            throw std::runtime_error("partition " + partition +
                                     " is already being moved (an open move in " + moves_table() +
                                     ")");
        throw;
    }
}

void TieringJob::set_move(int64_t id, const std::string& state, const std::string& error) {
    const bool finished = state == "done" || state == "failed" || state == "abandoned";
    connection_->exec_params(
        "UPDATE " + quote_table_name(moves_table()) +
            " SET state = $2, error = NULLIF($3, ''), finished_at = CASE WHEN $4 THEN now() END "
            "WHERE id = $1",
        {std::to_string(id), state, error, std::string(finished ? "true" : "false")});
}

void TieringJob::discard_files(const std::string& file) {
    const std::string name = std::filesystem::path(file).filename().string();
    const std::string stem = name.substr(0, name.size() - std::string(".copy.zst").size());
    const std::string manifest = manifest_file_path(options_.archive_dir, stem);
    std::error_code ignored;
    for (const auto& path : {file, file + ".part", manifest, manifest + ".part"})
        std::filesystem::remove(path, ignored);
}

std::string TieringJob::window_problem(const std::string& partition) const {
    const auto day = partition_day(options_.events_table, partition);
    if (!day)
        return {};
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const auto first = today - std::chrono::days(options_.partitions.days_behind);
    const auto last = today + std::chrono::days(options_.partitions.days_ahead);
    if (*day < first || *day > last)
        return {};
    return "partition " + partition + " is inside the window the partition maintainer keeps (" +
           iso_utc(first).substr(0, 10) + " to " + iso_utc(last).substr(0, 10) +
           ", UTC): it would re-create the partition at once and late events would go there, "
           "not to the archive; archive it once its day is before " +
           iso_utc(first).substr(0, 10);
}

std::set<std::string> TieringJob::restored_files() {
    std::set<std::string> names;
    for (const auto& row : connection_->query(
             "SELECT archive_file FROM " + quote_table_name(moves_table()) +
                 " WHERE to_tier = 'hot' AND state = 'done' AND archive_file IS NOT NULL",
             {}))
        names.insert(std::filesystem::path(text(row[0])).filename().string());
    return names;
}

ArchiveManifest TieringJob::export_partition(int64_t move_id, const std::string& partition,
                                             const std::string& file) {
    const std::vector<std::string> columns = copy_columns();
    const std::string quoted = quote_table_name(partition);
    const auto day = partition_day(options_.events_table, partition);
    if (!day)
        throw std::runtime_error("partition " + partition + " does not name a day (" +
                                 options_.events_table + "_pYYYYMMDD)");

    ArchiveManifest manifest;
    manifest.table = options_.events_table;
    manifest.partition = partition;
    manifest.range_from = iso_utc(*day);
    manifest.range_to = iso_utc(*day + std::chrono::days(1));
    manifest.columns = columns;
    manifest.hot_bytes = to_int(
        connection_->query("SELECT pg_total_relation_size($1::regclass)", {quoted}).at(0).at(0));

    ArchiveDigest written;
    {
        ArchiveWriter writer(file, options_.compression_level);
        connection_->copy_out("COPY " + quoted + " (" + column_list(columns) + ") TO STDOUT",
                              [&writer](std::string_view row) { writer.write(row); });
        written = writer.commit();
    }
    hook("exported");

    const auto range =
        connection_->query("SELECT min(event_time), max(event_time) FROM " + quoted, {});
    manifest.min_event_time = text(range.at(0).at(0));
    manifest.max_event_time = text(range.at(0).at(1));
    if (std::find(columns.begin(), columns.end(), "dict_id") != columns.end()) {
        // Compressed payloads need their dictionaries to be read back; the dictionaries table
        // is never pruned, so the manifest records which ones this file depends on.
        for (const auto& row : connection_->query(
                 "SELECT DISTINCT dict_id FROM " + quoted + " WHERE dict_id IS NOT NULL ORDER BY 1",
                 {}))
            manifest.dictionary_ids.push_back(to_int(row[0]));
    }
    manifest.rows = written.rows;
    manifest.raw_bytes = written.raw_bytes;
    manifest.compressed_bytes = written.compressed_bytes;
    manifest.sha256 = written.sha256;
    manifest.archive_file = std::filesystem::path(file).filename().string();
    manifest.created_at = iso_utc_now();
    write_manifest(options_.archive_dir, manifest);
    hook("manifest_written");

    // Read back what is on disk, not what we meant to write.
    const std::string stem = manifest.archive_file.substr(
        0, manifest.archive_file.size() - std::string(".copy.zst").size());
    const auto stored = read_manifest(options_.archive_dir, stem);
    if (!stored)
        throw std::runtime_error("manifest for " + partition + " vanished after writing");
    const ArchiveDigest check = read_archive(file, int(columns.size()));
    if (check.sha256 != stored->sha256 || check.rows != stored->rows ||
        check.raw_bytes != stored->raw_bytes)
        throw std::runtime_error("archive file " + file +
                                 " does not read back as written: " + std::to_string(check.rows) +
                                 " rows, SHA-256 " + check.sha256 + "; expected " +
                                 std::to_string(stored->rows) + " rows, SHA-256 " + stored->sha256);
    hook("verified");
    connection_->exec_params(
        "UPDATE " + quote_table_name(moves_table()) +
            " SET state = 'verified', rows = $2, raw_bytes = $3, archive_bytes = $4, "
            "hot_bytes = $5, sha256 = $6, archive_file = $7 WHERE id = $1",
        {std::to_string(move_id), std::to_string(manifest.rows), std::to_string(manifest.raw_bytes),
         std::to_string(manifest.compressed_bytes), std::to_string(manifest.hot_bytes),
         manifest.sha256, file});
    return manifest;
}

void TieringJob::finish_drop(int64_t move_id, const std::string& partition, int64_t rows) {
    const std::string quoted = quote_table_name(partition);
    connection_->exec("BEGIN");
    try {
        connection_->exec("SET LOCAL lock_timeout = '" + std::to_string(options_.lock_timeout_ms) +
                          "ms'");
        // Writers of late events for this day wait here (briefly); the parent is not locked yet.
        connection_->exec("LOCK TABLE " + quoted + " IN SHARE MODE");
        const int64_t now_rows =
            to_int(connection_->query("SELECT count(*) FROM " + quoted, {}).at(0).at(0));
        if (now_rows != rows)
            throw std::runtime_error("partition " + partition + " holds " +
                                     std::to_string(now_rows) + " rows, the archive " +
                                     std::to_string(rows) +
                                     ": rows arrived during the export; it is exported again");
        hook("before_drop");
        // DROP takes an ACCESS EXCLUSIVE lock on the parent for the moment of the catalog
        // change; lock_timeout bounds how long ingestion can queue behind it.
        connection_->exec("DROP TABLE " + quoted);
        set_move(move_id, "done");
        connection_->exec("COMMIT");
    } catch (...) {
        if (connection_->ok()) {
            try {
                connection_->exec("ROLLBACK");
            } catch (const std::exception&) {
            }
        }
        throw;
    }
}

ArchiveManifest TieringJob::archive_partition(const std::string& partition,
                                              const std::string& actor) {
    RunLock lock(*connection_, options_.events_table);
    const auto attached = attached_partitions();
    if (std::find(attached.begin(), attached.end(), partition) == attached.end())
        throw std::runtime_error("partition " + partition + " is not attached to " +
                                 options_.events_table);
    if (partition == default_partition_table(options_.events_table))
        throw std::runtime_error("the default partition " + partition + " is never archived");
    if (const std::string problem = window_problem(partition); !problem.empty())
        throw std::runtime_error(problem);
    const std::string file =
        next_archive_file_path(options_.archive_dir, partition, restored_files());
    const int64_t move = start_move(partition, Tier::Hot, Tier::Cold, actor, file);
    try {
        ArchiveManifest manifest = export_partition(move, partition, file);
        finish_drop(move, partition, manifest.rows);
        hook("dropped");
        qCInfo(lcTiering) << "archived" << partition.c_str() << manifest.rows << "rows,"
                          << manifest.compressed_bytes << "bytes";
        return manifest;
    } catch (const SimulatedCrash&) {
        throw;  // a crash cleans nothing up: recover() must cope
    } catch (const std::exception& error) {
        // A failure (not a crash): undo now rather than at the next recovery.
        if (connection_->ok()) {
            try {
                discard_files(file);
                set_move(move, "abandoned", error.what());
            } catch (const std::exception&) {
            }
        }
        throw std::runtime_error("archiving " + partition + " failed: " + error.what());
    }
}

std::string TieringJob::recover_move(const OpenMove& move) {
    const std::string file = move.archive_file.empty()
                                 ? archive_file_path(options_.archive_dir, move.partition)
                                 : move.archive_file;
    const bool exists = partition_exists(move.partition);
    if (move.state == "restoring") {
        // The restore's transaction either committed (and marked the move done) or rolled back.
        set_move(move.id, "abandoned", "interrupted; nothing was restored; restore again");
        return move.partition + ": interrupted restore abandoned";
    }
    // The file counts only if it is the one step 4 verified and recorded.
    std::string file_problem;
    if (move.state != "verified") {
        file_problem = "the export had not been verified";
    } else {
        try {
            const ArchiveDigest digest = read_archive(file);
            if (digest.sha256 != move.sha256 || digest.rows != move.rows)
                file_problem = "archive file " + file + " has SHA-256 " + digest.sha256 + ", " +
                               std::to_string(digest.rows) + " rows; the move recorded " +
                               move.sha256 + ", " + std::to_string(move.rows) + " rows";
        } catch (const std::exception& error) {
            file_problem = error.what();
        }
    }
    if (exists) {
        if (file_problem.empty()) {
            finish_drop(move.id, move.partition, move.rows);
            return move.partition + ": verified archive kept, partition dropped";
        }
        discard_files(file);
        set_move(move.id, "abandoned", "interrupted (" + file_problem + "); exported again");
        return move.partition + ": interrupted export undone";
    }
    if (file_problem.empty()) {
        set_move(move.id, "done", "finished after a restart");
        return move.partition + ": finished after a restart";
    }
    // Cannot happen with the sequence above (the drop needs a verified move); say it loudly.
    set_move(move.id, "failed",
             "partition is gone and its archive does not verify: " + file_problem);
    qCCritical(lcTiering) << "partition" << move.partition.c_str()
                          << "is gone and its archive does not verify:" << file_problem.c_str();
    return move.partition + ": FAILED, partition gone and archive unverifiable";
}

std::vector<std::string> TieringJob::recover() {
    std::vector<std::string> outcomes;
    const auto rows = connection_->query(
        "SELECT id, partition, from_tier, state, coalesce(sha256, ''), coalesce(rows, 0), "
        "coalesce(archive_file, '') FROM " +
            quote_table_name(moves_table()) +
            " WHERE state IN ('exporting', 'verified', 'restoring') ORDER BY id",
        {});
    for (const auto& row : rows) {
        const OpenMove move{to_int(row[0]), text(row[1]),   text(row[2]), text(row[3]),
                            text(row[4]),   to_int(row[5]), text(row[6])};
        outcomes.push_back(recover_move(move));
        qCInfo(lcTiering) << "recovered" << outcomes.back().c_str();
    }
    // Half-written files of moves that no longer exist.
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(options_.archive_dir, error))
        if (entry.path().extension() == ".part")
            std::filesystem::remove(entry.path(), error);
    return outcomes;
}

TierRunReport TieringJob::run(const TierPolicy& policy, std::chrono::system_clock::time_point now,
                              const std::string& actor) {
    TierRunReport report;
    {
        RunLock lock(*connection_, options_.events_table);
        report.recovered = recover();
    }
    if (!policy.enabled)
        return report;
    const auto cutoff = now - std::chrono::days(policy.archive_after_days);
    // Partitions restored on purpose stay hot for a while.
    std::set<std::string> held;
    for (const auto& row : connection_->query(
             "SELECT DISTINCT partition FROM " + quote_table_name(moves_table()) +
                 " WHERE to_tier = 'hot' AND state = 'done' AND finished_at > now() - "
                 "make_interval(days => $1)",
             {std::to_string(policy.restore_hold_days)}))
        held.insert(text(row[0]));
    for (const auto& partition : attached_partitions()) {
        const auto day = partition_day(options_.events_table, partition);
        if (!day || held.count(partition) || *day + std::chrono::days(1) > cutoff ||
            !window_problem(partition).empty())
            continue;
        try {
            archive_partition(partition, actor);
            report.archived.push_back(partition);
        } catch (const SimulatedCrash&) {
            throw;
        } catch (const std::exception& error) {
            report.errors.push_back(error.what());
            qCWarning(lcTiering) << error.what();
        }
    }
    return report;
}

int64_t TieringJob::restore_partition(const std::string& partition, const std::string& actor) {
    RunLock lock(*connection_, options_.events_table);
    return restore_locked(partition, actor);
}

namespace {

// 0 for "<partition>.copy.zst", n for "<partition>.<n>.copy.zst".
int64_t archive_sequence(const ArchiveManifest& manifest) {
    const std::string& name = manifest.archive_file;
    const std::string prefix = manifest.partition + ".";
    const std::string suffix = ".copy.zst";
    if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0)
        return 0;
    const std::string middle =
        name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    int64_t sequence = 0;
    for (char c : middle) {
        if (c < '0' || c > '9' || sequence > 1'000'000'000)
            return 0;
        sequence = sequence * 10 + (c - '0');
    }
    return sequence;
}

}  // namespace

int64_t TieringJob::restore_locked(const std::string& partition, const std::string& actor) {
    // The oldest archive of the partition not restored yet (a crash after a restore's commit can
    // leave its file behind); every manifest read was validated field by field.
    std::vector<std::string> problems;
    const std::set<std::string> restored = restored_files();
    std::optional<ArchiveManifest> manifest;
    for (auto& candidate : read_manifests(options_.archive_dir, &problems)) {
        if (candidate.table != options_.events_table || candidate.partition != partition ||
            restored.count(candidate.archive_file))
            continue;
        // Archives made within one second tie on created_at: the numbered name says which came
        // later ("<partition>.copy.zst" first, then "<partition>.2.copy.zst", ...).
        if (!manifest || std::make_tuple(candidate.created_at, archive_sequence(candidate)) <
                             std::make_tuple(manifest->created_at, archive_sequence(*manifest)))
            manifest = std::move(candidate);
    }
    if (!manifest) {
        for (const auto& problem : problems)
            if (problem.find(partition) != std::string::npos)
                throw std::runtime_error("cannot restore " + partition + ": " + problem);
        throw std::runtime_error("no archive of " + partition + " in " + options_.archive_dir);
    }
    const auto day = partition_day(options_.events_table, partition);
    if (!day)
        throw std::runtime_error("partition " + partition + " does not name a day (" +
                                 options_.events_table + "_pYYYYMMDD)");
    // From the partition's name, never from the file: these go into SQL.
    const std::string range_from = iso_utc(*day);
    const std::string range_to = iso_utc(*day + std::chrono::days(1));
    bool merge = false;
    if (partition_exists(partition)) {
        const auto attached = attached_partitions();
        if (std::find(attached.begin(), attached.end(), partition) == attached.end())
            throw std::runtime_error("a table " + partition + " that is not a partition of " +
                                     options_.events_table + " is in the way; restore refused");
        merge = true;  // a later archive of a day that came back: its rows join the partition
    }
    const std::string file =
        (std::filesystem::path(options_.archive_dir) / manifest->archive_file).string();
    // Checked before anything reads the content, so a damaged file is refused whatever the
    // damage, and the message can name both checksums.
    const std::string actual = sha256_of_file(file);
    if (actual != manifest->sha256)
        throw ArchiveCorrupt("archive file " + file + " is corrupt: its SHA-256 is " + actual +
                             " but its manifest says " + manifest->sha256 +
                             "; refusing to restore " + partition);
    if (!manifest->dictionary_ids.empty()) {
        const std::string dictionaries = event_dictionaries_table(options_.events_table);
        std::string ids;
        for (const auto id : manifest->dictionary_ids)
            ids += (ids.empty() ? "" : ",") + std::to_string(id);
        const bool all_there =
            partition_exists(dictionaries) &&
            to_int(connection_
                       ->query("SELECT count(*) FROM unnest($1::int[]) AS wanted(dict) "
                               "WHERE NOT EXISTS (SELECT 1 FROM " +
                                   quote_table_name(dictionaries) + " d WHERE d.id = wanted.dict)",
                               {"{" + ids + "}"})
                       .at(0)
                       .at(0)) == 0;
        if (!all_there)
            throw std::runtime_error("archive of " + partition + " needs zstd dictionaries {" +
                                     ids + "} that " + dictionaries + " does not hold");
    }

    const int64_t move = start_move(partition, Tier::Cold, Tier::Hot, actor, file);
    const std::string quoted = quote_table_name(partition);
    const std::string parent = quote_table_name(options_.events_table);
    const std::string columns = column_list(manifest->columns);
    const std::string target = merge ? std::string("spillway_restore") : quoted;
    int64_t restored_rows = 0;
    try {
        connection_->exec("BEGIN");
        if (merge)
            connection_->exec("CREATE TEMP TABLE spillway_restore (LIKE " + parent +
                              " INCLUDING DEFAULTS) ON COMMIT DROP");
        else
            connection_->exec("CREATE TABLE " + quoted + " (LIKE " + parent +
                              " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
        ArchiveDigest digest;
        connection_->copy_in_stream("COPY " + target + " (" + columns + ") FROM STDIN",
                                    [&](const PgConnection::CopySend& send) {
                                        digest =
                                            read_archive(file, int(manifest->columns.size()), send);
                                    });
        if (digest.sha256 != manifest->sha256 || digest.rows != manifest->rows)
            throw ArchiveCorrupt(
                "archive file " + file + " changed while it was restored: SHA-256 " +
                digest.sha256 + ", " + std::to_string(digest.rows) + " rows; its manifest says " +
                manifest->sha256 + ", " + std::to_string(manifest->rows) + " rows");
        hook("restore_copied");
        int64_t adopted = 0;
        if (merge) {
            // The partition's constraint refuses rows outside its day, whatever the file holds.
            connection_->exec("INSERT INTO " + quoted + " (" + columns + ") SELECT " + columns +
                              " FROM spillway_restore");
        } else {
            // Late events of this day landed in the default partition while it was cold; ATTACH
            // refuses while they are there, so the restored partition takes them over.
            const std::string fallback = default_partition_table(options_.events_table);
            if (partition_exists(fallback)) {
                adopted = connection_->exec_params(
                    "WITH moved AS (DELETE FROM " + quote_table_name(fallback) +
                        " WHERE event_time >= $1::timestamptz AND event_time < $2::timestamptz "
                        "RETURNING " +
                        columns + ") INSERT INTO " + quoted + " (" + columns + ") SELECT " +
                        columns + " FROM moved",
                    {range_from, range_to});
            }
            connection_->exec("ALTER TABLE " + parent + " ATTACH PARTITION " + quoted +
                              " FOR VALUES FROM ('" + range_from + "') TO ('" + range_to +
                              "')");  // iso_utc() text: digits, '-', ':', 'T', 'Z' only
        }
        restored_rows = manifest->rows + adopted;
        connection_->exec_params(
            "UPDATE " + quote_table_name(moves_table()) +
                " SET state = 'done', finished_at = now(), rows = $2, "
                "archive_bytes = $3, sha256 = $4, archive_file = $5 "
                "WHERE id = $1",
            {std::to_string(move), std::to_string(restored_rows),
             std::to_string(manifest->compressed_bytes), manifest->sha256, file});
        connection_->exec("COMMIT");
    } catch (const SimulatedCrash&) {
        throw;
    } catch (const std::exception& error) {
        if (connection_->ok()) {
            try {
                connection_->exec("ROLLBACK");
                set_move(move, "failed", error.what());
            } catch (const std::exception&) {
            }
        }
        throw;
    }
    // The data is hot again; one copy per tier keeps the figures honest. A crash before this
    // leaves a stale file that the listing ignores (its restore is recorded as done).
    discard_files(file);
    qCInfo(lcTiering) << "restored" << partition.c_str() << restored_rows << "rows";
    return restored_rows;
}

TierSnapshot TieringJob::look(const TierPolicy& policy) {
    TierSnapshot snapshot;
    snapshot.taken_at = std::chrono::system_clock::now();
    snapshot.policy = policy;
    std::map<std::string, TierPartition> by_name;
    // The partitions; or, for an events table that is not partitioned, the table itself as one
    // hot entry (nothing in it can go cold, but its bytes still cost money).
    const auto hot = connection_->query(
        "SELECT c.relname, pg_total_relation_size(c.oid), c.reltuples::bigint "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = $1::regclass "
        "UNION ALL SELECT c.relname, pg_total_relation_size(c.oid), c.reltuples::bigint "
        "FROM pg_class c WHERE c.oid = $1::regclass AND c.relkind = 'r'",
        {quote_table_name(options_.events_table)});
    for (const auto& row : hot) {
        TierPartition partition;
        partition.name = schema_prefix(options_.events_table) + text(row[0]);
        partition.tier = Tier::Hot;
        partition.bytes = to_int(row[1]);
        const std::string reltuples = text(row[2]);
        if (partition.bytes <= kExactCountBytes || reltuples.empty() || reltuples[0] == '-') {
            partition.rows = to_int(
                connection_->query("SELECT count(*) FROM " + quote_table_name(partition.name), {})
                    .at(0)
                    .at(0));
        } else {
            partition.rows = std::stoll(reltuples);
            partition.rows_estimated = true;
        }
        if (const auto day = partition_day(options_.events_table, partition.name)) {
            partition.range_from = iso_utc(*day);
            partition.range_to = iso_utc(*day + std::chrono::days(1));
        }
        snapshot.hot_bytes += partition.bytes;
        snapshot.hot_rows += partition.rows;
        by_name[partition.name] = partition;
    }
    std::vector<std::string> problems;
    const std::set<std::string> restored = restored_files();
    for (const auto& manifest : read_manifests(options_.archive_dir, &problems)) {
        if (manifest.table != options_.events_table || restored.count(manifest.archive_file))
            continue;  // another table's archive, or a stale file of a restored partition
        TierPartition partition;
        partition.name = manifest.partition;
        partition.tier = Tier::Cold;
        partition.range_from = manifest.range_from;
        partition.range_to = manifest.range_to;
        partition.rows = manifest.rows;
        partition.bytes = manifest.compressed_bytes;
        partition.hot_bytes = manifest.hot_bytes;
        partition.archive_file =
            (std::filesystem::path(options_.archive_dir) / manifest.archive_file).string();
        snapshot.cold_bytes += partition.bytes;
        snapshot.cold_rows += partition.rows;
        snapshot.cold_hot_bytes += partition.hot_bytes;
        // Every archive is listed, also a day's second one beside its partition: sorted right
        // after the name.
        by_name[partition.name + '\x01' + manifest.archive_file] = partition;
    }
    // Oldest first; the default partition (no day) last.
    for (auto& [name, partition] : by_name)
        snapshot.partitions.push_back(std::move(partition));
    std::stable_partition(snapshot.partitions.begin(), snapshot.partitions.end(),
                          [](const TierPartition& p) { return !p.range_from.empty(); });
    for (const auto& row :
         connection_->query("SELECT id, partition, from_tier, to_tier, state, coalesce(rows, 0), "
                            "coalesce(archive_bytes, 0), coalesce(sha256, ''), "
                            "to_char(started_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                            "coalesce(to_char(finished_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
                            "coalesce(error, '') FROM " +
                                quote_table_name(moves_table()) + " ORDER BY id DESC LIMIT " +
                                std::to_string(kMovesShown),
                            {})) {
        snapshot.moves.push_back(TierMove{to_int(row[0]), text(row[1]), text(row[2]), text(row[3]),
                                          text(row[4]), to_int(row[5]), to_int(row[6]),
                                          text(row[7]), text(row[8]), text(row[9]), text(row[10])});
    }
    if (!problems.empty())
        snapshot.last_error = problems.front();
    snapshot.available = true;
    return snapshot;
}

const char* tier_name(Tier tier) {
    return tier == Tier::Hot ? "hot" : "cold";
}

}  // namespace spillway
