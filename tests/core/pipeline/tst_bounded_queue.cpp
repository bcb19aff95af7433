// The bounded queue: capacity in events and in bytes, blocking and non-blocking pushes, batch
// pops bounded by count and bytes, and the fill that drives the source's watermarks.
#include <QtTest/QtTest>
#include <atomic>
#include <thread>

#include "core/pipeline/bounded_queue.h"

using namespace spillway;
using namespace std::chrono_literals;

namespace {
Event make_event(size_t payload_bytes, int64_t offset = 0) {
    Event event;
    event.payload.assign(payload_bytes, 'x');
    event.offset = offset;
    event.received_at = std::chrono::steady_clock::now();
    return event;
}
}  // namespace

class TstBoundedQueue : public QObject {
    Q_OBJECT
private slots:
    void capacityInEvents() {
        BoundedQueue queue(3, 1 << 20);
        for (int i = 0; i < 3; ++i)
            QVERIFY(queue.try_push(make_event(10, i)));
        QVERIFY(!queue.try_push(make_event(10, 3)));
        QCOMPARE(queue.size(), size_t(3));
        QCOMPARE(queue.fill(), 1.0);
    }

    void capacityInBytes() {
        const size_t footprint = make_event(1000).footprint();
        BoundedQueue queue(1000, footprint * 2 + 10);
        QVERIFY(queue.try_push(make_event(1000)));
        QVERIFY(queue.try_push(make_event(1000)));
        QVERIFY(!queue.try_push(make_event(1000)));  // the third would pass the byte capacity
        QCOMPARE(queue.bytes(), footprint * 2);
    }

    void oversizedEventFitsOnlyAnEmptyQueue() {
        BoundedQueue queue(10, 100);
        QVERIFY(queue.try_push(make_event(5000)));  // alone: admitted so it cannot wedge
        QVERIFY(!queue.try_push(make_event(1)));
        QVERIFY(queue.fill() > 1.0);
        QCOMPARE(queue.pop_batch(10, 1 << 20).size(), size_t(1));
        QVERIFY(queue.try_push(make_event(1)));
    }

    void popBatchRespectsCountBytesAndOrder() {
        BoundedQueue queue(100, 1 << 20);
        for (int i = 0; i < 10; ++i)
            QVERIFY(queue.try_push(make_event(100, i)));
        auto first = queue.pop_batch(4, 1 << 20);
        QCOMPARE(first.size(), size_t(4));
        QCOMPARE(first.front().offset, 0);
        QCOMPARE(first.back().offset, 3);
        const size_t footprint = make_event(100).footprint();
        size_t taken = 0;
        auto second = queue.pop_batch(100, footprint * 2, &taken);
        QCOMPARE(second.size(), size_t(2));
        QCOMPARE(taken, footprint * 2);
        QCOMPARE(second.front().offset, 4);
        QCOMPARE(queue.size(), size_t(4));
        QCOMPARE(queue.bytes(), footprint * 4);
    }

    void blockingPushWaitsForRoom() {
        BoundedQueue queue(1, 1 << 20);
        QVERIFY(queue.try_push(make_event(1, 0)));
        QVERIFY(!queue.push(make_event(1, 1), 20ms));  // times out: still full
        std::atomic<bool> pushed{false};
        std::thread producer([&] { pushed = queue.push(make_event(1, 2), 5000ms); });
        QVERIFY(!pushed.load());
        QCOMPARE(queue.pop_batch(1, 1 << 20).front().offset, 0);
        producer.join();
        QVERIFY(pushed.load());
        QCOMPARE(queue.pop_batch(1, 1 << 20).front().offset, 2);
    }

    void closeReleasesBlockedProducer() {
        BoundedQueue queue(1, 1 << 20);
        QVERIFY(queue.try_push(make_event(1)));
        std::atomic<int> result{-1};
        std::thread producer([&] { result = queue.push(make_event(1), 10000ms) ? 1 : 0; });
        queue.close();
        producer.join();
        QCOMPARE(result.load(), 0);
        QVERIFY(!queue.try_push(make_event(1)));
    }

    void capacityChangesAtRuntime() {
        BoundedQueue queue(2, 1 << 20);
        QVERIFY(queue.try_push(make_event(1)));
        QVERIFY(queue.try_push(make_event(1)));
        QVERIFY(!queue.try_push(make_event(1)));
        queue.set_capacity(4, 1 << 20);
        QVERIFY(queue.try_push(make_event(1)));
        QCOMPARE(queue.fill(), 0.75);
        queue.set_capacity(1, 1 << 20);  // shrinking keeps what is queued, refuses new events
        QVERIFY(!queue.try_push(make_event(1)));
        QCOMPARE(queue.size(), size_t(3));
    }

    void waitForEventsWakesOnThreshold() {
        BoundedQueue queue(100, 1 << 20);
        std::thread producer([&] {
            for (int i = 0; i < 5; ++i)
                queue.try_push(make_event(1, i));
        });
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        queue.wait_for_events(5, deadline);
        producer.join();
        QVERIFY(std::chrono::steady_clock::now() < deadline);
        QCOMPARE(queue.size(), size_t(5));
    }

    void oldestReceivedIsTheFront() {
        BoundedQueue queue(10, 1 << 20);
        QVERIFY(!queue.oldest_received().has_value());
        Event first = make_event(1, 0);
        const auto stamp = first.received_at;
        QVERIFY(queue.try_push(std::move(first)));
        QVERIFY(queue.try_push(make_event(1, 1)));
        QCOMPARE(queue.oldest_received().value(), stamp);
    }
};

QTEST_GUILESS_MAIN(TstBoundedQueue)
#include "tst_bounded_queue.moc"
