// zstd payload storage against the real parts (a private PostgreSQL and librdkafka's mock
// cluster): every payload reads back byte for byte through the read-back path, for rows written
// before the first dictionary, with it, and after a retrain forced by events of another shape;
// the dictionaries are in the database with the ids the rows name; a row whose dictionary is
// missing is reported clearly while the others still read; and `spillway --read-events` prints
// JSON Lines that parse and match.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest/QtTest>
#include <map>
#include <set>
#include <sstream>

#include "core/pipeline/engine.h"
#include "core/postgres/event_reader.h"
#include "core/common/json_text.h"
#include "core/demo/load_generator.h"
#include "support/pipeline_fixture.h"
#include "support/test_producer.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kEvents = "zstd_events";
constexpr const char* kDead = "zstd_dead";
constexpr int kSample = 400;  // events sampled per dictionary (small: the test stays quick)

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// An event of another shape than the generator's: an order, other field names and values.
std::string order_json(const std::string& event_id, int64_t seq) {
    std::string items;
    for (int i = 0; i < 3; ++i)
        items += std::string(i ? "," : "") + "{\"sku\":\"SKU-" +
                 std::to_string((seq * 31 + i) % 9973) +
                 "\",\"quantity\":" + std::to_string(1 + (seq + i) % 5) +
                 ",\"unit_price_eur\":" + std::to_string(3 + (seq * 7 + i) % 180) + ".99}";
    std::string quoted_id;
    append_json_string(quoted_id, event_id);
    return "{\"event_id\":" + quoted_id +
           ",\"kind\":\"order_placed\",\"customer\":{\"account\":\"acct-" +
           std::to_string(seq * 2654435761 % 100000) + "\",\"country\":\"" +
           (seq % 3 ? "DE" : "FR") + "\",\"channel\":\"" + (seq % 2 ? "web" : "app") +
           "\"},\"items\":[" + items + "],\"coupon\":\"WINTER" + std::to_string(seq % 40) +
           "\",\"note\":\"deliver to the back door, ring twice\"}";
}

// The payload bytes of one --read-events line (it ends with "payload":<payload>}).
std::string payload_of_line(const std::string& line) {
    const std::string marker = "\"payload\":";
    const auto at = line.find(marker);
    if (at == std::string::npos || line.empty() || line.back() != '}')
        return "<no payload in: " + line + ">";
    return line.substr(at + marker.size(), line.size() - at - marker.size() - 1);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);)
        lines.push_back(line);
    return lines;
}

}  // namespace

class TstCompression : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;
    std::unique_ptr<TestProducer> producer_;
    std::unique_ptr<Engine> engine_;
    std::map<std::string, std::string> produced_;  // event id -> payload bytes as produced
    int64_t next_seq_ = 0;

    void produce_generator_events(int count) {
        for (int i = 0; i < count; ++i, ++next_seq_) {
            const std::string id = "z-" + std::to_string(next_seq_);
            const std::string payload = make_event_json(
                id, int(next_seq_ % 300), next_seq_, now_ms(), 300, uint64_t(next_seq_) * 104729);
            produced_[id] = payload;
            producer_->send(fixture_->topic(), payload, "dev");
        }
    }

    void produce_orders(int count) {
        for (int i = 0; i < count; ++i, ++next_seq_) {
            const std::string id = "o-" + std::to_string(next_seq_);
            produced_[id] = order_json(id, next_seq_);
            producer_->send(fixture_->topic(), produced_[id], "shop");
        }
    }

    bool settle() { return producer_->flush() && fixture_->wait_all_committed(*engine_, 60s); }

    int64_t rows_with(const std::string& condition) {
        return fixture_->scalar(std::string("SELECT count(*) FROM ") + kEvents + " WHERE " +
                                condition);
    }

    std::string read_all(ReadEventsReport& report, std::string& errors) {
        ReadEventsOptions options;
        options.conninfo = fixture_->conninfo();
        options.events_table = kEvents;
        std::ostringstream out, err;
        report = read_events(options, out, err);
        errors = err.str();
        return out.str();
    }

