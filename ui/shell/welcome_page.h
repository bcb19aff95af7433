#pragma once
// The empty state, shown when the console was started without any address: it says there is no
// connection and offers to start the embedded demo or to connect with a saved profile. While something is starting it shows progress
// instead of the button.
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace spillway {

class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);

    // Idle: the explanation and the demo button. `problem` (optional) says why we are back here.
    void showIdle(const QString& problem = {});
    // Busy: the button is replaced by a progress indicator and the current step.
    void showBusy(const QString& step);

signals:
    void demoRequested();
    void profilesRequested();

private:
    QLabel* headline_;
    QLabel* explanation_;
    QLabel* problem_;
    QPushButton* demo_button_;
    QPushButton* profiles_button_;
    QProgressBar* progress_;
    QLabel* step_;
};

}  // namespace spillway
