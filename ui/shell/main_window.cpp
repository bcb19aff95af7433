#include "ui/shell/main_window.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QToolButton>

#include "ui/shell/console_status_bar.h"
#include "ui/dashboard/dashboard_page.h"
#include "ui/dead_letters/dead_letter_page.h"
#include "ui/delivery/delivery_page.h"
#include "ui/demo/demo_page.h"
#include "ui/shell/help_overlay.h"
#include "ui/session/knob_history_feed.h"
#include "ui/log/log_pane.h"
#include "ui/shell/navigation_bar.h"
#include "ui/tuning/tuning_page.h"
#include "ui/shell/welcome_page.h"

namespace spillway {

namespace {

const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kPageKey = QStringLiteral("window/page");

}  // namespace

MainWindow::MainWindow(SnapshotProvider provider, QWidget* parent)
    : MainWindow(ConsoleServices{std::move(provider), nullptr, nullptr}, parent) {}

MainWindow::MainWindow(ConsoleServices services, QWidget* parent)
    : QMainWindow(parent),
      feed_(new SnapshotFeed(std::move(services.snapshots), std::chrono::milliseconds(100), this)),
      knob_history_(new KnobHistoryFeed(feed_, services.engine, this)),
      pages_(new QStackedWidget),
      navigation_(new NavigationBar),
      welcome_page_(new WelcomePage(pages_)),
      dashboard_page_(new DashboardPage(feed_, knob_history_, pages_)),
      tuning_page_(new TuningPage(feed_, knob_history_, services.engine, pages_)),
      demo_page_(new DemoPage(feed_, services.demo, pages_)),
      dead_letter_page_(new DeadLetterPage(pages_)),
      delivery_page_(new DeliveryPage(feed_, pages_)),
      log_pane_(new LogPane),
      log_dock_(new QDockWidget(tr("Log"), this)),
      help_(nullptr),
      status_bar_(new ConsoleStatusBar(feed_, this)) {
    setObjectName(QStringLiteral("main_window"));
    setWindowTitle(tr("Spillway"));
    pages_->addWidget(welcome_page_);

    auto* central = new QWidget;
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(navigation_);
    layout->addWidget(pages_, 1);
    setCentralWidget(central);
    setStatusBar(status_bar_);

    addPage(dashboard_page_, tr("Dashboard"), tr("Live figures and charts"));
    addPage(tuning_page_, tr("Tuning"), tr("Change the engine's settings while it runs"));
    addPage(demo_page_, tr("Demo"), tr("Load and faults for the embedded demo"));
    // The console gives it the running engine's store: setStore().
    addPage(dead_letter_page_, tr("Dead letters"),
            tr("Look at, fix, replay, discard and export what could not be stored"));
    addPage(delivery_page_, tr("Delivery"),
            tr("Where every partition's events are: committed, durable, pending, exposure"));
    setPageAvailable(demo_page_, demo_page_->available());
    connect(demo_page_, &DemoPage::availabilityChanged, this,
            [this](bool available) { setPageAvailable(demo_page_, available); });
    connect(navigation_, &NavigationBar::pageRequested, this, [this](int index) {
        for (const Page& page : page_list_)
            if (page.navigation_index == index)
                showPage(page.widget);
    });
    build_docks_and_actions();
    help_ = new HelpOverlay(this);

    // A size that fits the dashboard without scrolling, within the screen.
    QSize size(1440, 900);
    if (const QScreen* screen = this->screen())
        size = size.boundedTo(screen->availableSize() * 0.95);
    resize(size.expandedTo(QSize(1100, 700)));
    connect(welcome_page_, &WelcomePage::demoRequested, this, &MainWindow::demoRequested);
    connect(welcome_page_, &WelcomePage::profilesRequested, this, &MainWindow::profilesRequested);
    showDashboard();
}

MainWindow::~MainWindow() = default;

void MainWindow::build_docks_and_actions() {
    log_dock_->setObjectName(QStringLiteral("dock_log"));
    log_dock_->setWidget(log_pane_);
    log_dock_->setAllowedAreas(Qt::BottomDockWidgetArea | Qt::RightDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, log_dock_);
    log_dock_->hide();

    QAction* log_action = log_dock_->toggleViewAction();
    log_action->setText(tr("Show or hide the log"));
    log_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    addAction(log_action);
    auto* help_action = new QAction(tr("Show the keyboard shortcuts"), this);
    help_action->setShortcuts({QKeySequence(Qt::Key_F1), QKeySequence(Qt::Key_Question)});
    connect(help_action, &QAction::triggered, this, [this] { help_->open(); });
    addAction(help_action);
    auto* profiles_action = new QAction(tr("Connection profiles: connect, switch or edit"), this);
    profiles_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    connect(profiles_action, &QAction::triggered, this, &MainWindow::profilesRequested);
    addAction(profiles_action);
    auto* quit_action = new QAction(tr("Close Spillway (drains the engine first)"), this);
    quit_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    connect(quit_action, &QAction::triggered, this, &QWidget::close);
    addAction(quit_action);

    QToolButton* log_button =
        navigation_->addTool(tr("Log"), tr("Show or hide the log (Ctrl+L)"), true);
    log_button->setObjectName(QStringLiteral("nav_log"));
    connect(log_button, &QToolButton::toggled, log_dock_, &QDockWidget::setVisible);
    // The signal's own argument, not log_dock_: the dock still signals while ~QWidget tears
    // the window down, when `this` is no longer a MainWindow.
    connect(log_dock_, &QDockWidget::visibilityChanged, log_button, [log_button](bool visible) {
        const QSignalBlocker blocker(log_button);
        log_button->setChecked(visible);
    });
    QToolButton* profiles_button =
        navigation_->addTool(tr("Connect…"), tr("Connection profiles (Ctrl+O)"), false);
    profiles_button->setObjectName(QStringLiteral("nav_profiles"));
    connect(profiles_button, &QToolButton::clicked, profiles_action, &QAction::trigger);
    QToolButton* help_button =
        navigation_->addTool(tr("? Keys"), tr("Keyboard shortcuts (F1)"), false);
    help_button->setObjectName(QStringLiteral("nav_help"));
    connect(help_button, &QToolButton::clicked, help_action, &QAction::trigger);
}

int MainWindow::addPage(QWidget* page, const QString& title, const QString& tooltip) {
    if (pages_->indexOf(page) < 0)
        pages_->addWidget(page);
    const int position = int(page_list_.size()) + 1;
    const QString keys = position <= 9 ? QStringLiteral(" (Ctrl+%1)").arg(position) : QString();
    const int index = navigation_->addPage(title, tooltip + keys);
    if (page->windowTitle().isEmpty())
        page->setWindowTitle(title);
    auto* shortcut = new QAction(tr("Show the %1 page").arg(title), this);
    if (position <= 9)
        shortcut->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + position)));
    connect(shortcut, &QAction::triggered, this, [this, page] {
        if (navigation_->isVisible())
            showPage(page);
    });
    addAction(shortcut);
    page_list_.push_back({page, index, shortcut});
    return position;
}

