#include "ui/delivery/offset_bar_delegate.h"

#include <QAbstractProxyModel>
#include <QPainter>
#include <algorithm>
#include <array>

#include "ui/delivery/offset_timeline_model.h"
#include "ui/widgets/theme.h"

namespace spillway {

namespace {
constexpr int kMinimumSegment = 3;  // pixels: a non-empty segment never vanishes
}  // namespace

OffsetBarDelegate::OffsetBarDelegate(const OffsetTimelineModel* model, QObject* parent)
    : QStyledItemDelegate(parent), model_(model) {}

QColor OffsetBarDelegate::committed_color(const QPalette& palette) {
    return theme::tone_color(theme::Tone::Good, palette);
}
QColor OffsetBarDelegate::durable_color(const QPalette& palette) {
    return theme::is_dark(palette) ? QColor("#60a5fa") : QColor("#2563eb");
}
QColor OffsetBarDelegate::pending_color(const QPalette& palette) {
    return theme::tone_color(theme::Tone::Warning, palette);
}
QColor OffsetBarDelegate::unread_color(const QPalette& palette) {
    return theme::blend(theme::card_background(palette), theme::muted_text(palette), 0.35);
}
QColor OffsetBarDelegate::lost_color(const QPalette& palette) {
    return theme::tone_color(theme::Tone::Bad, palette);
}

void OffsetBarDelegate::paint_bar(QPainter* painter, const QRect& area, const PartitionLag& p,
                                  const QPalette& palette) {
    QRect rect = area.adjusted(4, 4, -4, -4);
    if (rect.width() < 4 || rect.height() < 2)
        return;
    painter->save();
    painter->setPen(Qt::NoPen);
    if (p.lost_to_retention > 0) {
        // The gap the broker deleted before it was read, always visible in red.
        const int width = std::clamp(rect.width() / 20, 6, 24);
        painter->fillRect(QRect(rect.left(), rect.top(), width, rect.height()),
                          lost_color(palette));
        rect.setLeft(rect.left() + width + 2);
    }
    const int64_t low = std::max<int64_t>(p.log_start, 0);
    const int64_t high = std::max<int64_t>(p.end_offset, low);
    const auto clamp = [&](int64_t offset) { return std::clamp<int64_t>(offset, low, high); };
    // Offsets not known yet (-1) collapse onto the segment before them.
    const int64_t committed = p.committed >= 0 ? clamp(p.committed) : low;
    const int64_t durable = std::max(committed, p.durable >= 0 ? clamp(p.durable) : committed);
    const int64_t consumed =
        std::max(durable, p.consumed_position >= 0 ? clamp(p.consumed_position) : durable);
    const std::array<int64_t, 5> bounds{low, committed, durable, consumed, high};
    const double span = static_cast<double>(std::max<int64_t>(high - low, 1));
    std::array<int, 5> x{};
    for (size_t i = 0; i < bounds.size(); ++i)
        x[i] = rect.left() +
               static_cast<int>(static_cast<double>(bounds[i] - low) / span * rect.width());
    x[4] = rect.left() + rect.width();
    for (size_t i = 3; i >= 1; --i) {  // from the right: the small segments live there
        if (bounds[i + 1] > bounds[i] && x[i + 1] - x[i] < kMinimumSegment)
            x[i] = x[i + 1] - kMinimumSegment;
        x[i] = std::max(x[i], rect.left());
    }
    const std::array<QColor, 4> colors{committed_color(palette), durable_color(palette),
                                       pending_color(palette), unread_color(palette)};
    painter->fillRect(rect, unread_color(palette));
    for (size_t i = 0; i < 4; ++i)
        if (bounds[i + 1] > bounds[i] && x[i + 1] > x[i])
            painter->fillRect(QRect(x[i], rect.top(), x[i + 1] - x[i], rect.height()), colors[i]);
    painter->restore();
}

void OffsetBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const {
    QStyledItemDelegate::paint(painter, option, index);  // selection and focus background
    QModelIndex source = index;
    while (const auto* proxy = qobject_cast<const QAbstractProxyModel*>(source.model()))
        source = proxy->mapToSource(source);
    if (const PartitionLag* partition = model_->partitionAt(source.row()))
        paint_bar(painter, option.rect, *partition, option.palette);
}

}  // namespace spillway
