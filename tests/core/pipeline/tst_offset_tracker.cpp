// The offset tracker commits only the contiguous durable prefix of each partition, whatever
// order the writers finish in: never past an unwritten event.
#include <QtTest/QtTest>
#include <algorithm>
#include <random>

#include "core/pipeline/offset_tracker.h"

using namespace spillway;

class TstOffsetTracker : public QObject {
    Q_OBJECT
private slots:
    void nothingDoneCommitsNothingNew() {
        OffsetTracker tracker;
        for (int64_t offset = 10; offset < 20; ++offset)
            tracker.register_consumed(0, offset);
        QCOMPARE(tracker.commit_point(0), int64_t(10));
        QCOMPARE(tracker.in_flight(), size_t(10));
    }

    void outOfOrderCompletionCommitsOnlyThePrefix() {
        OffsetTracker tracker;
        for (int64_t offset = 0; offset < 9; ++offset)
            tracker.register_consumed(0, offset);
        // Writer B finishes 3..5 first, then writer C 6..8: the commit point may not move.
        for (int64_t offset = 3; offset < 9; ++offset)
            tracker.mark_done(0, offset);
        QCOMPARE(tracker.commit_point(0), int64_t(0));
        QVERIFY(tracker.take_commit_points().size() == 1);  // first report of partition 0 at 0
        QVERIFY(tracker.take_commit_points().empty());      // unchanged since
        // Writer A finishes 0..2: everything is durable, commit one past the last.
        const std::vector<PartitionOffset> first{{0, 0}, {0, 1}, {0, 2}};
        tracker.mark_done(first);
        QCOMPARE(tracker.commit_point(0), int64_t(9));
        const auto points = tracker.take_commit_points();
        QCOMPARE(points.size(), size_t(1));
        QCOMPARE(points.front(), (PartitionOffset{0, 9}));
        QCOMPARE(tracker.in_flight(), size_t(0));
    }

    void partitionsAreIndependent() {
        OffsetTracker tracker;
        tracker.register_consumed(0, 0);
        tracker.register_consumed(1, 100);
        tracker.register_consumed(1, 101);
        tracker.mark_done(1, 100);
        QCOMPARE(tracker.commit_point(0), int64_t(0));
        QCOMPARE(tracker.commit_point(1), int64_t(101));
        QCOMPARE(tracker.in_flight(1), size_t(1));
    }

    void gapsInOffsetsAreFine() {
        // Compacted or transactional topics skip offsets.
        OffsetTracker tracker;
        tracker.register_consumed(2, 5);
        tracker.register_consumed(2, 9);
        tracker.register_consumed(2, 20);
        tracker.mark_done(2, 9);
        QCOMPARE(tracker.commit_point(2), int64_t(5));
        tracker.mark_done(2, 5);
        QCOMPARE(tracker.commit_point(2), int64_t(20));
        tracker.mark_done(2, 20);
        QCOMPARE(tracker.commit_point(2), int64_t(21));
    }

    void unknownAndRepeatedMarksAreIgnored() {
        OffsetTracker tracker;
        tracker.register_consumed(0, 0);
        tracker.register_consumed(0, 1);
        tracker.mark_done(0, 7);  // never consumed
        tracker.mark_done(3, 0);  // unknown partition
        tracker.mark_done(0, 1);
        tracker.mark_done(0, 1);  // twice
        QCOMPARE(tracker.in_flight(), size_t(1));
        QCOMPARE(tracker.commit_point(0), int64_t(0));
    }

    void forgetDropsARevokedPartition() {
        OffsetTracker tracker;
        tracker.register_consumed(4, 0);
        tracker.forget(4);
        QCOMPARE(tracker.commit_point(4), int64_t(-1));
        tracker.mark_done(4, 0);  // a late writer of a revoked partition
        QVERIFY(tracker.take_commit_points(true).empty());
    }

    void randomCompletionOrderNeverCommitsPastAnUnwrittenEvent() {
        OffsetTracker tracker;
        constexpr int64_t count = 5000;
        for (int64_t offset = 0; offset < count; ++offset)
            tracker.register_consumed(0, offset, 1000 + offset);
        std::vector<int64_t> order(count);
        std::iota(order.begin(), order.end(), 0);
        std::mt19937 random(42);
        std::shuffle(order.begin(), order.end(), random);
        std::vector<bool> done(count, false);
        for (int64_t offset : order) {
            tracker.mark_done(0, offset);
            done[static_cast<size_t>(offset)] = true;
            const int64_t point = tracker.commit_point(0);
            const auto first_open = std::find(done.begin(), done.end(), false) - done.begin();
            QCOMPARE(point, int64_t(first_open));
            if (point < count)
                QCOMPARE(tracker.oldest_pending_timestamp(0), 1000 + point);
        }
        QCOMPARE(tracker.commit_point(0), count);
    }
};

QTEST_GUILESS_MAIN(TstOffsetTracker)
#include "tst_offset_tracker.moc"
