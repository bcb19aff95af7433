#include "ui/session/log_capture.h"

#include <QCoreApplication>
#include <atomic>

namespace spillway {

namespace {

QtMessageHandler previous_handler = nullptr;
// Guards `current` against the capture being destroyed while another thread logs.
std::mutex capture_mutex;
LogCapture* current = nullptr;
// A message logged while handing one over (Qt may warn from inside) must not re-enter.
thread_local bool handling = false;

}  // namespace

LogCapture* LogCapture::instance() {
    std::lock_guard lock(capture_mutex);
    if (!current && QCoreApplication::instance())
        current = new LogCapture(QCoreApplication::instance());
    return current;
}

LogCapture::LogCapture(QObject* parent) : QObject(parent) {
    qRegisterMetaType<std::vector<LogEntry>>();
    previous_handler = qInstallMessageHandler(&LogCapture::handle);
}

LogCapture::~LogCapture() {
    qInstallMessageHandler(previous_handler);
    std::lock_guard lock(capture_mutex);
    current = nullptr;
}

void LogCapture::handle(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (previous_handler)
        previous_handler(type, context, message);
    else
        // Without a previous handler, Qt's default output is what qFormatLogMessage gives.
        fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
    if (handling)
        return;
    handling = true;
    {
        std::lock_guard capture_lock(capture_mutex);
        if (LogCapture* capture = current) {
            bool first = false;
            {
                std::lock_guard lock(capture->mutex_);
                if (capture->pending_.size() < kPendingLimit) {
                    first = capture->pending_.empty();
                    capture->pending_.push_back(
                        {QDateTime::currentDateTime(), type,
                         QString::fromLatin1(context.category ? context.category : "default"),
                         message});
                } else {
                    ++capture->dropped_;
                }
            }
            if (first)
                QMetaObject::invokeMethod(capture, &LogCapture::deliver, Qt::QueuedConnection);
        }
    }
    handling = false;
}

void LogCapture::deliver() {
    std::vector<LogEntry> entries;
    size_t dropped = 0;
    {
        std::lock_guard lock(mutex_);
        entries.swap(pending_);
        std::swap(dropped, dropped_);
    }
    if (dropped > 0)
        entries.push_back({QDateTime::currentDateTime(), QtWarningMsg,
                           QStringLiteral("spillway.console"),
                           tr("%n log line(s) dropped: they came faster than the log pane "
                              "could take them",
                              nullptr, int(dropped))});
    if (!entries.empty())
        emit captured(entries);
}

}  // namespace spillway
