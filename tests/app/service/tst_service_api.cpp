// The service endpoint next to a real engine (private PostgreSQL, mock Kafka): /metrics parses as
// strict Prometheus text and its counters equal the engine's snapshot; the control API refuses
// requests without the right bearer token and accepts it; knob changes over the API take effect
// and are recorded with origin "api"; the dead-letter operations work over HTTP.
#include <sys/stat.h>

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <atomic>
#include <cstring>
#include <fstream>
#include <future>
#include <thread>

#include "core/dead_letters/dead_letter_json.h"
#include "core/demo/load_generator.h"
#include "core/pipeline/engine.h"
#include "core/pipeline/snapshot_json.h"
#include "core/postgres/pg_connection.h"
#include "app/service/control_api.h"
#include "app/service/service_endpoint.h"
#include "support/http_client.h"
#include "support/pipeline_fixture.h"
#include "support/prometheus_checker.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {
const QByteArray kToken = "svc-test-token-7f3a9c2e51d84b06";
}

class TstServiceApi : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;
    QTemporaryDir dir_;
    std::unique_ptr<Engine> engine_;
    std::unique_ptr<ServiceEndpoint> endpoint_;
    quint16 port_ = 0;
    std::atomic<int> drain_requests_{0};
    LoadGeneratorStats produced_;

    HttpReply get(const QByteArray& target, const QByteArray& token = kToken) {
        return http_request(port_, "GET", target, {}, token);
    }
    QJsonObject object(const HttpReply& reply) {
        return QJsonDocument::fromJson(reply.body).object();
    }
    QJsonArray array(const HttpReply& reply) { return QJsonDocument::fromJson(reply.body).array(); }
    static QByteArray json(const QJsonObject& object) {
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    }

