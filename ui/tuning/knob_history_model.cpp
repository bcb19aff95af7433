#include "ui/tuning/knob_history_model.h"

#include <chrono>

#include "ui/session/knob_history_feed.h"
#include "ui/tuning/knob_change_text.h"
#include "ui/widgets/format.h"

namespace spillway {

KnobHistoryModel::KnobHistoryModel(KnobHistoryFeed* feed, QObject* parent)
    : RowTableModel(ColumnCount, parent), feed_(feed) {
    set_rows(newest_first(0));
    connect(feed_, &KnobHistoryFeed::appended, this, [this] {
        // The feed only grows between resets: what is beyond the rows held is new.
        if (feed_->changes().size() > rows().size())
            prepend_rows(newest_first(rows().size()));
    });
    connect(feed_, &KnobHistoryFeed::reset, this, [this] { set_rows(newest_first(0)); });
}

std::vector<KnobChange> KnobHistoryModel::newest_first(size_t first) const {
    const std::vector<KnobChange>& changes = feed_->changes();
    return std::vector<KnobChange>(changes.rbegin(),
                                   changes.rbegin() + std::ptrdiff_t(changes.size() - first));
}

QVariant KnobHistoryModel::cell(const KnobChange& change, int column_index, int role) const {
    if (role == Qt::ToolTipRole)
        return tr("Before: %1\nAfter: %2")
            .arg(describe_knobs(change.before), describe_knobs(change.after));
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(column_index)) {
        case Time:
            return format_clock(
                std::chrono::duration<double>(change.at.time_since_epoch()).count());
        case Change:
            return describe_knob_change(change.before, change.after);
        case Origin:
            return change.origin.empty() ? tr("unknown") : QString::fromStdString(change.origin);
        case ColumnCount:
            break;
    }
    return {};
}

QVariant KnobHistoryModel::header(int section, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
        case Time:
            return tr("Time");
        case Change:
            return tr("Change");
        case Origin:
            return tr("Origin");
        case ColumnCount:
            break;
    }
    return {};
}

}  // namespace spillway
