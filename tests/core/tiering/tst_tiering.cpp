// Hot and cold tiers against the real embedded PostgreSQL: a partition archived to a zstd file
// and restored comes back with exactly the same rows (every column, compressed payloads and
// binary keys included); a crash injected at every step between export and drop, followed by a
// rerun, loses nothing and doubles nothing; a corrupted archive is refused, naming the file and
// both checksums.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/tiering/archive_file.h"
#include "core/tiering/archive_manifest.h"
#include "core/demo/embedded_postgres.h"
#include "core/postgres/event_reader.h"
#include "core/postgres/partition_maintainer.h"
#include "core/compression/payload_codec.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"
#include "core/tiering/tiering_job.h"

using namespace spillway;

namespace {

// The old day that is due for the cold tier, and today (never due).
constexpr const char* kOldDay = "2025-01-01";
constexpr const char* kOldPartitionSuffix = "_p20250101";
constexpr int kRowsPerDay = 1500;

std::string hex_of(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out = "\\x";
    for (const unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

// A raw-content zstd dictionary (the engine's are trained; either kind decodes the same way),
// stored as dictionary 7 of every test table.
const ZstdDictionary& dictionary() {
    static const ZstdDictionary dict(
        7, "{\"device\":\"d-\",\"note\":\"tab newline back quoted\",\"n\":0} device note", 3);
    return dict;
}

// The engine's own schema (partitioned events table, default partition, key and dictionary
// tables), the partitions around today as the engine keeps them, plus one old day.
void create_events_table(PgConnection& db, const std::string& table, const std::string& conninfo) {
    SinkOptions sink;
    sink.conninfo = conninfo;
    sink.events_table = table;
    sink.dead_letter_table = table + "_dead";
    ensure_schema(db, sink);
    ensure_partitions(db, sink, std::chrono::system_clock::now());
    db.exec("CREATE TABLE " + table + kOldPartitionSuffix + " PARTITION OF " + table +
            " FOR VALUES FROM ('" + kOldDay + "') TO ('" + kOldDay + "'::date + 1)");
    db.exec_params("INSERT INTO " + table +
                       "_dictionaries (id, sample_count, trained_ratio, dict)"
                       " VALUES ($1, 100, 3.5, $2::bytea)",
                   {std::to_string(dictionary().id()), hex_of(dictionary().bytes())});
}

// Rows that stress the COPY text path: tabs, newlines, backslashes, quotes and non-ASCII text
// in jsonb, every byte value in bytea keys, NULLs, microsecond timestamps, and zstd payloads.
void insert_rows(PgConnection& db, const std::string& table, const std::string& day_sql,
                 const std::string& id_prefix, int count) {
    std::string all_bytes;
    for (int b = 0; b < 256; ++b)
        all_bytes += char(b);
    for (int i = 0; i < count; ++i) {
        // (No raw string literals in a Q_OBJECT file: moc skips such files.)
        const std::string payload_text =
            "{\"device\":\"d-" + std::to_string(i % 37) +
            "\",\"note\":\"tab\\there\\nnewline \\\\ back \\\"quoted\\\" \u00fcn\u00ef "
            "\u65e5\u672c\",\"n\":" +
            std::to_string(i) + "}";
        std::optional<std::string> payload, payload_zstd, dict_id;
        if (i % 3 == 0) {
            static ZstdCodec codec;
            std::string compressed;
            codec.compress(payload_text, &dictionary(), compressed);
            payload_zstd = hex_of(compressed);
            dict_id = std::to_string(dictionary().id());
        } else {
            payload = payload_text;
        }
        const std::optional<std::string> key =
            i % 5 == 0 ? std::nullopt
                       : std::optional<std::string>(hex_of(all_bytes.substr(size_t(i % 200), 56)));
        db.exec_params(
            "INSERT INTO " + table +
                " (event_id, event_time, kafka_topic, kafka_partition, kafka_offset,"
                " kafka_key, payload, payload_zstd, dict_id) VALUES ($1, " +
                day_sql +
                " + make_interval(secs => $2::double precision), 'orders', $3, $4,"
                " $5::bytea, $6::jsonb, $7::bytea, $8::integer)",
            {id_prefix + std::to_string(i), std::to_string(i * 50.123457), std::to_string(i % 4),
             std::to_string(i), key, payload, payload_zstd, dict_id});
    }
}

}  // namespace

class TstTiering : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<EmbeddedPostgres> postgres_;
    std::unique_ptr<PgConnection> db_;
    QTemporaryDir archive_root_;
    int table_counter_ = 0;

    std::string new_table() {
        const std::string table = "tier" + std::to_string(++table_counter_);
        create_events_table(*db_, table, postgres_->conninfo());
        insert_rows(*db_, table, std::string("'") + kOldDay + " 00:00:00+00'::timestamptz", "old-",
                    kRowsPerDay);
        insert_rows(*db_, table, "date_trunc('day', now())", "new-", 200);
        db_->exec("INSERT INTO " + table + "_keys SELECT event_id, event_time FROM " + table);
        return table;
    }

    TieringOptions options(const std::string& table) {
        TieringOptions o;
        o.conninfo = postgres_->conninfo();
        o.events_table = table;
        o.archive_dir = archive_root_.filePath(QString::fromStdString(table)).toStdString();
        return o;
    }

    // Every column of every row of the old day, as PostgreSQL prints the whole row, in id order:
    // read through the parent table, so it sees the rows wherever they are attached.
    QStringList old_day_rows(const std::string& table) {
        QStringList rows;
        for (const auto& row : db_->query_column(
                 "SELECT t::text FROM " + table + " t WHERE event_time >= '" + kOldDay +
                 "' AND event_time < '" + kOldDay + "'::date + 1 ORDER BY event_id"))
            rows << QString::fromStdString(row);
        return rows;
    }

    int64_t scalar(const std::string& sql) { return std::stoll(db_->query_column(sql).at(0)); }

    bool exists(const std::string& relation) {
        return db_->query_column("SELECT to_regclass('" + relation + "') IS NOT NULL").at(0) == "t";
    }

    static TierPolicy policy() {
        TierPolicy p;
        p.archive_after_days = 90;
        return p;
    }

private slots:
    void initTestCase() {
        QVERIFY(archive_root_.isValid());
        postgres_ = std::make_unique<EmbeddedPostgres>();
        postgres_->start();
        db_ = std::make_unique<PgConnection>(postgres_->conninfo());
        db_->exec("SET TimeZone = 'UTC'");
    }

    void cleanupTestCase() {
        db_.reset();
        postgres_.reset();
    }

    void archiveThenRestoreReturnsExactlyTheSameRows() {
        const std::string table = new_table();
        const std::string old_partition = table + kOldPartitionSuffix;
        const QStringList before = old_day_rows(table);
        QCOMPARE(before.size(), kRowsPerDay);
        const int64_t total_before = scalar("SELECT count(*) FROM " + table);
        // The events as the engine reads them back, compressed payloads decompressed.
        const auto read_back = [&] {
            ReadEventsOptions read;
            read.conninfo = postgres_->conninfo();
            read.events_table = table;
            read.since = kOldDay;
            read.until = "2025-01-01 22:00:00+00";  // every old row, not the late one added below
            std::ostringstream lines, errors;
            const ReadEventsReport report = read_events(read, lines, errors);
            return std::pair{lines.str(), report.failed};
        };
        const auto events_before = read_back();
        QCOMPARE(events_before.second, int64_t(0));
        QCOMPARE(int64_t(std::count(events_before.first.begin(), events_before.first.end(), '\n')),
                 int64_t(kRowsPerDay));
        QVERIFY(events_before.first.find("\"payload_format\":\"zstd\"") != std::string::npos);

        TieringJob job(options(table));
        const TierRunReport report = job.run(policy(), std::chrono::system_clock::now());
        QCOMPARE(report.errors.size(), size_t(0));
        QCOMPARE(report.archived, std::vector<std::string>{old_partition});  // today's stays hot
        QVERIFY(!exists(old_partition));
        QVERIFY(old_day_rows(table).isEmpty());
        // The dedup keys stay: an archived event that arrives again is still a duplicate.
        QCOMPARE(scalar("SELECT count(*) FROM " + table + "_keys"), total_before);

        const auto manifest = read_manifest(options(table).archive_dir, old_partition);
        QVERIFY(manifest);
        QCOMPARE(manifest->rows, int64_t(kRowsPerDay));
        QCOMPARE(manifest->range_from, std::string("2025-01-01T00:00:00Z"));
        QCOMPARE(manifest->range_to, std::string("2025-01-02T00:00:00Z"));
        QCOMPARE(manifest->min_event_time, std::string("2025-01-01 00:00:00+00"));
        QVERIFY(manifest->max_event_time.starts_with("2025-01-01 20:"));
        QCOMPARE(manifest->dictionary_ids, std::vector<int64_t>{7});
        const std::string file = archive_file_path(options(table).archive_dir, old_partition);
        QCOMPARE(sha256_of_file(file), manifest->sha256);
        QCOMPARE(int64_t(std::filesystem::file_size(file)), manifest->compressed_bytes);
        QVERIFY(manifest->compressed_bytes < manifest->raw_bytes);
        QVERIFY(manifest->hot_bytes > 0);
        QCOMPARE(scalar("SELECT count(*) FROM " + table + "_tier_moves WHERE partition = '" +
                        old_partition + "' AND from_tier = 'hot' AND state = 'done'"),
                 int64_t(1));

        const TierSnapshot tiers = job.look(policy());
        QCOMPARE(tiers.cold_rows, int64_t(kRowsPerDay));
        QCOMPARE(tiers.cold_bytes, manifest->compressed_bytes);
        QCOMPARE(tiers.hot_rows, int64_t(200));
        QCOMPARE(tiers.partitions.front().name, old_partition);  // oldest first
        QCOMPARE(tiers.partitions.front().tier, Tier::Cold);

        // A late event of the archived day lands in the default partition meanwhile; the
        // restored partition takes it over.
        insert_rows(*db_, table, std::string("'") + kOldDay + " 23:00:00+00'::timestamptz", "late-",
                    1);
        QStringList expected = before;
        expected += old_day_rows(table);
        expected.sort();

        QCOMPARE(job.restore_partition(old_partition), int64_t(kRowsPerDay + 1));
        QVERIFY(exists(old_partition));
        QCOMPARE(old_day_rows(table), expected);
        QVERIFY(read_back() == events_before);
        QCOMPARE(scalar("SELECT count(*) FROM " + table + "_default"), int64_t(0));
        QCOMPARE(scalar("SELECT count(*) FROM " + table), total_before + 1);
        QVERIFY(!std::filesystem::exists(file));
        QCOMPARE(scalar("SELECT count(*) FROM " + table + "_tier_moves WHERE partition = '" +
                        old_partition + "' AND to_tier = 'hot' AND state = 'done'"),
                 int64_t(1));
        // Restored on purpose: the next scheduled run keeps it hot.
        QVERIFY(job.run(policy(), std::chrono::system_clock::now()).archived.empty());
        QVERIFY(exists(old_partition));
    }

    void crashBetweenExportAndDropLosesNothingDoublesNothing_data() {
        QTest::addColumn<QString>("step");
        for (const char* step :
             {"exported", "manifest_written", "verified", "before_drop", "dropped"})
            QTest::newRow(step) << QString::fromLatin1(step);
    }

    void crashBetweenExportAndDropLosesNothingDoublesNothing() {
        QFETCH(QString, step);
        const std::string table = new_table();
        const std::string old_partition = table + kOldPartitionSuffix;
        const QStringList before = old_day_rows(table);

        TieringOptions crashing = options(table);
        crashing.fault_hook = [step](std::string_view at) {
            if (at == step.toStdString())
                throw SimulatedCrash("crash injected at " + std::string(at));
        };
        {
            TieringJob job(crashing);
            QVERIFY_THROWS_EXCEPTION(SimulatedCrash,
                                     job.run(policy(), std::chrono::system_clock::now()));
        }  // the job dies with its connection, as a crashed process would

        // Whatever state the crash left, the rows are somewhere: still attached, or archived.
        const bool attached = exists(old_partition);
        QCOMPARE(attached, step != "dropped");

        TieringJob rerun(options(table));
        const TierRunReport report = rerun.run(policy(), std::chrono::system_clock::now());
        QVERIFY2(report.errors.empty(), report.errors.empty() ? "" : report.errors[0].c_str());
        QVERIFY(!exists(old_partition));
        const auto manifest = read_manifest(options(table).archive_dir, old_partition);
        QVERIFY(manifest);
        QCOMPARE(manifest->rows, int64_t(kRowsPerDay));
        // Exactly one completed move to the cold tier; none left open.
        QCOMPARE(scalar("SELECT count(*) FROM " + table +
                        "_tier_moves WHERE state = 'done' AND to_tier = 'cold'"),
                 int64_t(1));
        QCOMPARE(scalar("SELECT count(*) FROM " + table +
                        "_tier_moves WHERE state IN ('exporting', 'verified', 'restoring')"),
                 int64_t(0));
        // No half-written files left behind.
        for (const auto& entry : std::filesystem::directory_iterator(options(table).archive_dir))
            QVERIFY2(entry.path().extension() != ".part", entry.path().c_str());

        QCOMPARE(rerun.restore_partition(old_partition), int64_t(kRowsPerDay));
        QCOMPARE(old_day_rows(table), before);
        QCOMPARE(scalar("SELECT count(DISTINCT event_id) FROM " + table),
                 scalar("SELECT count(*) FROM " + table));
    }

    void crashDuringRestoreLeavesTheArchiveToRestoreAgain() {
        const std::string table = new_table();
        const std::string old_partition = table + kOldPartitionSuffix;
        const QStringList before = old_day_rows(table);
        TieringOptions crashing = options(table);
        crashing.fault_hook = [](std::string_view at) {
            if (at == "restore_copied")
                throw SimulatedCrash("crash injected during the restore");
        };
        {
            TieringJob job(crashing);
            job.archive_partition(old_partition);
            QVERIFY_THROWS_EXCEPTION(SimulatedCrash, job.restore_partition(old_partition));
        }
        QVERIFY(!exists(old_partition));
        QVERIFY(old_day_rows(table).isEmpty());
        TieringJob rerun(options(table));
        QCOMPARE(rerun.recover().size(), size_t(1));  // the open restore, abandoned
        QCOMPARE(rerun.restore_partition(old_partition), int64_t(kRowsPerDay));
        QCOMPARE(old_day_rows(table), before);
    }

    void corruptedArchiveIsRefusedNamingFileAndChecksums() {
        const std::string table = new_table();
        const std::string old_partition = table + kOldPartitionSuffix;
        TieringJob job(options(table));
        const ArchiveManifest manifest = job.archive_partition(old_partition);
        const std::string file = archive_file_path(options(table).archive_dir, old_partition);
        {
            std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
            bytes.seekg(manifest.compressed_bytes / 2);
            const char original = char(bytes.get());
            bytes.seekp(manifest.compressed_bytes / 2);
            bytes.put(char(original ^ 0x20));
        }
        const std::string actual = sha256_of_file(file);
        QVERIFY(actual != manifest.sha256);
        try {
            job.restore_partition(old_partition);
            QFAIL("a corrupted archive was restored");
        } catch (const ArchiveCorrupt& error) {
            const std::string message = error.what();
            QVERIFY2(message.find(file) != std::string::npos, message.c_str());
            QVERIFY2(message.find(manifest.sha256) != std::string::npos, message.c_str());
            QVERIFY2(message.find(actual) != std::string::npos, message.c_str());
        }
        QVERIFY(!exists(old_partition));
        QVERIFY(std::filesystem::exists(file));  // kept for a person to look at
        // Reading it back (what verification after export does) also refuses it.
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 read_archive(file, int(manifest.columns.size())));
    }

