#include "ui/delivery/delivery_page.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/delivery/offset_bar_delegate.h"
#include "ui/delivery/offset_timeline_filter.h"
#include "ui/delivery/offset_timeline_model.h"
#include "ui/session/snapshot_feed.h"
#include "ui/widgets/format.h"
#include "ui/widgets/theme.h"

namespace spillway {

namespace {
QWidget* legend_chip(const QColor& color, const QString& text, const QString& tooltip) {
    auto* chip = new QLabel(QStringLiteral("<span style=\"color:%1\">&#9632;</span> %2")
                                .arg(color.name(), text.toHtmlEscaped()));
    chip->setToolTip(tooltip);
    return chip;
}
}  // namespace

DeliveryPage::DeliveryPage(SnapshotFeed* feed, QWidget* parent)
    : QWidget(parent),
      model_(new OffsetTimelineModel(this)),
      filter_(new OffsetTimelineFilter(this)),
      table_(new QTableView),
      totals_(new QLabel),
      minimum_lag_(new QSpinBox),
      exposed_only_(new QCheckBox(tr("With exposure"))),
      lost_only_(new QCheckBox(tr("With lost offsets"))) {
    setObjectName(QStringLiteral("delivery_page"));
    auto* layout = new QVBoxLayout(this);

    auto* title = new QLabel(tr("Where every partition's events are"));
    QFont title_font = title->font();
    title_font.setPointSizeF(title_font.pointSizeF() * 1.3);
    title_font.setBold(true);
    title->setFont(title_font);
    layout->addWidget(title);

    totals_->setObjectName(QStringLiteral("delivery_totals"));
    totals_->setTextFormat(Qt::PlainText);
    layout->addWidget(totals_);

    const QPalette& colors = palette();
    auto* legend = new QHBoxLayout;
    legend->addWidget(legend_chip(OffsetBarDelegate::committed_color(colors), tr("committed"),
                                  tr("Log start to the committed offset: durable and committed")));
    legend->addWidget(legend_chip(OffsetBarDelegate::durable_color(colors),
                                  tr("durable, not yet committed"),
                                  tr("Written or dead-lettered; the commit follows shortly")));
    legend->addWidget(legend_chip(OffsetBarDelegate::pending_color(colors), tr("pending"),
                                  tr("Read, queued or being written")));
    legend->addWidget(legend_chip(OffsetBarDelegate::unread_color(colors), tr("not yet read"),
                                  tr("Up to the high watermark")));
    legend->addWidget(legend_chip(OffsetBarDelegate::lost_color(colors), tr("lost to retention"),
                                  tr("Deleted by the broker before they were read")));
    legend->addStretch(1);
    layout->addLayout(legend);

    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Lag over")));
    minimum_lag_->setObjectName(QStringLiteral("delivery_min_lag"));
    minimum_lag_->setRange(0, 1'000'000'000);
    minimum_lag_->setSpecialValueText(tr("any"));
    minimum_lag_->setSuffix(tr(" messages"));
    filters->addWidget(minimum_lag_);
    exposed_only_->setObjectName(QStringLiteral("delivery_exposed_only"));
    lost_only_->setObjectName(QStringLiteral("delivery_lost_only"));
    filters->addWidget(exposed_only_);
    filters->addWidget(lost_only_);
    filters->addStretch(1);
    layout->addLayout(filters);

    filter_->setSourceModel(model_);
    table_->setObjectName(QStringLiteral("delivery_table"));
    table_->setModel(filter_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(OffsetTimelineModel::Partition, Qt::AscendingOrder);
    table_->setItemDelegateForColumn(OffsetTimelineModel::Timeline,
                                     new OffsetBarDelegate(model_, table_));
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    // Fixed row heights: the view computes what is on screen without asking every row.
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->verticalHeader()->setDefaultSectionSize(22);
    QHeaderView* header = table_->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(OffsetTimelineModel::Timeline, QHeaderView::Stretch);
    header->resizeSection(OffsetTimelineModel::Partition, 70);
    for (int column = OffsetTimelineModel::LogStart; column < OffsetTimelineModel::ColumnCount;
         ++column)
        header->resizeSection(column, 92);
    header->setMinimumSectionSize(60);
    layout->addWidget(table_, 1);

    connect(minimum_lag_, qOverload<int>(&QSpinBox::valueChanged), filter_,
            [this](int value) { filter_->setMinimumLag(value); });
    connect(exposed_only_, &QCheckBox::toggled, filter_, &OffsetTimelineFilter::setExposedOnly);
    connect(lost_only_, &QCheckBox::toggled, filter_, &OffsetTimelineFilter::setLostOnly);
    connect(feed, &SnapshotFeed::updated, this, &DeliveryPage::show_snapshot);
    if (const auto latest = feed->latest())
        show_snapshot(latest);
    else
        totals_->setText(tr("No engine yet: the timeline appears when partitions are assigned."));
}

QString DeliveryPage::totalsText() const {
    return totals_->text();
}

void DeliveryPage::show_snapshot(const std::shared_ptr<const Snapshot>& snapshot) {
    if (!snapshot)
        return;
    model_->setPartitions(snapshot->partitions);
    int64_t exposure = 0, pending = 0, lag = 0, lost = 0;
    for (const auto& partition : snapshot->partitions) {
        exposure += partition.exposure;
        pending += partition.pending;
        lag += partition.lag_messages;
        lost += partition.lost_to_retention;
    }
    QString text = tr("%1 partitions · exposure %2 (a crash now reads them again) · pending %3 · "
                      "lag %4")
                       .arg(format_count(int64_t(snapshot->partitions.size())))
                       .arg(format_count(exposure), format_count(pending), format_count(lag));
    if (lost > 0)
        text += tr(" · LOST TO RETENTION %1").arg(format_count(lost));
    if (snapshot->source_paused)
        text += tr(" · intake paused");
    if (filter_->rowCount() != model_->rowCount())
        text += tr(" · showing %1").arg(filter_->rowCount());
    totals_->setText(text);
}

}  // namespace spillway
