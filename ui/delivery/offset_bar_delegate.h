#pragma once
// Paints a partition's offset timeline as one horizontal bar in the Timeline column: committed
// (green), durable but not yet committed (blue), pending (amber), not yet read (grey), and a red
// block at the left when offsets were lost to retention. Every non-empty segment gets a few
// pixels at least, so a small exposure at the end of a long log stays visible. Painting is the
// only per-row work: QTableView asks only for the rows on screen. GUI thread.
#include <QStyledItemDelegate>

#include "core/pipeline/metrics.h"

namespace spillway {

class OffsetTimelineModel;

class OffsetBarDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    // `model` is the source model; indexes may come through a proxy.
    OffsetBarDelegate(const OffsetTimelineModel* model, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

    // The segment colours, for the legend and tests.
    static QColor committed_color(const QPalette& palette);
    static QColor durable_color(const QPalette& palette);
    static QColor pending_color(const QPalette& palette);
    static QColor unread_color(const QPalette& palette);
    static QColor lost_color(const QPalette& palette);

    // Paints one bar into `rect` (also used by tests and the legend-free screenshot tool).
    static void paint_bar(QPainter* painter, const QRect& rect, const PartitionLag& partition,
                          const QPalette& palette);

private:
    const OffsetTimelineModel* model_;
};

}  // namespace spillway
