// Scale-out as operators run it: three `spillway --headless --config FILE` processes (service
// mode, each with its own /metrics and API port) in one consumer group against the embedded Kafka
// and PostgreSQL. The partitions are spread among them (read from each instance's API); one is
// killed with SIGKILL mid-run and the others take its partitions over once its session times out;
// at the end the events table holds exactly the distinct valid events and the dead-letter table
// exactly the malformed ones.
#include <sys/stat.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <fstream>
#include <set>

#include "core/demo/load_generator.h"
#include "support/child_service.h"
#include "support/http_client.h"
#include "support/pipeline_fixture.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

const QByteArray kToken = "scale-out-token-5d1c8e7a90b2";

struct Instance {
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    QString err;
    quint16 port = 0;

    QJsonObject api(const QByteArray& target) const {
        const HttpReply reply = http_request(port, "GET", target, {}, kToken, 5000);
        return reply.status == 200 ? QJsonDocument::fromJson(reply.body).object() : QJsonObject{};
    }
    std::set<int> assigned() const {
        std::set<int> partitions;
        for (const auto& value : api("/api/v1/status").value("assigned_partitions").toArray())
            partitions.insert(value.toInt());
        return partitions;
    }
    bool running() const { return process->state() == QProcess::Running; }
};

}  // namespace

class TstServiceScaleOut : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;
    QTemporaryDir dir_;

    std::string write_config(int index, const std::string& group) {
        const std::string token = dir_.filePath("token").toStdString();
        std::ofstream(token) << kToken.toStdString() << "\n";
        ::chmod(token.c_str(), 0600);
        const std::string path = dir_.filePath(QString("instance%1.conf").arg(index)).toStdString();
        std::ofstream(path) << "[service]\n"
                            << "listen = \"127.0.0.1:0\"\n"
                            << "api_token_file = \"" << token << "\"\n"
                            << "[source]\n"
                            << "bootstrap_servers = \"" << fixture_->bootstrap_servers() << "\"\n"
                            << "topic = \"" << fixture_->topic() << "\"\n"
                            << "group = \"" << group << "\"\n"
                            << "[kafka]\n"
                            << "client.id = \"spillway-" << index << "\"\n"
                            << "[postgres]\n"
                            << "pg = \"" << fixture_->conninfo() << "\"\n"
                            << "table = \"events_svc\"\n"
                            << "dead_letter_table = \"dead_svc\"\n"
                            << "[engine]\n"
                            << "batch_size = 2000\n"
                            << "flush_interval_ms = 100\n"
                            << "writers = 2\n";
        return path;
    }

    // Starts one service and waits until it consumes and serves its API.
    bool start(Instance& instance, const std::string& config) {
        instance.process->start(SPILLWAY_BINARY,
                                {"--headless", "--config", QString::fromStdString(config)});
        if (!wait_until_consuming(*instance.process, instance.err))
            return false;
        instance.port = served_port(instance.err);
        return instance.port > 0;
    }

    static QString assignment_text(const std::vector<Instance*>& instances) {
        QStringList parts;
        for (const auto* instance : instances) {
            QStringList partitions;
            for (int partition : instance->assigned())
                partitions << QString::number(partition);
            parts << QString("port %1: [%2]").arg(instance->port).arg(partitions.join(','));
        }
        return parts.join("; ");
    }

    // True when the instances' assignments are disjoint, each non-empty, and cover all six.
    static bool spread(const std::vector<Instance*>& instances) {
        std::set<int> all;
        size_t total = 0;
        for (const auto* instance : instances) {
            const auto partitions = instance->assigned();
            if (partitions.empty())
                return false;
            total += partitions.size();
            all.insert(partitions.begin(), partitions.end());
        }
        return total == 6 && all.size() == 6;
    }

