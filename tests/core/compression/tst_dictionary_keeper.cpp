// DictionaryKeeper without a database: its sample is bounded in bytes as well as in events, and
// stop() returns at once while a long zstd training runs (the training cannot be interrupted; a
// backfill's drain used to wait for it, 17-23 s with 5 KB events on a busy machine).
#include <QElapsedTimer>
#include <QtTest/QtTest>

#include "core/compression/dictionary_keeper.h"
#include "core/demo/load_generator.h"

using namespace spillway;

namespace {

std::vector<Event> generator_events(int count, int payload_bytes) {
    std::vector<Event> events(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        events[size_t(i)].payload =
            make_event_json("k-" + std::to_string(i), i % 500, i, 1'790'000'000'000 + i * 37LL,
                            payload_bytes, uint64_t(i) * 7919);
    return events;
}

std::vector<const Event*> pointers(const std::vector<Event>& events) {
    std::vector<const Event*> out;
    for (const auto& event : events)
        out.push_back(&event);
    return out;
}

// Nothing listens on port 1: loading a stored dictionary fails at once (a warning, not fatal).
SinkOptions no_database() {
    SinkOptions options;
    options.conninfo = "host=127.0.0.1 port=1 connect_timeout=2";
    options.payload_format = PayloadFormat::Zstd;
    return options;
}

}  // namespace

class TstDictionaryKeeper : public QObject {
    Q_OBJECT
private slots:
    void sampleStopsAtItsByteLimitBeforeItsEventCount() {
        SinkOptions options = no_database();
        options.dictionary.sample_events = 5000;
        options.dictionary.dictionary_bytes = 4096;  // byte limit 440 KB: about 90 events of 5 KB
        const size_t limit = DictionaryKeeper::sample_byte_limit(4096);
        DictionaryKeeper keeper(options, nullptr);
        // Not started: nothing trains, only the sampling is observed.
        const auto events = generator_events(200, 5000);
        const auto all = pointers(events);
        size_t offered = 0, bytes = 0;
        for (const Event* event : all) {
            if (!keeper.wants_samples())
                break;
            keeper.add_samples({event});
            ++offered;
            bytes += event->payload.size();
        }
        QVERIFY2(!keeper.wants_samples(), "still sampling after 200 events of 5 KB");
        // It stopped at the byte limit (and the minimum count), not at 5,000 events.
        QVERIFY2(bytes >= limit && offered <= 150,
                 qPrintable(QString("stopped after %1 events, %2 bytes").arg(offered).arg(bytes)));
    }

    void stopDoesNotWaitForARunningTraining() {
        SinkOptions options = no_database();
        // About 45 MB of samples: one training takes well over 10 s of a core.
        options.dictionary.sample_events = 9000;
        options.dictionary.dictionary_bytes = size_t{512} * 1024;
        DictionaryKeeper keeper(options, nullptr);
        keeper.start();
        {
            const auto events = generator_events(9000, 5000);
            QVERIFY(keeper.wants_samples());
            keeper.add_samples(pointers(events));
            QVERIFY(!keeper.wants_samples());
        }
        QTRY_VERIFY_WITH_TIMEOUT(keeper.training(), 30000);
        QElapsedTimer clock;
        clock.start();
        keeper.stop();
        // Generous against a busy machine, far below the training's own time.
        QVERIFY2(clock.elapsed() < 5000,
                 qPrintable(QString("stop() took %1 ms").arg(clock.elapsed())));
        QVERIFY(!keeper.training());
        QVERIFY(!keeper.current());
    }
};

QTEST_GUILESS_MAIN(TstDictionaryKeeper)
#include "tst_dictionary_keeper.moc"
