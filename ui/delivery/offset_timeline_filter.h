#pragma once
// Sorting and filtering of the offset timeline: by the raw numbers (ValueRole), and keeping only
// partitions with lag over a threshold, with exposure, or with offsets lost to retention. GUI
// thread.
#include <QSortFilterProxyModel>

namespace spillway {

class OffsetTimelineFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit OffsetTimelineFilter(QObject* parent = nullptr);

    void setMinimumLag(qint64 messages);  // 0: no lag filter
    void setExposedOnly(bool exposed_only);
    void setLostOnly(bool lost_only);

protected:
    bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

private:
    qint64 minimum_lag_ = 0;
    bool exposed_only_ = false;
    bool lost_only_ = false;
};

}  // namespace spillway
