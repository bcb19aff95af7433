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
    : RowTableModel(ColumnCount, parent), max_lines_(std::max<size_t>(max_lines, 1)) {}

void LogModel::append(const std::vector<LogEntry>& entries) {
    if (entries.empty())
        return;
    // Only the newest max_lines_ of a large batch can stay.
    const size_t incoming = std::min(entries.size(), max_lines_);
    const size_t held = rows().size();
    remove_first_rows(held + incoming > max_lines_ ? held + incoming - max_lines_ : 0);
    append_rows(std::deque<LogEntry>(entries.end() - std::ptrdiff_t(incoming), entries.end()));
}

void LogModel::clear() {
    set_rows({});
}

QVariant LogModel::cell(const LogEntry& line, int column_index, int role) const {
    if (role == SeverityRole)
        return log_severity(line.level);
    if (role == Qt::ToolTipRole && column_index == Message)
        return line.message;
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(column_index)) {
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

QVariant LogModel::header(int section, int role) const {
    if (role != Qt::DisplayRole)
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
