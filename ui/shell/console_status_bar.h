#pragma once
// The status bar: the connection (Kafka and PostgreSQL, each with a health dot), the engine state,
// the latest Kafka and database errors (hidden while there are none), a remote engine's failing
// request (with its URL and HTTP status) and the knobs in force.
#include <QStatusBar>
#include <memory>

#include "core/pipeline/metrics.h"

class QLabel;

namespace spillway {

class ElidedLabel;
class SnapshotFeed;

class ConsoleStatusBar : public QStatusBar {
    Q_OBJECT
public:
    explicit ConsoleStatusBar(SnapshotFeed* feed, QWidget* parent = nullptr);

    // For the time before there is an engine ("Not connected", "Starting…").
    void setConnectionText(const QString& text);
    // Where the console is connected ("embedded demo", the addresses), shown on hover.
    void setConnectionDescription(const QString& text);
    void showSnapshot(const Snapshot& snapshot);
    // A remote engine's latest failed request; empty hides it (the engine answers again).
    void setRemoteProblem(const QString& problem);

protected:
    void changeEvent(QEvent* event) override;

private:
    void apply_colors();

    void show_connection(const Snapshot* snapshot);

    QLabel* connection_;
    QLabel* state_;
    ElidedLabel* kafka_error_;
    ElidedLabel* database_error_;
    ElidedLabel* remote_error_;
    QLabel* knobs_;
};

}  // namespace spillway
