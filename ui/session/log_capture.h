#pragma once
// Captures the process's Qt log messages for the console's log pane. Installs a message handler
// (chained to the one before it, so stderr still gets every line) that may be called on any
// thread: it only appends to a bounded pending list under a mutex and, when the list was empty,
// posts one queued call to the GUI thread, which takes the whole list. A burst of log lines costs
// one hand-off, not one per line.
#include <QDateTime>
#include <QObject>
#include <QString>
#include <mutex>
#include <vector>

namespace spillway {

struct LogEntry {
    QDateTime at;
    QtMsgType level;
    QString category;
    QString message;
};

class LogCapture : public QObject {
    Q_OBJECT
public:
    // Lines waiting for the GUI thread beyond this are dropped (and counted).
    static constexpr size_t kPendingLimit = 5000;

    // The process-wide capture, created (and the handler installed) on first use, which must be
    // on the GUI thread. It lives until the application object is destroyed.
    static LogCapture* instance();

signals:
    // On the GUI thread, in order.
    void captured(const std::vector<spillway::LogEntry>& entries);

private:
    explicit LogCapture(QObject* parent);
    ~LogCapture() override;
    static void handle(QtMsgType type, const QMessageLogContext& context, const QString& message);
    void deliver();

    std::mutex mutex_;  // guards the two fields below
    std::vector<LogEntry> pending_;
    size_t dropped_ = 0;
};

}  // namespace spillway
