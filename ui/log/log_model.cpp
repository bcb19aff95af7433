#include "ui/log/log_model.h"

#include <QBrush>

namespace spillway {

int log_severity(QtMsgType level) {
    switch (level) {
        case QtDebugMsg:
            return 0;
        case QtInfoMsg:
            return 1;
        case QtWarningMsg:
            return 2;
        case QtCriticalMsg:
            return 3;
        case QtFatalMsg:
            return 4;
    }
    return 0;
}

QString log_level_name(QtMsgType level) {
    switch (level) {
        case QtDebugMsg:
            return QObject::tr("debug");
        case QtInfoMsg:
            return QObject::tr("info");
        case QtWarningMsg:
            return QObject::tr("warning");
        case QtCriticalMsg:
            return QObject::tr("error");
        case QtFatalMsg:
            return QObject::tr("fatal");
    }
    return {};
}

LogModel::LogModel(size_t max_lines, QObject* parent)
    : QAbstractTableModel(parent), max_lines_(std::max<size_t>(max_lines, 1)) {}

void LogModel::append(const std::vector<LogEntry>& entries) {
    if (entries.empty())
        return;
    // Only the newest max_lines_ of a large batch can stay.
    const size_t incoming = std::min(entries.size(), max_lines_);
    const size_t overflow =
        lines_.size() + incoming > max_lines_ ? lines_.size() + incoming - max_lines_ : 0;
    if (overflow > 0) {
        beginRemoveRows(QModelIndex(), 0, int(overflow) - 1);
        lines_.erase(lines_.begin(), lines_.begin() + std::ptrdiff_t(overflow));
        endRemoveRows();
    }
    const int first = int(lines_.size());
    beginInsertRows(QModelIndex(), first, first + int(incoming) - 1);
    lines_.insert(lines_.end(), entries.end() - std::ptrdiff_t(incoming), entries.end());
    endInsertRows();
}

void LogModel::clear() {
    beginResetModel();
    lines_.clear();
    endResetModel();
}

int LogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(lines_.size());
}

int LogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LogEntry& line = lines_[size_t(index.row())];
    if (role == SeverityRole)
        return log_severity(line.level);
    if (role == Qt::ToolTipRole && index.column() == Message)
        return line.message;
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
        case Time:
            return line.at.toString(QStringLiteral("HH:mm:ss.zzz"));
        case Level:
            return log_level_name(line.level);
        case Category:
            return line.category;
        case Message:
            return line.message;
        case ColumnCount:
            break;
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
        case Time:
            return tr("Time");
        case Level:
            return tr("Level");
        case Category:
            return tr("Category");
        case Message:
            return tr("Message");
        case ColumnCount:
            break;
    }
    return {};
}

LogLevelFilter::LogLevelFilter(QObject* parent) : QSortFilterProxyModel(parent) {}

void LogLevelFilter::setMinimumLevel(QtMsgType level) {
    minimum_ = level;
    invalidateRowsFilter();
}

void LogLevelFilter::setText(const QString& text) {
    text_ = text;
    invalidateRowsFilter();
}

bool LogLevelFilter::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
    const QAbstractItemModel* source = sourceModel();
    const QModelIndex level = source->index(source_row, LogModel::Level, source_parent);
    if (source->data(level, LogModel::SeverityRole).toInt() < log_severity(minimum_))
        return false;
    if (text_.isEmpty())
        return true;
    for (int column : {LogModel::Category, LogModel::Message})
        if (source->data(source->index(source_row, column, source_parent))
                .toString()
                .contains(text_, Qt::CaseInsensitive))
            return true;
    return false;
}

}  // namespace spillway
