#include "ui/charts/chart_view_bar.h"

#include <QAction>
#include <QButtonGroup>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include "ui/widgets/theme.h"
#include "ui/widgets/tone_label.h"

namespace spillway {

namespace {

QString window_name(int seconds) {
    return seconds < 3600 ? QObject::tr("%1 min").arg(seconds / 60) : QObject::tr("1 h");
}

}  // namespace

ChartViewBar::ChartViewBar(ChartTimeline* timeline, QWidget* parent)
    : QWidget(parent),
      timeline_(timeline),
      window_buttons_(new QButtonGroup(this)),
      pause_button_(new QToolButton(this)),
      live_button_(new QToolButton(this)),
      hint_(new ToneLabel(QString(), ToneLabel::Role::Muted, this)),
      pause_action_(new QAction(tr("Pause the live view"), this)),
      live_action_(new QAction(tr("Back to the live view"), this)) {
    setObjectName(QStringLiteral("chart_view_bar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto* caption = new QLabel(tr("Window"), this);
    layout->addWidget(caption);
    for (size_t index = 0; index < kWindows.size(); ++index) {
        const int seconds = kWindows[index];
        auto* button = new QToolButton(this);
        button->setText(window_name(seconds));
        button->setCheckable(true);
        button->setObjectName(QStringLiteral("button_window_%1").arg(seconds));
        button->setToolTip(
            tr("Show the last %1 (key %2)").arg(window_name(seconds)).arg(index + 1));
        window_buttons_->addButton(button, seconds);
        layout->addWidget(button);
        auto* action = new QAction(tr("Show the last %1").arg(window_name(seconds)), this);
        action->setShortcut(QKeySequence(Qt::Key_1 + int(index)));
        connect(action, &QAction::triggered, this,
                [this, seconds] { timeline_->setWindowSeconds(seconds); });
        window_actions_[index] = action;
    }
    window_buttons_->setExclusive(true);
    connect(window_buttons_, &QButtonGroup::idClicked, this,
            [this](int seconds) { timeline_->setWindowSeconds(seconds); });

    layout->addSpacing(12);
    pause_button_->setObjectName(QStringLiteral("button_pause"));
    pause_button_->setToolButtonStyle(Qt::ToolButtonTextOnly);
    layout->addWidget(pause_button_);
    live_button_->setObjectName(QStringLiteral("button_live"));
    live_button_->setText(tr("Live"));
    live_button_->setToolTip(tr("Return to the live view (Esc)"));
    layout->addWidget(live_button_);
    layout->addSpacing(8);
    hint_->setObjectName(QStringLiteral("label_view_hint"));
    layout->addWidget(hint_, 1);

    pause_action_->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::Key_Space)});
    live_action_->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(pause_action_, &QAction::triggered, timeline_, &ChartTimeline::togglePause);
    connect(live_action_, &QAction::triggered, timeline_, &ChartTimeline::goLive);
    connect(pause_button_, &QToolButton::clicked, timeline_, &ChartTimeline::togglePause);
    connect(live_button_, &QToolButton::clicked, timeline_, &ChartTimeline::goLive);
    connect(timeline_, &ChartTimeline::modeChanged, this, &ChartViewBar::show_mode);
    connect(timeline_, &ChartTimeline::windowChanged, this, &ChartViewBar::show_window);

    apply_colors();
    show_window(timeline_->windowSeconds());
    show_mode(timeline_->mode());
}

void ChartViewBar::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange)
        apply_colors();
    QWidget::changeEvent(event);
}

void ChartViewBar::apply_colors() {
    // A segmented look whose checked and disabled states read in both themes, whatever the
    // platform style makes of checked tool buttons. On the buttons, not on this widget: a style
    // sheet on a container stops palette changes from reaching its labels.
    theme::style_tool_buttons(this, theme::segmented_button_style(palette()));
}

void ChartViewBar::installShortcuts(QWidget* scope) {
    QList<QAction*> actions{pause_action_, live_action_};
    for (QAction* action : window_actions_)
        actions << action;
    for (QAction* action : actions) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        scope->addAction(action);
    }
}

void ChartViewBar::show_window(double seconds) {
    if (QAbstractButton* button = window_buttons_->button(int(seconds)))
        button->setChecked(true);
}

void ChartViewBar::show_mode(ChartTimeline::Mode mode) {
    switch (mode) {
        case ChartTimeline::Mode::Live:
            pause_button_->setText(tr("Pause"));
            pause_button_->setToolTip(tr("Freeze the charts (F5 or Space)"));
            hint_->setText(
                tr("Live · drag a chart to look back, wheel to zoom, click a legend "
                   "entry to hide it"));
            break;
        case ChartTimeline::Mode::Paused:
            pause_button_->setText(tr("Resume"));
            pause_button_->setToolTip(tr("Follow the newest figures again (F5 or Space)"));
            hint_->setText(tr("Paused · figures keep being recorded"));
            break;
        case ChartTimeline::Mode::Browsing:
            pause_button_->setText(tr("Resume"));
            pause_button_->setToolTip(tr("Follow the newest figures again (F5 or Space)"));
            hint_->setText(tr("Paused while you browse · Live or Esc returns"));
            break;
    }
    live_button_->setEnabled(mode != ChartTimeline::Mode::Live);
}

}  // namespace spillway
