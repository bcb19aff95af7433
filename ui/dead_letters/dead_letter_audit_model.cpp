#include "ui/dead_letters/dead_letter_audit_model.h"

#include <QDateTime>

#include "ui/widgets/format.h"

namespace spillway {

namespace {

QString selection_text(const DeadLetterAuditRow& row) {
    if (row.filter)
        return QString::fromStdString(*row.filter);
    QStringList ids;
    constexpr size_t kShown = 8;
    for (size_t i = 0; i < row.entry_ids.size() && i < kShown; ++i)
        ids << QString::number(row.entry_ids[i]);
    QString text = (row.entry_ids.size() == 1 ? QStringLiteral("id ") : QStringLiteral("ids ")) +
                   ids.join(QStringLiteral(", "));
    if (row.entry_count > qsizetype(ids.size()))
        text += QStringLiteral(", … (%1)").arg(format_count(row.entry_count));
    return ids.isEmpty() ? QString() : text;
}

}  // namespace

DeadLetterAuditModel::DeadLetterAuditModel(QObject* parent) : RowTableModel(ColumnCount, parent) {}

void DeadLetterAuditModel::setRows(std::vector<DeadLetterAuditRow> rows) {
    set_rows(std::move(rows));
}

QVariant DeadLetterAuditModel::cell(const DeadLetterAuditRow& row, int column_index,
                                    int role) const {
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (Column(column_index)) {
            case At: {
                const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    row.at.time_since_epoch());
                return QDateTime::fromMSecsSinceEpoch(ms.count())
                    .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            }
            case Actor:
                return QString::fromStdString(row.actor);
            case Action:
                return QString::fromStdString(row.action);
            case Entries:
                return format_count(row.entry_count);
            case Selection:
                return selection_text(row);
            case Outcome:
                return QString::fromStdString(row.outcome);
            case ColumnCount:
                break;
        }
    }
    if (role == Qt::TextAlignmentRole && column_index == Entries)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant DeadLetterAuditModel::header(int section, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
        case At:
            return tr("When");
        case Actor:
            return tr("Who");
        case Action:
            return tr("Action");
        case Entries:
            return tr("Entries");
        case Selection:
            return tr("Selection");
        case Outcome:
            return tr("Outcome");
        case ColumnCount:
            break;
    }
    return {};
}

}  // namespace spillway