private slots:
    void initTestCase() {
        fixture_ = std::make_unique<PipelineFixture>(4);
        fixture_->use_topic("service_api", 4);
        const std::string token_file = dir_.filePath("token").toStdString();
        std::ofstream(token_file) << kToken.toStdString() << "\n";
        ::chmod(token_file.c_str(), 0600);

        EngineOptions options = fixture_->engine_options("api", "events_api", "dead_api");
        options.knobs.batch_size = 500;
        options.knobs.flush_interval_ms = 50;
        engine_ = std::make_unique<Engine>(options);
        engine_->start();
        endpoint_ = std::make_unique<ServiceEndpoint>(
            *engine_, ServiceEndpointOptions{"127.0.0.1:0", token_file, "9.8.7-test",
                                             [this] { drain_requests_.fetch_add(1); },
                                             nullptr});
        endpoint_->start();
        const std::string address = endpoint_->address();
        port_ = static_cast<quint16>(std::stoi(address.substr(address.rfind(':') + 1)));
        QVERIFY(port_ > 0);

        LoadGenerator generator(fixture_->mixed_load(8000, 0, 71, "api"));
        generator.start();
        generator.wait();
        produced_ = generator.stats();
        QVERIFY(fixture_->wait_all_committed(*engine_, 120s));
    }

    void cleanupTestCase() {
        endpoint_.reset();
        if (engine_)
            engine_->drain_and_stop();
        engine_.reset();
        fixture_.reset();
    }

    void refusesMissingOrWrongToken_data() {
        QTest::addColumn<QByteArray>("authorization");
        QTest::newRow("none") << QByteArray();
        QTest::newRow("wrong, same length") << QByteArray("svc-test-token-7f3a9c2e51d84b07");
        QTest::newRow("prefix of the token") << kToken.left(10);
        QTest::newRow("token plus more") << kToken + "x";
    }
    void refusesMissingOrWrongToken() {
        QFETCH(QByteArray, authorization);
        for (const QByteArray target :
             {"/api/v1/status", "/api/v1/snapshot", "/api/v1/knobs", "/api/v1/dead-letters"}) {
            const HttpReply reply = get(target, authorization);
            QVERIFY2(reply.status == 401, qPrintable(target + " " + reply.body + reply.error));
            QCOMPARE(reply.headers.at("www-authenticate"), QByteArray("Bearer realm=\"spillway\""));
            QVERIFY(!reply.body.contains(kToken));
        }
        const HttpReply put =
            http_request(port_, "PUT", "/api/v1/knobs", "{\"batch_size\": 7}", authorization);
        QCOMPARE(put.status, 401);
        QVERIFY(engine_->knobs().batch_size != 7);
        // Another scheme with the right token is refused too.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port_);
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /api/v1/status HTTP/1.1\r\nAuthorization: Basic " + kToken + "\r\n\r\n");
        QByteArray answer;
        while (socket.waitForReadyRead(3000))
            answer += socket.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 401"), answer.constData());
    }

    void acceptsTheRightToken() {
        const HttpReply reply = get("/api/v1/status");
        QVERIFY2(reply.status == 200, qPrintable(reply.body + reply.error));
        const QJsonObject status = object(reply);
        QCOMPARE(status.value("version").toString(), QString("9.8.7-test"));
        QCOMPARE(status.value("topic").toString(), QString("service_api"));
        QCOMPARE(status.value("group").toString(), QString("api"));
        QCOMPARE(status.value("assigned_partitions").toArray().size(), 4);
        QCOMPARE(status.value("state").toString(), QString("running"));
        QVERIFY(!reply.body.contains("host=127.0.0.1"));  // no connection string

        const HttpReply snapshot = get("/api/v1/snapshot");
        QCOMPARE(snapshot.status, 200);
        std::string error;
        const auto parsed = snapshot_from_json(object(snapshot), &error);
        QVERIFY2(parsed.has_value(), error.c_str());
        QCOMPARE(parsed->written, engine_->snapshot()->written);
        QCOMPARE(parsed->partitions.size(), size_t(4));
    }

    // The offset timeline at /api/v1/partitions equals the engine's own figures; once everything
    // is committed, durable, consumed and committed meet at the log end and nothing is exposed.
    void partitionsTimelineMatchesTheEngine() {
        const HttpReply reply = get("/api/v1/partitions");
        QVERIFY2(reply.status == 200, qPrintable(reply.body + reply.error));
        const QJsonObject timeline = object(reply);
        const auto snapshot = engine_->snapshot();
        const auto ends = fixture_->end_offsets();
        const QJsonArray partitions = timeline.value("partitions").toArray();
        QCOMPARE(partitions.size(), qsizetype(4));
        for (const QJsonValue& value : partitions) {
            const QJsonObject row = value.toObject();
            const int partition = row.value("partition").toInt();
            const int64_t end = ends.at(static_cast<size_t>(partition));
            QVERIFY(end > 0);
            QCOMPARE(row.value("committed").toInteger(), end);
            QCOMPARE(row.value("durable").toInteger(), end);
            QCOMPARE(row.value("consumed_position").toInteger(), end);
            QCOMPARE(row.value("end_offset").toInteger(), end);
            QCOMPARE(row.value("log_start").toInteger(), qint64(0));
            QCOMPARE(row.value("exposure").toInteger(), qint64(0));
            QCOMPARE(row.value("pending").toInteger(), qint64(0));
            QCOMPARE(row.value("lost_to_retention").toInteger(), qint64(0));
            for (const auto& lag : snapshot->partitions)
                if (lag.partition == partition)
                    QCOMPARE(row.value("durable").toInteger(), lag.durable);
        }
        const QJsonObject totals = timeline.value("totals").toObject();
        QCOMPARE(totals.value("partitions").toInteger(), qint64(4));
        QCOMPARE(totals.value("exposure").toInteger(), qint64(0));
        QCOMPARE(get("/api/v1/partitions", "wrong").status, 401);
    }

    void metricsParseStrictlyAndMatchTheSnapshot() {
        // Idle after everything was committed: the figures hold still while we compare them.
        const auto before = engine_->snapshot();
        const HttpReply reply = get("/metrics", {});  // no token needed
        QVERIFY2(reply.status == 200, qPrintable(reply.error));
        QCOMPARE(reply.headers.at("content-type"),
                 QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        const auto after = engine_->snapshot();
        QCOMPARE(before->written, after->written);
        QCOMPARE(before->consumed, after->consumed);

        const auto metrics = parse_prometheus_text(reply.body.toStdString());
        QVERIFY2(metrics.errors.empty(),
                 qPrintable(
                     QString::fromStdString(metrics.errors.empty() ? "" : metrics.errors.front()) +
                     "\n" + reply.body));
        const Snapshot& s = *after;
        const std::pair<const char*, int64_t> counters[] = {
            {"spillway_consumed_messages_total", s.consumed},
            {"spillway_consumed_bytes_total", s.consumed_bytes},
            {"spillway_written_events_total", s.written},
            {"spillway_written_bytes_total", s.written_bytes},
            {"spillway_duplicates_dropped_total", s.duplicates},
            {"spillway_dead_lettered_total", s.dead_lettered},
            {"spillway_batches_total", s.batches},
            {"spillway_lost_to_retention_total", s.lost_to_retention},
        };
        for (const auto& [name, value] : counters) {
            QVERIFY2(metrics.types.at(name) == "counter", name);
            QCOMPARE(metrics.value(name).value_or(-1), double(value));
        }
        // The run's truth: what the generator produced is what the counters say.
        QCOMPARE(metrics.value("spillway_written_events_total").value_or(-1),
                 double(produced_.valid_distinct));
        QCOMPARE(
            metrics.value("spillway_rejected_total", {{"reason", "malformed_json"}}).value_or(0) +
                metrics.value("spillway_rejected_total", {{"reason", "missing_id"}}).value_or(0) +
                metrics.value("spillway_rejected_total", {{"reason", "not_an_object"}})
                    .value_or(0) +
                metrics.value("spillway_rejected_total", {{"reason", "invalid_field"}}).value_or(0),
            double(produced_.malformed));
        QCOMPARE(metrics.value("spillway_knob_batch_size").value_or(-1),
                 double(s.knobs.batch_size));
        QCOMPARE(metrics.value("spillway_queue_capacity_events").value_or(-1),
                 double(s.queue_capacity_events));
        QCOMPARE(metrics.value("spillway_assigned_partitions").value_or(-1), 4.0);
        QCOMPARE(metrics.all("spillway_partition_lag_messages").size(), size_t(4));
        for (const auto& lag : s.partitions)
            QCOMPARE(
                metrics
                    .value("spillway_partition_lag_messages",
                           {{"topic", "service_api"}, {"partition", std::to_string(lag.partition)}})
                    .value_or(-1),
                double(lag.lag_messages));
        QCOMPARE(metrics
                     .value("spillway_build_info",
                            {{"version", "9.8.7-test"}, {"topic", "service_api"}, {"group", "api"}})
                     .value_or(0),
                 1.0);
        QCOMPARE(metrics.types.at("spillway_batch_write_duration_seconds"),
                 std::string("histogram"));
        const double batch_count =
            metrics.value("spillway_batch_write_duration_seconds_count").value_or(-1);
        QCOMPARE(batch_count,
                 double(LatencyHistogram::total(engine_->metrics().batch_write_latency.counts())));
        QVERIFY(batch_count > 0);
        QVERIFY(metrics.value("spillway_end_to_end_latency_seconds_sum").value_or(0) > 0);
        QVERIFY(!reply.body.contains(kToken));
        QVERIFY(!reply.body.contains("host="));
    }

    // The Grafana dashboard shipped in packaging/ may only use metrics the endpoint serves.
    void dashboardUsesServedMetrics() {
        QFile file(SPILLWAY_SOURCE_DIR "/packaging/grafana/spillway-dashboard.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray dashboard = file.readAll();
        QVERIFY(QJsonDocument::fromJson(dashboard).isObject());
        const auto metrics = parse_prometheus_text(get("/metrics", {}).body.toStdString());
        static const QRegularExpression name("spillway_[a-z_]+");
        int used = 0;
        for (auto it = name.globalMatch(QString::fromUtf8(dashboard)); it.hasNext(); ++used) {
            const std::string metric = it.next().captured().toStdString();
            QVERIFY2(!metrics.all(metric).empty(), metric.c_str());
        }
        QVERIFY(used > 20);
    }

    void checkerRejectsBrokenText_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("no type") << "x_total 1\n";
        QTest::newRow("counter without _total") << "# TYPE x counter\nx 1\n";
        QTest::newRow("bad value") << "# TYPE x gauge\nx one\n";
        QTest::newRow("unquoted label") << "# TYPE x gauge\nx{a=b} 1\n";
        QTest::newRow("duplicate series") << "# TYPE x gauge\nx 1\nx 2\n";
        QTest::newRow("split family") << "# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx{a=\"1\"} 1\n";
        QTest::newRow("histogram not cumulative")
            << "# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"+Inf\"} 4\nh_sum 1\n"
               "h_count 4\n";
        QTest::newRow("histogram count") << "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 4\nh_sum 1\n"
                                            "h_count 5\n";
        QTest::newRow("no final newline") << "# TYPE x gauge\nx 1";
    }
    void checkerRejectsBrokenText() {
        QFETCH(QString, text);
        QVERIFY(!parse_prometheus_text(text.toStdString()).errors.empty());
    }

    void knobChangeOverApiTakesEffect() {
        const size_t history_before = engine_->knob_history().size();
        const HttpReply reply =
            http_request(port_, "PUT", "/api/v1/knobs",
                         "{\"batch_size\": 1234, \"flush_interval_ms\": 150}", kToken);
        QVERIFY2(reply.status == 200, qPrintable(reply.body));
        QCOMPARE(object(reply).value("batch_size").toInt(), 1234);
        QCOMPARE(engine_->knobs().batch_size, 1234);
        QCOMPARE(engine_->knobs().flush_interval_ms, 150);
        const auto history = engine_->knob_history();
        QCOMPARE(history.size(), history_before + 1);
        QCOMPARE(history.back().origin, std::string("api"));
        QCOMPARE(history.back().after.batch_size, 1234);

        const HttpReply listed = get("/api/v1/knobs/history");
        QCOMPARE(listed.status, 200);
        std::string error;
        const auto parsed = knob_history_from_json(array(listed), &error);
        QVERIFY2(parsed.has_value(), error.c_str());
        QCOMPARE(parsed->back().origin, std::string("api"));
        QCOMPARE(parsed->back().before.batch_size, 500);
        QCOMPARE(object(get("/api/v1/knobs")).value("batch_size").toInt(), 1234);
        QTRY_COMPARE_WITH_TIMEOUT(parse_prometheus_text(get("/metrics", {}).body.toStdString())
                                      .value("spillway_knob_batch_size")
                                      .value_or(0),
                                  1234.0, 5000);

        // Refused values leave the knobs as they were and say why.
        for (const auto& [body, named] : {std::pair<QByteArray, QByteArray>{
                                              "{\"writer_concurrency\": 0}", "writer_concurrency"},
                                          {"{\"batch_sise\": 10}", "batch_sise"},
                                          {"{\"batch_size\": \"10\"}", "batch_size"},
                                          {"{not json", "not JSON"}}) {
            const HttpReply refused = http_request(port_, "PUT", "/api/v1/knobs", body, kToken);
            QCOMPARE(refused.status, 400);
            QVERIFY2(object(refused).value("error").toString().contains(named), refused.body);
        }
        QCOMPARE(engine_->knobs().batch_size, 1234);
        QCOMPARE(engine_->knob_history().size(), history_before + 1);
    }

    void deadLettersOverApi() {
        HttpReply reply = get("/api/v1/dead-letters?limit=3&oldest_first=true");
        QVERIFY2(reply.status == 200, qPrintable(reply.body));
        QJsonObject page = object(reply);
        QCOMPARE(page.value("total").toInteger(), produced_.malformed);
        QJsonArray entries = page.value("entries").toArray();
        QCOMPARE(entries.size(), 3);
        const qint64 next = page.value("next_after_id").toInteger();
        QCOMPARE(next, entries.last().toObject().value("id").toInteger());
        std::string error;
        const auto first = dead_letter_summary_from_json(entries.first().toObject(), &error);
        QVERIFY2(first.has_value(), error.c_str());

        reply = get("/api/v1/dead-letters?limit=3&oldest_first=true&after_id=" +
                    QByteArray::number(next));
        QCOMPARE(reply.status, 200);
        QVERIFY(
            object(reply).value("entries").toArray().first().toObject().value("id").toInteger() >
            next);

        reply = get("/api/v1/dead-letters/reasons");
        QCOMPARE(reply.status, 200);
        const auto reasons = reason_counts_from_json(array(reply), &error);
        QVERIFY2(reasons.has_value(), error.c_str());
        int64_t total = 0;
        for (const auto& count : *reasons)
            total += count.count;
        QCOMPARE(total, produced_.malformed);

        reply = get("/api/v1/dead-letters/" + QByteArray::number(first->id));
        QCOMPARE(reply.status, 200);
        const auto entry = dead_letter_entry_from_json(object(reply), &error);
        QVERIFY2(entry.has_value(), error.c_str());
        QCOMPARE(entry->id, first->id);

        // Fix the payload, dry-run the replay, then discard another entry with a note.
        const QByteArray fixed =
            "{\"event_id\":\"api-fixed-1\",\"device_id\":\"d1\",\"ts\":\"2026-01-01T00:00:00Z\","
            "\"v\":1}";
        reply = http_request(port_, "PUT",
                             "/api/v1/dead-letters/" + QByteArray::number(first->id) + "/payload",
                             fixed, kToken);
        QVERIFY2(reply.status == 200, qPrintable(reply.body));
        QVERIFY(object(reply).value("ok").toBool());
        reply = http_request(
            port_, "POST", "/api/v1/dead-letters/replay",
            json({{"ids", QJsonArray{qint64(first->id)}}, {"dry_run", true}, {"actor", "tester"}}),
            kToken);
        QVERIFY2(reply.status == 200, qPrintable(reply.body));
        const auto report = replay_report_from_json(object(reply), &error);
        QVERIFY2(report.has_value(), error.c_str());
        QVERIFY(report->dry_run);
        QCOMPARE(report->selected, int64_t(1));

        const qint64 other = entries.at(1).toObject().value("id").toInteger();
        reply = http_request(port_, "POST", "/api/v1/dead-letters/discard",
                             json({{"ids", QJsonArray{other}}}), kToken);
        QCOMPARE(reply.status, 400);  // a note is required
        reply = http_request(port_, "POST", "/api/v1/dead-letters/discard",
                             json({{"ids", QJsonArray{other}}, {"note", "test data"}}), kToken);
        QVERIFY2(reply.status == 200, qPrintable(reply.body));
        QCOMPARE(object(reply).value("discarded").toInteger(), 1);
        reply = get("/api/v1/dead-letters?status=discarded");
        QCOMPARE(object(reply).value("total").toInteger(), 1);

        reply = get("/api/v1/dead-letters/audit?limit=10");
        QCOMPARE(reply.status, 200);
        QStringList actions;
        for (const auto& row : array(reply))
            actions << row.toObject().value("action").toString();
        QVERIFY2(actions.contains("discard") && actions.contains("edit"),
                 qPrintable(actions.join(',')));

        // Export: the file in the answer, its entry count in a header, audited.
        reply = http_request(port_, "POST", "/api/v1/dead-letters/export",
                             json({{"ids", QJsonArray{qint64(first->id), other}},
                                   {"format", "csv"},
                                   {"actor", "tester"}}),
                             kToken);
        QVERIFY2(reply.status == 200, qPrintable(reply.body));
        QCOMPARE(reply.headers["x-spillway-entries"], QByteArray("2"));
        QVERIFY(reply.headers["content-type"].startsWith("text/csv"));
        QVERIFY(reply.body.startsWith("id,"));
        QVERIFY(reply.body.contains("api-fixed-1"));
        reply = http_request(port_, "POST", "/api/v1/dead-letters/export",
                             json({{"filter", QJsonObject{{"statuses", QJsonArray{"discarded"}}}}}),
                             kToken);
        QVERIFY2(reply.status == 200, qPrintable(reply.body));
        QCOMPARE(reply.headers["x-spillway-entries"], QByteArray("1"));
        QCOMPARE(reply.body.count('\n'), 1);
        QCOMPARE(http_request(port_, "POST", "/api/v1/dead-letters/export",
                              json({{"ids", QJsonArray{other}}, {"format", "xml"}}), kToken)
                     .status,
                 400);
        reply = get("/api/v1/dead-letters/audit?limit=1");
        QCOMPARE(array(reply).first().toObject().value("action").toString(), QString("export"));

        QCOMPARE(get("/api/v1/dead-letters/99999999").status, 404);
        QCOMPARE(get("/api/v1/dead-letters?partition=x").status, 400);
        QCOMPARE(get("/api/v1/dead-letters?colour=red").status, 400);
    }

    // What arrives on a connection within `ms` after sending `request` (the server need not close).
    QByteArray answer_within(const QByteArray& request, int ms = 5000) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port_);
        if (!socket.waitForConnected(5000))
            return "no connection";
        socket.write(request);
        QByteArray answer;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < ms && !answer.contains("\r\n\r\n")) {
            socket.waitForReadyRead(100);
            answer += socket.readAll();
        }
        return answer;
    }

    // A request is judged on its head: without the token, or with a body over the route's limit,
    // it is refused at once and its body is never read (nor buffered).
    void refusedOnTheHeadBeforeTheBody() {
        const QByteArray auth = "Authorization: Bearer " + kToken + "\r\n";
        for (const auto& [head, expected] :
             std::initializer_list<std::pair<QByteArray, QByteArray>>{
                 {"PUT /api/v1/dead-letters/1/payload HTTP/1.1\r\nContent-Length: 8000000\r\n\r\n",
                  "HTTP/1.1 401"},
                 {"POST /api/v1/dead-letters/replay HTTP/1.1\r\nContent-Length: 900000\r\n"
                  "Authorization: Bearer wrong\r\n\r\n",
                  "HTTP/1.1 401"},
                 {"PUT /api/v1/knobs HTTP/1.1\r\nContent-Length: 1000000\r\n" + auth + "\r\n",
                  "HTTP/1.1 413"},
                 {"POST /api/v1/dead-letters/replay HTTP/1.1\r\nContent-Length: 2000000\r\n" +
                      auth + "\r\n",
                  "HTTP/1.1 413"}}) {
            const QByteArray answer = answer_within(head);
            QVERIFY2(answer.startsWith(expected),
                     (head.left(60) + " -> " + answer.left(200)).constData());
        }
    }

    // Clients that send a partial request and wait (from another loopback address) cannot take
    // every connection: /metrics and the API still answer.
    void slowClientsDoNotTakeEverySlot() {
        std::vector<std::unique_ptr<QTcpSocket>> slow;
        for (int i = 0; i < 80; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QVERIFY(socket->bind(QHostAddress("127.0.0.2"), 0));
            socket->connectToHost(QHostAddress::LocalHost, port_);
            if (!socket->waitForConnected(2000))
                continue;
            socket->write("GET /metrics HTTP/1.1\r\nX-Slow: ");
            socket->waitForBytesWritten(1000);
            slow.push_back(std::move(socket));
        }
        QTest::qWait(500);
        const HttpReply metrics = get("/metrics", {});
        QVERIFY2(metrics.status == 200,
                 qPrintable(QString::number(metrics.status) + metrics.error));
        QCOMPARE(get("/api/v1/status").status, 200);
    }

    // A dead-letter operation that takes longer than the idle timeout (30 s; here the table is
    // locked for 33 s) is answered with its outcome when it is done, not with 408 meanwhile.
    void slowOperationIsAnsweredWhenDone() {
        const HttpReply listed = get("/api/v1/dead-letters?status=new&limit=1");
        QCOMPARE(listed.status, 200);
        const qint64 id =
            object(listed).value("entries").toArray().first().toObject().value("id").toInteger();
        QVERIFY(id > 0);
        PgConnection blocker(fixture_->conninfo());
        blocker.exec("BEGIN");
        blocker.exec("LOCK TABLE dead_api IN ACCESS EXCLUSIVE MODE");
        auto release = std::async(std::launch::async, [&blocker] {
            std::this_thread::sleep_for(33s);
            blocker.exec("COMMIT");
        });
        QElapsedTimer timer;
        timer.start();
        const HttpReply reply =
            http_request(port_, "POST", "/api/v1/dead-letters/discard",
                         json({{"ids", QJsonArray{id}}, {"note", "slow discard"}}), kToken, 90000);
        release.wait();
        QVERIFY2(reply.status == 200,
                 qPrintable(QString::number(reply.status) + " " + reply.body + reply.error));
        QCOMPARE(object(reply).value("discarded").toInteger(), 1);
        QVERIFY(timer.elapsed() >= 32000);
    }

    // PUT /knobs cannot ask for unbounded memory, and the knob history keeps the latest changes.
    void knobBoundsAndHistoryBound() {
        for (const auto& [body, named] : std::initializer_list<std::pair<QByteArray, QByteArray>>{
                 {"{\"queue_capacity_bytes\": 4611686018427387904}", "queue_capacity_bytes"},
                 {"{\"batch_bytes\": 1099511627776}", "batch_bytes"}}) {
            const HttpReply refused = http_request(port_, "PUT", "/api/v1/knobs", body, kToken);
            QCOMPARE(refused.status, 400);
            QVERIFY2(object(refused).value("error").toString().contains(named), refused.body);
        }
        QVERIFY(engine_->knobs().queue_capacity_bytes < (size_t(1) << 62));

        const Knobs before = engine_->knobs();
        for (int i = 0; i < int(kMaxKnobHistory) + 100; ++i) {
            Knobs next = before;
            next.flush_interval_ms = 100 + i % 2;
            QVERIFY(engine_->apply_knobs(next, "test").empty());
        }
        const HttpReply listed = get("/api/v1/knobs/history");
        QCOMPARE(listed.status, 200);
        QCOMPARE(size_t(array(listed).size()), kMaxKnobHistory);
        QCOMPARE(engine_->knob_history().back().after.flush_interval_ms,
                 engine_->knobs().flush_interval_ms);
        QVERIFY(engine_->apply_knobs(before, "test").empty());
    }

    void unknownRoutesAndMethods() {
        QCOMPARE(get("/api/v1/nothing").status, 404);
        QCOMPARE(get("/elsewhere").status, 404);
        QCOMPARE(http_request(port_, "DELETE", "/api/v1/knobs", {}, kToken).status, 405);
        QCOMPARE(http_request(port_, "POST", "/metrics", {}, {}).status, 405);
    }

    void malformedRequestsAreRefused() {
        const auto raw = [this](const QByteArray& request) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port_);
            if (!socket.waitForConnected(5000))
                return QByteArray("no connection");
            socket.write(request);
            QByteArray answer;
            while (socket.waitForReadyRead(3000))
                answer += socket.readAll();
            return answer;
        };
        // Not HTTP at all: libmicrohttpd closes the connection without an answer (the old
        // server answered 400); either way nothing is handled and the server serves on.
        const QByteArray nonsense = raw("NONSENSE\r\n\r\n");
        QVERIFY2(nonsense.isEmpty() || nonsense.startsWith("HTTP/1.1 400"),
                 nonsense.left(200).constData());
        QVERIFY(raw("PUT /api/v1/knobs HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n")
                    .startsWith("HTTP/1.1 413"));
        QVERIFY(raw("PUT /api/v1/knobs HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .startsWith("HTTP/1.1 501"));
        const QByteArray huge =
            raw("GET /metrics HTTP/1.1\r\nX: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n");
        QVERIFY2(huge.startsWith("HTTP/1.1 431"), huge.left(200).constData());
        // The server still answers after all that.
        QCOMPARE(get("/api/v1/status").status, 200);
    }

    void drainRouteAsksForAStop() {
        const HttpReply reply = http_request(port_, "POST", "/api/v1/drain", {}, kToken);
        QCOMPARE(reply.status, 202);
        QCOMPARE(drain_requests_.load(), 1);
    }

    // The export is sent from a file, not built in memory: exporting ~120 MiB of payloads (in
    // 20,000 entries, so each chunk the store reads is small) raises the process's peak memory
    // by far less than the export's size; an answer built in memory held 3-4 copies of it.
    void largeExportKeepsMemoryBounded() {
        PgConnection db(fixture_->conninfo());
        db.exec(
            "INSERT INTO dead_api (kafka_topic, kafka_partition, kafka_offset, payload, reason,"
            " message, status) SELECT 'bulk', 0, g, convert_to(repeat(md5(g::text), 192),"
            " 'UTF8'), 'bulk_export', 'bulk', 'discarded' FROM generate_series(1, 20000) g");
        const auto status_kib = [](const char* field) {
            std::ifstream status("/proc/self/status");
            std::string line;
            while (std::getline(status, line))
                if (line.rfind(field, 0) == 0)
                    return std::stoll(line.substr(std::strlen(field)));
            return -1LL;
        };
        std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current VmRSS
        const long long baseline_kib = status_kib("VmRSS:");

        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port_);
        QVERIFY(socket.waitForConnected(5000));
        const QByteArray body =
            json({{"filter", QJsonObject{{"reasons", QJsonArray{"bulk_export"}}}}});
        socket.write("POST /api/v1/dead-letters/export HTTP/1.1\r\nAuthorization: Bearer " +
                     kToken + "\r\nContent-Length: " + QByteArray::number(body.size()) +
                     "\r\n\r\n" + body);
        QByteArray head;
        qint64 received = 0;
        while (socket.state() == QAbstractSocket::ConnectedState || socket.bytesAvailable() > 0) {
            // Nothing arrives while the engine spools the export: wait long on a loaded machine.
            if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(180000))
                break;
            const QByteArray chunk = socket.readAll();  // counted, not kept
            if (head.size() < 4096)
                head += chunk.left(4096);
            received += chunk.size();
        }
        const long long peak_kib = status_kib("VmHWM:");
        QVERIFY2(head.startsWith("HTTP/1.1 200"),
                 qPrintable(QString::number(received) + " bytes, " + socket.errorString() + ": " +
                            head.left(300)));
        QVERIFY2(head.toLower().contains("x-spillway-entries: 20000"), head.left(300).constData());
        QVERIFY(received > 120'000'000);
        qInfo() << "export of" << received << "bytes raised peak RSS by"
                << (peak_kib - baseline_kib) / 1024 << "MiB";
        QVERIFY2(
            peak_kib - baseline_kib < 100 * 1024,
            qPrintable(QString("peak RSS rose by %1 MiB").arg((peak_kib - baseline_kib) / 1024)));
    }
};

QTEST_GUILESS_MAIN(TstServiceApi)
#include "tst_service_api.moc"