    void restoreRefusesWhenADictionaryIsMissing() {
        const std::string table = new_table();
        const std::string old_partition = table + kOldPartitionSuffix;
        TieringJob job(options(table));
        job.archive_partition(old_partition);
        // Never done by Spillway (dictionaries are kept forever); a damaged database might.
        db_->exec("ALTER TABLE " + table + "_dictionaries RENAME TO " + table +
                  "_dictionaries_gone");
        try {
            job.restore_partition(old_partition);
            QFAIL("restored rows whose dictionary is missing");
        } catch (const std::runtime_error& error) {
            QVERIFY2(std::string(error.what()).find("{7}") != std::string::npos, error.what());
        }
        db_->exec("ALTER TABLE " + table + "_dictionaries_gone RENAME TO " + table +
                  "_dictionaries");
        QCOMPARE(job.restore_partition(old_partition), int64_t(kRowsPerDay));
    }

    void archiveWriterRoundTripsAndRejectsTruncation() {
        const std::string path = archive_root_.filePath("unit.copy.zst").toStdString();
        std::string text;
        for (int i = 0; i < 20000; ++i)
            text += "row\\t" + std::to_string(i) + "\t\\x00ff\t{\"a\": 1}\n";
        ArchiveDigest written;
        {
            ArchiveWriter writer(path);
            writer.write(text.substr(0, 1000));
            writer.write(text.substr(1000));
            written = writer.commit();
        }
        QCOMPARE(written.rows, int64_t(20000));
        std::string back;
        const ArchiveDigest read =
            read_archive(path, 3, [&back](std::string_view piece) { back.append(piece); });
        QCOMPARE(read.rows, written.rows);
        QCOMPARE(read.sha256, written.sha256);
        QVERIFY(back == text);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, read_archive(path, 4));  // wrong field count
        std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, read_archive(path));
    }
};

QTEST_GUILESS_MAIN(TstTiering)
#include "tst_tiering.moc"