const MainWindow::Page* MainWindow::page_for(const QWidget* widget) const {
    for (const Page& page : page_list_)
        if (page.widget == widget)
            return &page;
    return nullptr;
}

void MainWindow::showPage(QWidget* widget) {
    const Page* page = page_for(widget);
    if (!page || !page->shortcut->isEnabled())
        return;
    set_console_visible(true);
    pages_->setCurrentWidget(widget);
    navigation_->setCurrent(page->navigation_index);
    // The page's own shortcuts (Space, 1-4, Ctrl+Return) work while it has the focus.
    widget->setFocus();
}

QWidget* MainWindow::currentPage() const {
    return pages_->currentWidget();
}

void MainWindow::setPageAvailable(QWidget* widget, bool available) {
    const Page* page = page_for(widget);
    if (!page)
        return;
    navigation_->setPageVisible(page->navigation_index, available);
    page->shortcut->setEnabled(available);
    if (!available && pages_->currentWidget() == widget)
        showDashboard();
}

void MainWindow::set_console_visible(bool visible) {
    navigation_->setVisible(visible);
}

void MainWindow::showNoConnection(const QString& problem) {
    welcome_page_->showIdle(problem);
    set_console_visible(false);
    pages_->setCurrentWidget(welcome_page_);
    status_bar_->setConnectionText(tr("Not connected"));
}

void MainWindow::showStarting(const QString& step) {
    welcome_page_->showBusy(step);
    set_console_visible(false);
    pages_->setCurrentWidget(welcome_page_);
    status_bar_->setConnectionText(step);
}

void MainWindow::showDashboard() {
    showPage(dashboard_page_);
}

void MainWindow::showConsole() {
    for (const Page& page : page_list_)
        if (page.widget->objectName() == restored_page_ && page.shortcut->isEnabled()) {
            showPage(page.widget);
            return;
        }
    showDashboard();
}

void MainWindow::setConnectionDescription(const QString& text) {
    status_bar_->setConnectionDescription(text);
}

void MainWindow::saveLayout() const {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    if (pages_->currentWidget() != welcome_page_)
        settings.setValue(kPageKey, pages_->currentWidget()->objectName());
}

void MainWindow::restoreLayout() {
    QSettings settings;
    if (settings.contains(kGeometryKey))
        restoreGeometry(settings.value(kGeometryKey).toByteArray());
    if (settings.contains(kStateKey))
        restoreState(settings.value(kStateKey).toByteArray());
    restored_page_ = settings.value(kPageKey).toString();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (drain_on_close_) {
        event->ignore();
        emit closeRequested();
        return;
    }
    saveLayout();
    QMainWindow::closeEvent(event);
}

}  // namespace spillway
