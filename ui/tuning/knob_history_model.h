#pragma once
// The knob change history as a table, newest first: when, what changed, and who asked. It keeps
// its own copy of the feed's changes (a handful: people and presets change knobs), taking new
// ones at the top as the feed appends them. GUI thread.
#include "core/pipeline/knobs.h"
#include "ui/models/row_table_model.h"

namespace spillway {

class KnobHistoryFeed;

class KnobHistoryModel : public RowTableModel<KnobChange> {
    Q_OBJECT
public:
    enum Column { Time, Change, Origin, ColumnCount };

    explicit KnobHistoryModel(KnobHistoryFeed* feed, QObject* parent = nullptr);

private:
    QVariant cell(const KnobChange& change, int column_index, int role) const override;
    QVariant header(int section, int role) const override;
    // The feed's changes from `first` on, newest first.
    std::vector<KnobChange> newest_first(size_t first) const;

    KnobHistoryFeed* feed_;
};

}  // namespace spillway
