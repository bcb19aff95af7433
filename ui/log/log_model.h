#pragma once
// The console's log lines as a table (time, level, category, message), bounded: the oldest lines
// go when the limit is reached. LogLevelFilter shows lines at or above a level and matching a text.
#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <deque>

#include "ui/models/row_table_model.h"
#include "ui/session/log_capture.h"

namespace spillway {

// Debug < Info < Warning < Critical < Fatal (QtMsgType's own values are not in that order).
int log_severity(QtMsgType level);
QString log_level_name(QtMsgType level);

class LogModel : public RowTableModel<LogEntry, std::deque<LogEntry>> {
    Q_OBJECT
public:
    enum Column { Time, Level, Category, Message, ColumnCount };
    static constexpr int SeverityRole = Qt::UserRole + 1;

    explicit LogModel(size_t max_lines = 5000, QObject* parent = nullptr);

    void append(const std::vector<LogEntry>& entries);
    void clear();
    size_t maxLines() const { return max_lines_; }

private:
    QVariant cell(const LogEntry& line, int column_index, int role) const override;
    QVariant header(int section, int role) const override;

    size_t max_lines_;
};

class LogLevelFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit LogLevelFilter(QObject* parent = nullptr);

    void setMinimumLevel(QtMsgType level);
    QtMsgType minimumLevel() const { return minimum_; }
    void setText(const QString& text);

protected:
    bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

private:
    QtMsgType minimum_ = QtDebugMsg;
    QString text_;
};

}  // namespace spillway
