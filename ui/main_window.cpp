#include "ui/main_window.h"

#include <QStackedWidget>

#include "ui/console_status_bar.h"
#include "ui/dashboard_page.h"
#include "ui/welcome_page.h"

namespace spillway {

MainWindow::MainWindow(SnapshotProvider provider, QWidget* parent)
    : QMainWindow(parent),
      feed_(new SnapshotFeed(std::move(provider), std::chrono::milliseconds(100), this)),
      pages_(new QStackedWidget(this)),
      welcome_page_(new WelcomePage(pages_)),
      dashboard_page_(new DashboardPage(feed_, pages_)),
      status_bar_(new ConsoleStatusBar(feed_, this)) {
    setObjectName(QStringLiteral("main_window"));
    setWindowTitle(tr("Spillway"));
    pages_->addWidget(welcome_page_);
    pages_->addWidget(dashboard_page_);
    pages_->setCurrentWidget(dashboard_page_);
    setCentralWidget(pages_);
    setStatusBar(status_bar_);
    resize(1280, 820);
    connect(welcome_page_, &WelcomePage::demoRequested, this, &MainWindow::demoRequested);
}

void MainWindow::showNoConnection(const QString& problem) {
    welcome_page_->showIdle(problem);
    pages_->setCurrentWidget(welcome_page_);
    status_bar_->setConnectionText(tr("Not connected"));
}

void MainWindow::showStarting(const QString& step) {
    welcome_page_->showBusy(step);
    pages_->setCurrentWidget(welcome_page_);
    status_bar_->setConnectionText(step);
}

void MainWindow::showDashboard() {
    pages_->setCurrentWidget(dashboard_page_);
}

}  // namespace spillway
