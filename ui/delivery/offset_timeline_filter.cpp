#include "ui/delivery/offset_timeline_filter.h"

#include "ui/delivery/offset_timeline_model.h"

namespace spillway {

OffsetTimelineFilter::OffsetTimelineFilter(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(OffsetTimelineModel::ValueRole);
    setDynamicSortFilter(true);
}

void OffsetTimelineFilter::setMinimumLag(qint64 messages) {
    minimum_lag_ = messages;
    invalidateFilter();
}

void OffsetTimelineFilter::setExposedOnly(bool exposed_only) {
    exposed_only_ = exposed_only;
    invalidateFilter();
}

void OffsetTimelineFilter::setLostOnly(bool lost_only) {
    lost_only_ = lost_only;
    invalidateFilter();
}

bool OffsetTimelineFilter::filterAcceptsRow(int source_row, const QModelIndex& parent) const {
    const auto value = [&](int column) {
        return sourceModel()
            ->index(source_row, column, parent)
            .data(OffsetTimelineModel::ValueRole)
            .toLongLong();
    };
    if (minimum_lag_ > 0 && value(OffsetTimelineModel::Lag) <= minimum_lag_)
        return false;
    if (exposed_only_ && value(OffsetTimelineModel::Exposure) <= 0)
        return false;
    if (lost_only_ && value(OffsetTimelineModel::Lost) <= 0)
        return false;
    return true;
}

}  // namespace spillway
