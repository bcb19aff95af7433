#include "ui/delivery/offset_timeline_model.h"

#include "ui/widgets/format.h"

namespace spillway {

namespace {

using Column = TableColumn<PartitionLag>;

// A column of offsets: "–" for one not known yet, the raw offset behind it.
Column offset_column(const QString& title, int64_t PartitionLag::*field) {
    return right_aligned(Column{title, [field](auto& p) { return format_offset(p.*field); },
                                [field](auto& p) { return qlonglong(p.*field); }});
}

// A column of counts (pending, lag, exposure, lost).
Column count_column(const QString& title, int64_t PartitionLag::*field, const QString& tip = {}) {
    return Column{title, [field](auto& p) { return format_count(p.*field); },
                  [field](auto& p) { return qlonglong(p.*field); },
                  Qt::AlignRight | Qt::AlignVCenter, tip};
}

std::vector<Column> timeline_columns() {
    using M = OffsetTimelineModel;
    std::vector<Column> columns(M::ColumnCount);
    columns[M::Partition] = right_aligned(
        Column{M::tr("Partition"), [](auto& p) { return QString::number(p.partition); },
               [](auto& p) { return qlonglong(p.partition); }});
    // The bar: painted by the delegate; its value (for sorting) is the exposure.
    columns[M::Timeline] = {M::tr("Timeline"), nullptr,
                            [](auto& p) { return qlonglong(p.exposure); }, Qt::Alignment()};
    columns[M::LogStart] = offset_column(M::tr("Log start"), &PartitionLag::log_start);
    columns[M::Committed] = offset_column(M::tr("Committed"), &PartitionLag::committed);
    columns[M::Durable] = offset_column(M::tr("Durable"), &PartitionLag::durable);
    columns[M::Durable].header_tip =
        M::tr("Every read offset below this is written or dead-lettered");
    columns[M::Pending] = count_column(M::tr("Pending"), &PartitionLag::pending,
                                       M::tr("Read and not yet durable: queued or being written"));
    columns[M::Consumed] = offset_column(M::tr("Consumed"), &PartitionLag::consumed_position);
    columns[M::HighWatermark] = offset_column(M::tr("High watermark"), &PartitionLag::end_offset);
    columns[M::Lag] = count_column(M::tr("Lag"), &PartitionLag::lag_messages);
    columns[M::Exposure] = count_column(
        M::tr("Exposure"), &PartitionLag::exposure,
        M::tr("Read but not committed: what a crash now would read again (dedup absorbs the "
              "repeats)"));
    columns[M::Lost] =
        count_column(M::tr("Lost"), &PartitionLag::lost_to_retention,
                     M::tr("Offsets the broker deleted (retention) before they were read"));
    return columns;
}

}  // namespace

OffsetTimelineModel::OffsetTimelineModel(QObject* parent)
    : PartitionTableModel(timeline_columns(), parent) {
    set_row_tip(&OffsetTimelineModel::describe);
}

QString OffsetTimelineModel::describe(const PartitionLag& p) {
    QString text = tr("Partition %1").arg(p.partition);
    const auto line = [&](const QString& name, const QString& value) {
        text += QStringLiteral("\n%1: %2").arg(name, value);
    };
    line(tr("log start"), format_offset(p.log_start));
    line(tr("committed"), format_offset(p.committed));
    line(tr("durable up to"), format_offset(p.durable));
    line(tr("pending (queued or being written)"), format_count(p.pending));
    line(tr("consumed up to"), format_offset(p.consumed_position));
    line(tr("high watermark"), format_offset(p.end_offset));
    line(tr("lag"),
         tr("%1 messages, %2").arg(format_count(p.lag_messages), format_seconds(p.lag_seconds)));
    line(tr("exposure (read, not committed)"), format_count(p.exposure));
    if (p.lost_to_retention > 0)
        line(tr("LOST TO RETENTION"), format_count(p.lost_to_retention));
    return text;
}

}  // namespace spillway
