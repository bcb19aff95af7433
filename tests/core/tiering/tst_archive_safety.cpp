// Archiving and restoring against hostile or careless use, on the real embedded PostgreSQL: a
// partition inside the window the partition maintainer keeps is never archived; a second archive
// of the same day never replaces the first and both are listed; a manifest that points outside
// the archive directory or carries SQL in its range is refused before anything runs; the archive
// directory is created owner-only.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/demo/embedded_postgres.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"
#include "core/tiering/archive_file.h"
#include "core/tiering/archive_manifest.h"
#include "core/tiering/tiering_job.h"

using namespace spillway;

namespace {

constexpr const char* kOldDay = "2025-01-01";
constexpr const char* kOldSuffix = "_p20250101";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

}  // namespace

class TstArchiveSafety : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<EmbeddedPostgres> postgres_;
    std::unique_ptr<PgConnection> db_;
    QTemporaryDir root_;
    int counter_ = 0;

    std::string new_table() {
        const std::string table = "safe" + std::to_string(++counter_);
        SinkOptions sink;
        sink.conninfo = postgres_->conninfo();
        sink.events_table = table;
        sink.dead_letter_table = table + "_dead";
        ensure_schema(*db_, sink);
        create_old_day(table);
        insert(table, std::string("'") + kOldDay + " 01:00:00+00'", "old-", 50);
        insert(table, "now()", "new-", 10);
        return table;
    }
    void create_old_day(const std::string& table) {
        db_->exec("CREATE TABLE " + table + kOldSuffix + " PARTITION OF " + table +
                  " FOR VALUES FROM ('" + kOldDay + "') TO ('" + kOldDay + "'::date + 1)");
    }
    void insert(const std::string& table, const std::string& time_sql, const std::string& prefix,
                int count) {
        db_->exec("INSERT INTO " + table +
                  " (event_id, event_time, kafka_topic, kafka_partition, kafka_offset, payload) "
                  "SELECT '" +
                  prefix + "' || i, " + time_sql +
                  "::timestamptz, 'orders', 0, i, jsonb_build_object('n', i) "
                  "FROM generate_series(1, " +
                  std::to_string(count) + ") i");
    }
    TieringOptions options(const std::string& table) {
        TieringOptions o;
        o.conninfo = postgres_->conninfo();
        o.events_table = table;
        o.archive_dir = root_.filePath(QString::fromStdString(table)).toStdString();
        return o;
    }
    int64_t scalar(const std::string& sql) { return std::stoll(db_->query_column(sql).at(0)); }
    bool exists(const std::string& relation) {
        return db_->query_column("SELECT to_regclass('" + relation + "') IS NOT NULL").at(0) == "t";
    }

