// The row-vector model base every console table derives from: a small model on it passes
// QAbstractItemModelTester through a reset, an in-place refresh (one dataChanged, no reset) and
// an append and a prepend (insertions), and shows what its cell() and header() say.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest/QtTest>

#include "ui/models/row_table_model.h"

using namespace spillway;

namespace {

struct Pair {
    int key = 0;
    QString value;
};

class PairModel : public RowTableModel<Pair> {
public:
    enum Column { Key, Value, ColumnCount };
    PairModel() : RowTableModel(ColumnCount) {}
    void set(std::vector<Pair> rows) { set_rows(std::move(rows)); }
    void refresh(std::vector<Pair> rows) {
        refresh_rows(std::move(rows), [](const Pair& a, const Pair& b) { return a.key == b.key; },
                     Value, {Qt::DisplayRole});
    }
    void append(std::vector<Pair> rows) { append_rows(std::move(rows)); }
    void prepend(std::vector<Pair> rows) { prepend_rows(std::move(rows)); }

private:
    QVariant cell(const Pair& row, int column, int role) const override {
        if (role != Qt::DisplayRole)
            return {};
        return column == Key ? QVariant(row.key) : QVariant(row.value);
    }
    QVariant header(int section, int role) const override {
        if (role != Qt::DisplayRole)
            return {};
        return section == Key ? QStringLiteral("Key") : QStringLiteral("Value");
    }
};

}  // namespace

class TstRowTableModel : public QObject {
    Q_OBJECT
private slots:
    void resetsRefreshesAndAppends() {
        PairModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), 2);
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Value"));
        QVERIFY(!model.headerData(2, Qt::Horizontal).isValid());
        QVERIFY(!model.headerData(0, Qt::Vertical).isValid());

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
        model.set({{1, "one"}, {2, "two"}});
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(1, PairModel::Value)).toString(), QStringLiteral("two"));
        QVERIFY(!model.data(model.index(1, PairModel::Value), Qt::ToolTipRole).isValid());

        // Same keys: values change in place, from the first changed column on.
        model.refresh({{1, "uno"}, {2, "dos"}});
        QCOMPARE(resets.size(), 1);
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes[0][0].toModelIndex(), model.index(0, PairModel::Value));
        QCOMPARE(changes[0][1].toModelIndex(), model.index(1, PairModel::Value));
        QCOMPARE(model.data(model.index(0, PairModel::Value)).toString(), QStringLiteral("uno"));

        // Other keys: a reset.
        model.refresh({{3, "three"}});
        QCOMPARE(resets.size(), 2);
        QCOMPARE(model.rowCount(), 1);

        model.append({{4, "four"}, {5, "five"}});
        QCOMPARE(inserts.size(), 1);
        QCOMPARE(inserts[0][1].toInt(), 1);
        QCOMPARE(inserts[0][2].toInt(), 2);
        QCOMPARE(model.rows().back().value, QStringLiteral("five"));
        model.append({});
        QCOMPARE(inserts.size(), 1);

        // A newest-first list takes new rows at the top, in the order given.
        model.prepend({{7, "seven"}, {6, "six"}});
        QCOMPARE(inserts.size(), 2);
        QCOMPARE(inserts[1][1].toInt(), 0);
        QCOMPARE(inserts[1][2].toInt(), 1);
        QCOMPARE(model.data(model.index(0, PairModel::Value)).toString(), QStringLiteral("seven"));
        QCOMPARE(model.data(model.index(2, PairModel::Value)).toString(), QStringLiteral("three"));
        model.prepend({});
        QCOMPARE(inserts.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TstRowTableModel)
#include "tst_row_table_model.moc"
