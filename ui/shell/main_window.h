#pragma once
// The console's window. It assembles the pages, the navigation, the log dock, the help overlay and
// the status bar around one SnapshotFeed and one KnobHistoryFeed; each page wires itself to them.
// It knows nothing of the engine beyond the services it is given.
#include <QMainWindow>
#include <vector>

#include "ui/session/snapshot_feed.h"

class QAction;
class QDockWidget;
class QStackedWidget;

namespace spillway {

class ConsoleStatusBar;
class DashboardPage;
class DeadLetterPage;
class DeliveryPage;
class DemoControl;
class DemoPage;
class EngineControl;
class HelpOverlay;
class KnobHistoryFeed;
class LogPane;
class NavigationBar;
class TuningPage;
class WelcomePage;

// What the window may use. Only the snapshots are required: without an EngineControl the tuning
// page is read-only, without a DemoControl the demo page stays hidden.
struct ConsoleServices {
    SnapshotProvider snapshots;
    EngineControl* engine = nullptr;
    DemoControl* demo = nullptr;
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // A read-only console over snapshots alone (tests drive it with hand-made ones).
    explicit MainWindow(SnapshotProvider provider, QWidget* parent = nullptr);
    explicit MainWindow(ConsoleServices services, QWidget* parent = nullptr);
    ~MainWindow() override;

    // The empty state: no connection, with the button to start the demo. `problem`, when given,
    // says why (a failed start).
    void showNoConnection(const QString& problem = {});
    // The empty state's busy form while the demo or the engine starts.
    void showStarting(const QString& step);
    void showDashboard();
    // The page used last time (see restoreLayout), else the dashboard.
    void showConsole();

    // Adds a page to the navigation, with Ctrl+<position> to show it. Returns its position.
    int addPage(QWidget* page, const QString& title, const QString& tooltip = {});
    void showPage(QWidget* page);
    QWidget* currentPage() const;
    // Hides or shows a page's navigation entry (the demo page without a demo).
    void setPageAvailable(QWidget* page, bool available);

    void setConnectionDescription(const QString& text);
    // While set, closing the window emits closeRequested() instead (to drain the engine first);
    // clear it and call close() when done.
    void setDrainOnClose(bool drain) { drain_on_close_ = drain; }

    // Window geometry, dock layout and the current page, in QSettings.
    void saveLayout() const;
    void restoreLayout();

    SnapshotFeed* feed() const { return feed_; }
    KnobHistoryFeed* knobHistory() const { return knob_history_; }
    DashboardPage* dashboardPage() const { return dashboard_page_; }
    TuningPage* tuningPage() const { return tuning_page_; }
    DemoPage* demoPage() const { return demo_page_; }
    DeadLetterPage* deadLetterPage() const { return dead_letter_page_; }
    DeliveryPage* deliveryPage() const { return delivery_page_; }
    LogPane* logPane() const { return log_pane_; }
    QDockWidget* logDock() const { return log_dock_; }
    HelpOverlay* helpOverlay() const { return help_; }

signals:
    void demoRequested();
    // The operator wants the connection profiles (to connect, switch, or edit them).
    void profilesRequested();
    void closeRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    struct Page {
        QWidget* widget;
        int navigation_index;
        QAction* shortcut;
    };
    void build_docks_and_actions();
    void set_console_visible(bool visible);
    const Page* page_for(const QWidget* widget) const;

    SnapshotFeed* feed_;
    KnobHistoryFeed* knob_history_;
    QStackedWidget* pages_;
    NavigationBar* navigation_;
    WelcomePage* welcome_page_;
    DashboardPage* dashboard_page_;
    TuningPage* tuning_page_;
    DemoPage* demo_page_;
    DeadLetterPage* dead_letter_page_;
    DeliveryPage* delivery_page_;
    LogPane* log_pane_;
    QDockWidget* log_dock_;
    HelpOverlay* help_;
    ConsoleStatusBar* status_bar_;
    std::vector<Page> page_list_;
    QString restored_page_;
    bool drain_on_close_ = false;
};

}  // namespace spillway
