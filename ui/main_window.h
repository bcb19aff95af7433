#pragma once
// The console's window. It only assembles pages and the status bar around one SnapshotFeed; each
// page wires itself to the feed. It knows nothing of the engine beyond the snapshot provider.
#include <QMainWindow>

#include "ui/snapshot_feed.h"

class QStackedWidget;

namespace spillway {

class ConsoleStatusBar;
class DashboardPage;
class WelcomePage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // The window starts on the dashboard and polls `provider` ten times a second.
    explicit MainWindow(SnapshotProvider provider, QWidget* parent = nullptr);

    // The empty state: no connection, with the button to start the demo. `problem`, when given,
    // says why (a failed start).
    void showNoConnection(const QString& problem = {});
    // The empty state's busy form while the demo or the engine starts.
    void showStarting(const QString& step);
    void showDashboard();

    SnapshotFeed* feed() const { return feed_; }

signals:
    void demoRequested();

private:
    SnapshotFeed* feed_;
    QStackedWidget* pages_;
    WelcomePage* welcome_page_;
    DashboardPage* dashboard_page_;
    ConsoleStatusBar* status_bar_;
};

}  // namespace spillway
