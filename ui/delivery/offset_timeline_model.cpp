#include "ui/delivery/offset_timeline_model.h"

#include "ui/widgets/format.h"

namespace spillway {

namespace {
qint64 value_of(const PartitionLag& p, int column) {
    switch (column) {
        case OffsetTimelineModel::Partition:
            return p.partition;
        case OffsetTimelineModel::Timeline:
            return p.exposure;
        case OffsetTimelineModel::LogStart:
            return p.log_start;
        case OffsetTimelineModel::Committed:
            return p.committed;
        case OffsetTimelineModel::Durable:
            return p.durable;
        case OffsetTimelineModel::Pending:
            return p.pending;
        case OffsetTimelineModel::Consumed:
            return p.consumed_position;
        case OffsetTimelineModel::HighWatermark:
            return p.end_offset;
        case OffsetTimelineModel::Lag:
            return p.lag_messages;
        case OffsetTimelineModel::Exposure:
            return p.exposure;
        case OffsetTimelineModel::Lost:
            return p.lost_to_retention;
        default:
            return 0;
    }
}

// An offset the engine does not know yet (-1, or librdkafka's logical offsets) reads as "–".
QString offset_text(int64_t offset) {
    return offset >= 0 ? format_count(offset) : QStringLiteral("–");
}
}  // namespace

OffsetTimelineModel::OffsetTimelineModel(QObject* parent) : QAbstractTableModel(parent) {}

void OffsetTimelineModel::setPartitions(std::vector<PartitionLag> partitions) {
    bool same = partitions.size() == rows_.size();
    for (size_t i = 0; same && i < partitions.size(); ++i)
        same = partitions[i].partition == rows_[i].partition;
    if (!same) {
        beginResetModel();
        rows_ = std::move(partitions);
        endResetModel();
        return;
    }
    rows_ = std::move(partitions);
    if (!rows_.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

const PartitionLag* OffsetTimelineModel::partitionAt(int row) const {
    return row >= 0 && row < rowCount() ? &rows_[static_cast<size_t>(row)] : nullptr;
}

int OffsetTimelineModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int OffsetTimelineModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString OffsetTimelineModel::describe(const PartitionLag& p) {
    QString text = tr("Partition %1").arg(p.partition);
    const auto line = [&](const QString& name, const QString& value) {
        text += QStringLiteral("\n%1: %2").arg(name, value);
    };
    line(tr("log start"), offset_text(p.log_start));
    line(tr("committed"), offset_text(p.committed));
    line(tr("durable up to"), offset_text(p.durable));
    line(tr("pending (queued or being written)"), format_count(p.pending));
    line(tr("consumed up to"), offset_text(p.consumed_position));
    line(tr("high watermark"), offset_text(p.end_offset));
    line(tr("lag"),
         tr("%1 messages, %2").arg(format_count(p.lag_messages), format_seconds(p.lag_seconds)));
    line(tr("exposure (read, not committed)"), format_count(p.exposure));
    if (p.lost_to_retention > 0)
        line(tr("LOST TO RETENTION"), format_count(p.lost_to_retention));
    return text;
}

QVariant OffsetTimelineModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const PartitionLag& p = rows_[static_cast<size_t>(index.row())];
    const int column = index.column();
    switch (role) {
        case ValueRole:
            return value_of(p, column);
        case Qt::ToolTipRole:
            return describe(p);
        case Qt::TextAlignmentRole:
            return column == Timeline ? QVariant()
                                      : QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::DisplayRole:
            switch (column) {
                case Partition:
                    return QString::number(p.partition);
                case Timeline:
                    return {};
                case LogStart:
                    return offset_text(p.log_start);
                case Committed:
                    return offset_text(p.committed);
                case Durable:
                    return offset_text(p.durable);
                case Pending:
                    return format_count(p.pending);
                case Consumed:
                    return offset_text(p.consumed_position);
                case HighWatermark:
                    return offset_text(p.end_offset);
                case Lag:
                    return format_count(p.lag_messages);
                case Exposure:
                    return format_count(p.exposure);
                case Lost:
                    return format_count(p.lost_to_retention);
                default:
                    return {};
            }
        default:
            return {};
    }
}

QVariant OffsetTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
            case Durable:
                return tr("Every read offset below this is written or dead-lettered");
            case Pending:
                return tr("Read and not yet durable: queued or being written");
            case Exposure:
                return tr(
                    "Read but not committed: what a crash now would read again (dedup "
                    "absorbs the repeats)");
            case Lost:
                return tr("Offsets the broker deleted (retention) before they were read");
            default:
                return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
        case Partition:
            return tr("Partition");
        case Timeline:
            return tr("Timeline");
        case LogStart:
            return tr("Log start");
        case Committed:
            return tr("Committed");
        case Durable:
            return tr("Durable");
        case Pending:
            return tr("Pending");
        case Consumed:
            return tr("Consumed");
        case HighWatermark:
            return tr("High watermark");
        case Lag:
            return tr("Lag");
        case Exposure:
            return tr("Exposure");
        case Lost:
            return tr("Lost");
        default:
            return {};
    }
}

}  // namespace spillway
