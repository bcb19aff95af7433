#pragma once
// The knob change history as a table, newest first: when, what changed, and who asked.
#include <QAbstractTableModel>

namespace spillway {

class KnobHistoryFeed;

class KnobHistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Change, Origin, ColumnCount };

    explicit KnobHistoryModel(KnobHistoryFeed* feed, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void on_appended(int first);

    KnobHistoryFeed* feed_;
    int rows_ = 0;  // how many of the feed's changes the views know about
};

}  // namespace spillway