private slots:
    void initTestCase() {
        QVERIFY(root_.isValid());
        postgres_ = std::make_unique<EmbeddedPostgres>();
        postgres_->start();
        db_ = std::make_unique<PgConnection>(postgres_->conninfo());
        db_->exec("SET TimeZone = 'UTC'");
    }
    void cleanupTestCase() {
        db_.reset();
        postgres_.reset();
    }

    // The maintainer re-creates today's partition at once: archiving it would leave the archive
    // hidden behind an empty namesake and overwritten by the next archive.
    void partitionInsideMaintainedWindowIsRefused() {
        const std::string table = new_table();
        const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
        const std::string partition = day_partition_table(table, today);
        QVERIFY(exists(partition));
        TieringJob job(options(table));
        try {
            job.archive_partition(partition);
            QFAIL("archiving today's partition was accepted");
        } catch (const std::runtime_error& error) {
            const std::string what = error.what();
            QVERIFY2(what.find("partition maintainer") != std::string::npos, what.c_str());
        }
        QVERIFY(exists(partition));
        QCOMPARE(scalar("SELECT count(*) FROM " + partition), int64_t(10));
        QVERIFY(job.look(TierPolicy{}).partitions.size() >= 2);
        for (const auto& entry : std::filesystem::directory_iterator(options(table).archive_dir))
            QFAIL(("an archive file was written: " + entry.path().string()).c_str());
    }

    // A day archived twice (its partition came back with late rows) keeps both archives, both
    // listed; the second never renames over the first.
    void secondArchiveOfADayIsASeparateListedFile() {
        const std::string table = new_table();
        const std::string partition = table + kOldSuffix;
        TieringJob job(options(table));
        const ArchiveManifest first = job.archive_partition(partition);
        QCOMPARE(first.rows, int64_t(50));
        const std::string first_file =
            (std::filesystem::path(options(table).archive_dir) / first.archive_file).string();
        const std::string first_sha = sha256_of_file(first_file);

        create_old_day(table);
        insert(table, std::string("'") + kOldDay + " 02:00:00+00'", "late-", 7);
        const ArchiveManifest second = job.archive_partition(partition);
        QCOMPARE(second.rows, int64_t(7));
        QVERIFY(second.archive_file != first.archive_file);
        QVERIFY(std::filesystem::exists(first_file));
        QCOMPARE(sha256_of_file(first_file), first_sha);  // untouched

        const TierSnapshot tiers = job.look(TierPolicy{});
        int cold = 0;
        for (const auto& p : tiers.partitions)
            cold += p.tier == Tier::Cold && p.name == partition;
        QCOMPARE(cold, 2);
        QCOMPARE(tiers.cold_rows, int64_t(57));

        // Both come back: the first restores the partition, the second adds its rows to it.
        QCOMPARE(job.restore_partition(partition), int64_t(50));
        QCOMPARE(job.restore_partition(partition), int64_t(7));
        QCOMPARE(scalar("SELECT count(*) FROM " + partition), int64_t(57));
        QCOMPARE(job.look(TierPolicy{}).cold_rows, int64_t(0));
    }

    // The manifest's range is SQL text the restore used to paste into ATTACH PARTITION.
    void manifestRangeCannotCarrySql() {
        const std::string table = new_table();
        const std::string partition = table + kOldSuffix;
        db_->exec("CREATE TABLE victim_" + table + " (x int)");
        TieringJob job(options(table));
        job.archive_partition(partition);
        const std::string path = manifest_file_path(options(table).archive_dir, partition);
        std::string text = read_text(path);
        replace_all(text, "\"2025-01-02T00:00:00Z\"",
                    "\"2025-01-02T00:00:00Z'); DROP TABLE victim_" + table + "; --\"");
        write_text(path, text);
        try {
            job.restore_partition(partition);
            QFAIL("a manifest with SQL in range_to was restored");
        } catch (const std::exception& error) {
            const std::string what = error.what();
            QVERIFY2(what.find("range_to") != std::string::npos, what.c_str());
        }
        QVERIFY(exists("victim_" + table));
        QVERIFY(!exists(partition));
    }

    void manifestFileOutsideTheDirectoryIsRefused_data() {
        QTest::addColumn<bool>("absolute");
        QTest::newRow("parent") << false;
        QTest::newRow("absolute") << true;
    }
    void manifestFileOutsideTheDirectoryIsRefused() {
        QFETCH(bool, absolute);
        const std::string table = new_table();
        const std::string partition = table + kOldSuffix;
        TieringJob job(options(table));
        const ArchiveManifest manifest = job.archive_partition(partition);
        const std::string dir = options(table).archive_dir;
        // The same (valid) file, reached by a path that leaves the directory.
        const std::string escaped =
            absolute ? (std::filesystem::path(dir) / manifest.archive_file).string()
                     : "../" + table + "/" + manifest.archive_file;
        const std::string path = manifest_file_path(dir, partition);
        std::string text = read_text(path);
        replace_all(text, "\"archive_file\": \"" + manifest.archive_file + "\"",
                    "\"archive_file\": \"" + escaped + "\"");
        QVERIFY(text.find(escaped) != std::string::npos);
        write_text(path, text);
        try {
            job.restore_partition(partition);
            QFAIL("a manifest naming a file outside the archive directory was restored");
        } catch (const std::exception& error) {
            const std::string what = error.what();
            QVERIFY2(what.find("archive_file") != std::string::npos, what.c_str());
        }
        QVERIFY(!exists(partition));
    }

    void archiveDirectoryIsOwnerOnly() {
        const std::string table = new_table();
        TieringJob job(options(table));
        const auto perms = std::filesystem::status(options(table).archive_dir).permissions();
        QCOMPARE(int(perms & std::filesystem::perms::all), int(std::filesystem::perms::owner_all));
    }
};

QTEST_GUILESS_MAIN(TstArchiveSafety)
#include "tst_archive_safety.moc"
