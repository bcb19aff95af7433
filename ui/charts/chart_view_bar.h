#pragma once
// The dashboard's view controls: the time window (1 min, 5 min, 15 min, 1 h), pause/resume, and
// "Live" to leave a paused or zoomed view. Its actions carry the keyboard shortcuts (F5 or Space
// to pause, 1-4 for the windows, Esc for live); install them on the page they should work in.
#include <QWidget>
#include <array>

#include "ui/charts/chart_timeline.h"

class QAction;
class QButtonGroup;
class QLabel;
class QToolButton;

namespace spillway {
class ToneLabel;
}

namespace spillway {

class ChartViewBar : public QWidget {
    Q_OBJECT
public:
    static constexpr std::array<int, 4> kWindows = {60, 300, 900, 3600};  // seconds

    explicit ChartViewBar(ChartTimeline* timeline, QWidget* parent = nullptr);

    // Adds the shortcut actions to `scope`; they work while it or a child has the focus.
    void installShortcuts(QWidget* scope);

    QAction* pauseAction() const { return pause_action_; }
    QAction* liveAction() const { return live_action_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void apply_colors();
    void show_mode(ChartTimeline::Mode mode);
    void show_window(double seconds);

    ChartTimeline* timeline_;
    QButtonGroup* window_buttons_;
    QToolButton* pause_button_;
    QToolButton* live_button_;
    ToneLabel* hint_;
    QAction* pause_action_;
    QAction* live_action_;
    std::array<QAction*, 4> window_actions_{};
};

}  // namespace spillway
