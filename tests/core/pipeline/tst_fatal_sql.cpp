// A "fatal" SQL error (a missing table, a permission the role lacks) is not a transient fault to
// retry quietly: the engine stops intake, says exactly what is wrong in its snapshot (which the
// status bar and /api/v1/status show), and resumes by itself once it is fixed. Against the real
// embedded PostgreSQL and the mock Kafka cluster.
#include <QtTest/QtTest>

#include "core/demo/load_generator.h"
#include "core/pipeline/engine.h"
#include "core/postgres/pg_connection.h"
#include "support/pipeline_test_case.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

class TstFatalSql : public PipelineTestCase {
    Q_OBJECT
private slots:

    void missingTableStopsIntakeAndResumesWhenFixed() {
        fixture_->use_topic("fatal_sql", 1);
        auto engine = PipelineFixture::start_engine(
            fixture_->engine_options("fatal_sql", "events_fs", "dead_fs"));
        PgConnection(fixture_->conninfo()).exec("ALTER TABLE events_fs_keys RENAME TO keys_away");

        LoadGenerator generator(fixture_->load_options(500));
        generator.start();
        generator.wait();
        QTRY_VERIFY_WITH_TIMEOUT(!engine->snapshot()->database_available, 30000);
        const std::string error = engine->snapshot()->last_database_error;
        QVERIFY2(error.find("events_fs_keys") != std::string::npos, error.c_str());
        QVERIFY2(error.find("intake stopped") != std::string::npos, error.c_str());
        // The source pauses on its next poll after the writers report the database unavailable:
        // a moment later, not at once (under TSan the moment was long enough to see).
        QTRY_VERIFY_WITH_TIMEOUT(engine->snapshot()->source_paused, 30000);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_fs"), int64_t(0));

        PgConnection(fixture_->conninfo()).exec("ALTER TABLE keys_away RENAME TO events_fs_keys");
        QVERIFY(fixture_->wait_all_committed(*engine, 120s));
        QVERIFY(engine->snapshot()->database_available);
        PipelineFixture::drain_and_reset(engine);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_fs"), int64_t(500));
    }
};

QTEST_GUILESS_MAIN(TstFatalSql)
#include "tst_fatal_sql.moc"