private slots:
    void initTestCase() {
        fixture_ = std::make_unique<PipelineFixture>(6);
        fixture_->use_topic("service_scale_out", 6);
    }
    void cleanupTestCase() { fixture_.reset(); }

    void killedInstanceHandsItsPartitionsOver() {
        const std::string group = "service-scale-out";
        std::vector<Instance> instances(3);
        ReleaseOnExit stop_children{[&] {
            for (auto& instance : instances) {
                if (instance.running()) {
                    instance.process->kill();
                    instance.process->waitForFinished(10000);
                }
            }
        }};
        for (int i = 0; i < 3; ++i)
            QVERIFY2(start(instances[size_t(i)], write_config(i, group)),
                     qPrintable(output_tail(instances[size_t(i)].err)));
        std::vector<Instance*> all = {&instances[0], &instances[1], &instances[2]};
        QTRY_VERIFY2_WITH_TIMEOUT(spread(all), qPrintable(assignment_text(all)), 120000);
        qInfo().noquote() << "spread over three instances:" << assignment_text(all);

        // 60,000 events (~18 MB, within the mock's retention) at 2,000/s: about 30 s of load.
        LoadGenerator generator(fixture_->mixed_load(60'000, 2'000, 81, "so"));
        generator.start();
        // Kill only once every instance has been writing for a while.
        const auto written = [&](const Instance& instance) {
            return instance.api("/api/v1/snapshot").value("written").toInteger();
        };
        QTRY_VERIFY_WITH_TIMEOUT(written(instances[0]) > 2000 && written(instances[1]) > 2000 &&
                                     written(instances[2]) > 2000,
                                 60000);

        // SIGKILL: no drain, no commit, no leave. Its partitions stay with it until its session
        // times out (10 s); then the others take them and re-read from the last commit.
        const QJsonObject victim_last = instances[0].api("/api/v1/snapshot");
        const auto victim_partitions = instances[0].assigned();
        instances[0].process->kill();
        QVERIFY(instances[0].process->waitForFinished(10000));
        QCOMPARE(instances[0].process->exitStatus(), QProcess::CrashExit);
        const bool killed_mid_run = !generator.finished();
        std::vector<Instance*> survivors = {&instances[1], &instances[2]};
        QTRY_VERIFY2_WITH_TIMEOUT(spread(survivors), qPrintable(assignment_text(survivors)),
                                  120000);
        qInfo().noquote() << "after the kill:" << assignment_text(survivors);
        for (int partition : victim_partitions)
            QVERIFY(instances[1].assigned().count(partition) + instances[2].assigned().count(partition) == 1);

        generator.wait();
        const LoadGeneratorStats produced = generator.stats();
        QVERIFY(fixture_->wait_group_committed(group, 180s));
        const QJsonObject first = instances[1].api("/api/v1/snapshot");
        const QJsonObject second = instances[2].api("/api/v1/snapshot");
        // One survivor stops over its API, the other on SIGTERM: both drain gracefully.
        const HttpReply drain =
            http_request(instances[1].port, "POST", "/api/v1/drain", {}, kToken, 5000);
        QCOMPARE(drain.status, 202);
        instances[2].process->terminate();
        for (auto* instance : survivors) {
            QVERIFY(instance->process->waitForFinished(60000));
            instance->err += QString::fromUtf8(instance->process->readAllStandardError());
            QVERIFY2(instance->process->exitStatus() == QProcess::NormalExit &&
                         instance->process->exitCode() == 0,
                     qPrintable(output_tail(instance->err)));
        }
        stop_children.release();

        const auto truth = fixture_->census();
        QCOMPARE(truth.log_start, int64_t(0));  // retention dropped nothing
        QCOMPARE(truth.messages, produced.produced);
        const int64_t rows = fixture_->scalar("SELECT count(*) FROM events_svc");
        const int64_t distinct = fixture_->scalar("SELECT count(DISTINCT event_id) FROM events_svc");
        const int64_t dead = fixture_->scalar("SELECT count(*) FROM dead_svc");
        qInfo().noquote()
            << QString("produced %1 (%2 distinct valid, %3 duplicates, %4 malformed); killed "
                       "instance had written %5 (partitions %6 handed over%7); survivors wrote %8 "
                       "and %9; events table %10 rows (%11 distinct); dead-letter table %12 rows")
                   .arg(produced.produced)
                   .arg(produced.valid_distinct)
                   .arg(produced.duplicates)
                   .arg(produced.malformed)
                   .arg(victim_last.value("written").toInteger())
                   .arg(victim_partitions.size())
                   .arg(killed_mid_run ? ", killed while producing" : "")
                   .arg(first.value("written").toInteger())
                   .arg(second.value("written").toInteger())
                   .arg(rows)
                   .arg(distinct)
                   .arg(dead);
        QCOMPARE(rows, produced.valid_distinct);
        QCOMPARE(distinct, produced.valid_distinct);
        QCOMPARE(dead, produced.malformed);
        QCOMPARE(fixture_->scalar("SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM dead_svc"),
                 produced.malformed);
        QCOMPARE(fixture_->committed_offsets(group), fixture_->end_offsets());
    }
};

QTEST_GUILESS_MAIN(TstServiceScaleOut)
#include "tst_service_scale_out.moc"
