#pragma once
// The latest moves between tiers, newest first, from <events_table>_tier_moves.
#include <QAbstractTableModel>
#include <vector>

#include "core/tiering/tier_snapshot.h"

namespace spillway {

class TierMoveModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Started, Partition, Direction, State, Rows, Size, ColumnCount };

    explicit TierMoveModel(QObject* parent = nullptr);

    void setMoves(std::vector<TierMove> moves);
    const std::vector<TierMove>& moves() const { return rows_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<TierMove> rows_;
};

}  // namespace spillway
