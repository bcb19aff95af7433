// The batch scheduler: a batch leaves at batch_size events or when its oldest event has waited
// flush_interval, reads the knobs every cycle, drains on request, and never waits for a writer:
// a slow write does not delay the next batch while another slot is free.
#include <QtTest/QtTest>
#include <mutex>

#include "core/pipeline/batch_scheduler.h"

using namespace spillway;
using namespace std::chrono_literals;

namespace {

// A sink with a fixed number of slots; batches stay "being written" until released, like a
// writer stuck on a slow database.
class HoldingSink : public BatchSink {
public:
    // (not named `slots`: Qt defines that word as a macro)
    explicit HoldingSink(size_t slot_count) : slots_(slot_count) {}
    size_t free_slots() const override {
        std::lock_guard lock(mutex_);
        return held_ >= slots_ ? 0 : slots_ - held_;
    }
    void submit(Batch&& batch) override {
        std::lock_guard lock(mutex_);
        sizes_.push_back(batch.events.size());
        submitted_at_.push_back(std::chrono::steady_clock::now());
        if (hold_)
            ++held_;
    }
    void set_hold(bool hold) {
        std::lock_guard lock(mutex_);
        hold_ = hold;
    }
    void release_all() {
        std::lock_guard lock(mutex_);
        held_ = 0;
    }
    std::vector<size_t> sizes() const {
        std::lock_guard lock(mutex_);
        return sizes_;
    }
    size_t count() const { return sizes().size(); }
    std::chrono::steady_clock::time_point submitted_at(size_t index) const {
        std::lock_guard lock(mutex_);
        return submitted_at_.at(index);
    }

private:
    mutable std::mutex mutex_;
    size_t slots_;
    size_t held_ = 0;
    bool hold_ = false;
    std::vector<size_t> sizes_;
    std::vector<std::chrono::steady_clock::time_point> submitted_at_;
};

void push_events(BoundedQueue& queue, int count) {
    for (int i = 0; i < count; ++i) {
        Event event;
        event.payload = "{}";
        event.received_at = std::chrono::steady_clock::now();
        QVERIFY(queue.try_push(std::move(event)));
    }
}

Knobs knobs_with(int batch_size, int flush_interval_ms) {
    Knobs knobs;
    knobs.batch_size = batch_size;
    knobs.flush_interval_ms = flush_interval_ms;
    return knobs;
}

}  // namespace

class TstBatchScheduler : public QObject {
    Q_OBJECT
private slots:
    void sizeTriggerFormsFullBatches() {
        BoundedQueue queue(10000, 1 << 26);
        HoldingSink sink(100);
        KnobStore knobs(knobs_with(100, 60'000));
        BatchScheduler scheduler(queue, sink, knobs);
        scheduler.start();
        push_events(queue, 250);
        QTRY_COMPARE_WITH_TIMEOUT(sink.count(), size_t(2), 5000);
        QCOMPARE(sink.sizes(), (std::vector<size_t>{100, 100}));
        // The remaining 50 wait for the (one minute) interval.
        QTest::qWait(200);
        QCOMPARE(sink.count(), size_t(2));
        QCOMPARE(queue.size(), size_t(50));
        QCOMPARE(scheduler.size_triggered(), uint64_t(2));
    }

    void intervalTriggerSendsAPartialBatch() {
        BoundedQueue queue(10000, 1 << 26);
        HoldingSink sink(100);
        KnobStore knobs(knobs_with(1000, 150));
        BatchScheduler scheduler(queue, sink, knobs);
        scheduler.start();
        const auto pushed = std::chrono::steady_clock::now();
        push_events(queue, 10);
        QTRY_COMPARE_WITH_TIMEOUT(sink.count(), size_t(1), 5000);
        QCOMPARE(sink.sizes().front(), size_t(10));
        QVERIFY(sink.submitted_at(0) - pushed >= 150ms);  // not before the interval
        QCOMPARE(scheduler.interval_triggered(), uint64_t(1));
    }

    void slowWriterDoesNotDelayTheNextInterval() {
        BoundedQueue queue(10000, 1 << 26);
        HoldingSink sink(2);
        sink.set_hold(true);  // the first batch stays "being written" for the whole test
        KnobStore knobs(knobs_with(1000, 100));
        BatchScheduler scheduler(queue, sink, knobs);
        scheduler.start();
        push_events(queue, 5);
        QTRY_COMPARE_WITH_TIMEOUT(sink.count(), size_t(1), 5000);
        const auto second_pushed = std::chrono::steady_clock::now();
        push_events(queue, 5);
        QTRY_COMPARE_WITH_TIMEOUT(sink.count(), size_t(2), 5000);
        // The second batch left on its own interval although the first is still being written.
        QVERIFY(sink.submitted_at(1) - second_pushed < 2s);
        // With both slots held, nothing more leaves: the events wait in the queue.
        push_events(queue, 5);
        QTest::qWait(300);
        QCOMPARE(sink.count(), size_t(2));
        QCOMPARE(queue.size(), size_t(5));
        sink.release_all();
        QTRY_COMPARE_WITH_TIMEOUT(sink.count(), size_t(3), 5000);
    }

    void knobChangeAppliesOnTheNextCycle() {
        BoundedQueue queue(10000, 1 << 26);
        HoldingSink sink(100);
        KnobStore knobs(knobs_with(100, 60'000));
        BatchScheduler scheduler(queue, sink, knobs);
        scheduler.start();
        push_events(queue, 100);
        QTRY_COMPARE_WITH_TIMEOUT(sink.count(), size_t(1), 5000);
        QVERIFY(knobs.apply(knobs_with(30, 60'000), "test").empty());
        push_events(queue, 90);
        QTRY_COMPARE_WITH_TIMEOUT(sink.count(), size_t(4), 5000);
        QCOMPARE(sink.sizes(), (std::vector<size_t>{100, 30, 30, 30}));
    }

    void drainFlushesWithoutWaitingForTheInterval() {
        BoundedQueue queue(10000, 1 << 26);
        HoldingSink sink(100);
        KnobStore knobs(knobs_with(40, 600'000));
        BatchScheduler scheduler(queue, sink, knobs);
        scheduler.start();
        push_events(queue, 100);
        QTRY_COMPARE_WITH_TIMEOUT(sink.count(), size_t(2), 5000);
        scheduler.set_draining(true);
        QTRY_COMPARE_WITH_TIMEOUT(queue.size(), size_t(0), 5000);
        QCOMPARE(sink.sizes(), (std::vector<size_t>{40, 40, 20}));  // batch-size chunks
    }
};

QTEST_GUILESS_MAIN(TstBatchScheduler)
#include "tst_batch_scheduler.moc"
