#pragma once
// Moves partitions of the events table between tiers: hot (attached partitions in PostgreSQL) and
// cold (one zstd archive file per partition plus its manifest, in the archive directory). It owns
// one PostgreSQL connection, so it belongs to one thread (TieringService runs it on its own).
//
// Archiving one partition, each step durable before the next, every move recorded in
// <events_table>_tier_moves:
//   1. record the move (state exporting)
//   2. COPY the partition TO STDOUT -> zstd stream -> "<file>.part", fsync, rename      [exported]
//   3. write the manifest the same way                                          [manifest_written]
//   4. read the file back: SHA-256, row count, every row decompressed and split   [verified]
//      and record the move as verified with its checksum
//   5. one transaction: lock the partition against writers, check its row count still matches,
//      DROP it, mark the move done                                                 [before_drop]
// A crash anywhere leaves either the partition (and the move open) or a verified file and a done
// move. recover() (run first on every run) finishes or undoes open moves: a partition still there
// is exported again unless its verified file matches the checksum recorded in step 4; a partition
// gone with its move open is marked done only if its file verifies.
//
// Restoring: verify the file's SHA-256 against its manifest (refused otherwise), then in one
// transaction create the table, COPY the rows back, take over rows of that day that arrived in the
// default partition meanwhile, ATTACH it and mark the move done; then delete the archive file.
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/postgres/sink_schema.h"
#include "core/tiering/archive_manifest.h"
#include "core/tiering/tier_snapshot.h"

namespace spillway {

class PgConnection;

struct TieringOptions {
    std::string conninfo;
    std::string events_table = "events";
    std::string archive_dir;  // created owner-only if missing
    // The window the partition maintainer keeps (and re-creates): never archived.
    PartitionPolicy partitions;
    int compression_level = 3;
    int lock_timeout_ms = 5000;  // the drop waits at most this long for its locks
    // Tests: called at each named step (see above); throwing there simulates a crash at that step.
    std::function<void(std::string_view step)> fault_hook;
};

struct TierRunReport {
    std::vector<std::string> archived;   // partitions moved to the cold tier
    std::vector<std::string> recovered;  // open moves finished or undone
    std::vector<std::string> errors;     // one line per partition that failed
};

// Thrown by a fault hook to simulate a crash at a step: the job skips every clean-up it would do
// after an ordinary failure, so only recover() can put things right.
class SimulatedCrash : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A restore refused because the file is not what its manifest says.
class ArchiveCorrupt : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class TieringJob {
public:
    // Connects, creates the moves table and the archive directory. Throws naming what failed.
    explicit TieringJob(TieringOptions options);
    ~TieringJob();
    TieringJob(const TieringJob&) = delete;
    TieringJob& operator=(const TieringJob&) = delete;

    // Finishes or undoes interrupted moves, then archives every partition due under `policy` at
    // `now`. Several instances may run it: a session advisory lock lets one move at a time.
    TierRunReport run(const TierPolicy& policy, std::chrono::system_clock::time_point now,
                      const std::string& actor = "scheduler");
    std::vector<std::string> recover();
    // On demand, whatever its age, except inside the partition maintainer's window (it would
    // re-create the partition at once). A day archived before gets another file: an archive is
    // never replaced. Throws naming the partition and what failed.
    ArchiveManifest archive_partition(const std::string& partition,
                                      const std::string& actor = "operator");
    // Restores the oldest archive of the partition; when the partition is attached meanwhile
    // (a later archive of the same day), adds the archive's rows to it. Returns the rows
    // restored (plus late rows taken over from the default partition). Throws ArchiveCorrupt on
    // a bad checksum.
    int64_t restore_partition(const std::string& partition, const std::string& actor = "operator");

    // Partitions per tier, byte and row totals and the latest moves.
    TierSnapshot look(const TierPolicy& policy);

    std::string moves_table() const;
    bool connected() const;
    const TieringOptions& options() const { return options_; }

private:
    struct OpenMove;
    class RunLock;
    void hook(std::string_view step);
    bool partition_exists(const std::string& partition);
    std::vector<std::string> attached_partitions();
    std::vector<std::string> copy_columns();
    int64_t start_move(const std::string& partition, Tier from, Tier to, const std::string& actor,
                       const std::string& file);
    void set_move(int64_t id, const std::string& state, const std::string& error = {});
    ArchiveManifest export_partition(int64_t move_id, const std::string& partition,
                                     const std::string& file);
    void finish_drop(int64_t move_id, const std::string& partition, int64_t rows);
    void discard_files(const std::string& file);
    std::string window_problem(const std::string& partition) const;
    std::set<std::string> restored_files();
    std::string recover_move(const OpenMove& move);
    int64_t restore_locked(const std::string& partition, const std::string& actor);

    TieringOptions options_;
    std::unique_ptr<PgConnection> connection_;
};

}  // namespace spillway
