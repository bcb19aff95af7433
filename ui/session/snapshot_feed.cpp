#include "ui/session/snapshot_feed.h"

#include <exception>

#include "ui/session/console_logging.h"

namespace spillway {

SnapshotFeed::SnapshotFeed(SnapshotProvider provider, std::chrono::milliseconds interval,
                           QObject* parent)
    : QObject(parent), provider_(std::move(provider)) {
    timer_.setInterval(interval);
    connect(&timer_, &QTimer::timeout, this, &SnapshotFeed::poll);
    timer_.start();
}

void SnapshotFeed::poll() {
    if (!provider_)
        return;
    std::shared_ptr<const Snapshot> next;
    try {
        next = provider_();
    } catch (const std::exception& error) {
        // A slot that throws would terminate the application; a missed tick costs nothing.
        qCWarning(lcConsole) << "snapshot provider failed:" << error.what();
        return;
    }
    if (!next || next == latest_)
        return;
    latest_ = std::move(next);
    emit updated(latest_);
}

}  // namespace spillway
