#pragma once
// The latest moves between tiers, newest first, from <events_table>_tier_moves. GUI thread.
#include <vector>

#include "core/tiering/tier_snapshot.h"

#include "ui/models/column_table_model.h"

namespace spillway {

class TierMoveModel : public ColumnTableModel<TierMove> {
    Q_OBJECT
public:
    enum Column { Started, Partition, Direction, State, Rows, Size, ColumnCount };

    explicit TierMoveModel(QObject* parent = nullptr);

    void setMoves(std::vector<TierMove> moves);
    const std::vector<TierMove>& moves() const { return rows(); }
};

}  // namespace spillway