private slots:
    void initTestCase() {
        fixture_ = std::make_unique<PipelineFixture>(1, 1, "compression");
        producer_ = std::make_unique<TestProducer>(fixture_->bootstrap_servers());
        EngineOptions options = fixture_->engine_options("compression", kEvents, kDead);
        options.sink.payload_format = PayloadFormat::Zstd;
        options.sink.dictionary.sample_events = kSample;
        options.sink.dictionary.judge_after_events = 200;
        options.sink.dictionary.dictionary_bytes = 16 * 1024;
        options.knobs.flush_interval_ms = 50;
        options.knobs.batch_size = 100;
        engine_ = PipelineFixture::start_engine(options);
    }

    void cleanupTestCase() {
        PipelineFixture::drain_and_reset(engine_);
        producer_.reset();
        fixture_.reset();
    }

    void storesWithoutThenWithADictionary() {
        // Fewer than a sample: no dictionary yet, every row compressed alone.
        produce_generator_events(kSample / 2);
        QVERIFY(settle());
        QCOMPARE(rows_with("payload_zstd IS NOT NULL AND dict_id IS NULL"), int64_t(kSample / 2));
        QCOMPARE(rows_with("payload IS NOT NULL"), int64_t(0));
        // The sample fills up; the first dictionary is trained off the writers' path.
        produce_generator_events(kSample);
        QVERIFY(settle());
        QTRY_COMPARE_WITH_TIMEOUT(engine_->snapshot()->dictionary_id, 1, 30000);
        produce_generator_events(600);
        QVERIFY(settle());
        QVERIFY(rows_with("dict_id = 1") >= 600);
        const Snapshot s = engine_->sample_now();
        QCOMPARE(s.payload_format, std::string("zstd"));
        QVERIFY2(s.dictionary_trained_ratio > 2.0,
                 qPrintable(QString::number(s.dictionary_trained_ratio)));
        // 600 rows compressed alone, 600 with the dictionary: better than compressing alone.
        QVERIFY2(s.payload_stored_bytes > 0 && s.compression_ratio > 1.5,
                 qPrintable(QString("raw %1 stored %2 ratio %3 rolling %4")
                                .arg(s.payload_raw_bytes)
                                .arg(s.payload_stored_bytes)
                                .arg(s.compression_ratio)
                                .arg(s.dictionary_rolling_ratio)));
        // The stored dictionary: sampled events (the held-out tenth measured its ratio).
        QCOMPARE(fixture_->scalar(std::string("SELECT sample_count FROM ") +
                                  event_dictionaries_table(kEvents) + " WHERE id = 1"),
                 int64_t(kSample - kSample / 10));
    }

    // Events of another shape compress worse with the first dictionary: the rolling ratio falls
    // past the threshold and a second dictionary is trained; older rows keep naming the first.
    void retrainsWhenTheRatioDegrades() {
        for (int round = 0; round < 20 && engine_->snapshot()->dictionary_id < 2; ++round) {
            produce_orders(200);
            QVERIFY(settle());
            QTest::qWait(200);
        }
        QTRY_COMPARE_WITH_TIMEOUT(engine_->snapshot()->dictionary_id, 2, 30000);
        produce_orders(300);
        QVERIFY(settle());
        QVERIFY(rows_with("dict_id = 2") >= 300);
        QVERIFY(rows_with("dict_id = 1") >= 600);
        QCOMPARE(engine_->sample_now().dictionaries_trained, int64_t(2));
        QCOMPARE(fixture_->scalar(std::string("SELECT count(*) FROM ") +
                                  event_dictionaries_table(kEvents)),
                 int64_t(2));
    }

    void everyPayloadReadsBackByteForByte() {
        ReadEventsReport report;
        std::string errors;
        const auto lines = lines_of(read_all(report, errors));
        QVERIFY2(errors.empty(), errors.c_str());
        QCOMPARE(report.failed, int64_t(0));
        QCOMPARE(report.written, int64_t(produced_.size()));
        QCOMPARE(lines.size(), produced_.size());
        std::set<std::string> seen;
        for (const auto& line : lines) {
            QJsonParseError parse{};
            const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(line), &parse);
            QVERIFY2(parse.error == QJsonParseError::NoError, line.c_str());
            const std::string id = document.object().value("event_id").toString().toStdString();
            QVERIFY2(produced_.count(id) == 1, id.c_str());
            QCOMPARE(document.object().value("payload_format").toString(), QString("zstd"));
            QCOMPARE(payload_of_line(line), produced_.at(id));
            seen.insert(id);
        }
        QCOMPARE(seen.size(), produced_.size());
    }

    void readEventsCommandPrintsMatchingJsonLines() {
        QProcess process;
        process.start(QStringLiteral(SPILLWAY_BINARY),
                      {"--read-events", "--pg", QString::fromStdString(fixture_->conninfo()),
                       "--table", kEvents, "--since", "2000-01-01", "--limit", "250"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        const auto lines = lines_of(process.readAllStandardOutput().toStdString());
        QCOMPARE(lines.size(), size_t(250));
        for (const auto& line : lines) {
            const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(line));
            QVERIFY2(document.isObject(), line.c_str());
            const std::string id = document.object().value("event_id").toString().toStdString();
            QCOMPARE(payload_of_line(line), produced_.at(id));
        }
        // A time PostgreSQL cannot read is refused with the option's name.
        process.start(QStringLiteral(SPILLWAY_BINARY),
                      {"--read-events", "--pg", QString::fromStdString(fixture_->conninfo()),
                       "--table", kEvents, "--until", "next tuesday-ish"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 1);
        QVERIFY(process.readAllStandardError().contains("--until"));
        // Nothing after the far future.
        process.start(QStringLiteral(SPILLWAY_BINARY),
                      {"--read-events", "--pg", QString::fromStdString(fixture_->conninfo()),
                       "--table", kEvents, "--since", "2999-01-01"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(process.readAllStandardOutput().isEmpty());
    }

    // Dictionaries are never deleted; if one is anyway, its rows are named with the cause and the
    // rest still read back.
    void missingDictionaryIsAClearErrorNotACrash() {
        const int64_t first_dictionary_rows = rows_with("dict_id = 1");
        fixture_->scalar("DELETE FROM " + event_dictionaries_table(kEvents) +
                         " WHERE id = 1; SELECT 1");
        ReadEventsReport report;
        std::string errors;
        read_all(report, errors);
        QCOMPARE(report.failed, first_dictionary_rows);
        QCOMPARE(report.written, int64_t(produced_.size()) - first_dictionary_rows);
        QVERIFY2(errors.find("zstd dictionary 1 is not in " + event_dictionaries_table(kEvents)) !=
                     std::string::npos,
                 errors.substr(0, 300).c_str());
        QVERIFY(errors.find("event z-") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TstCompression)
#include "tst_compression.moc"
