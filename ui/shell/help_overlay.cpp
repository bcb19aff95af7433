#include "ui/shell/help_overlay.h"

#include <QAction>
#include <QEvent>
#include <QKeyEvent>
#include <QPainter>
#include <algorithm>

#include "ui/widgets/theme.h"

namespace spillway {

namespace {

// The section an action belongs to: the title of the page it is installed on.
QString section_of(const QAction* action, const QWidget* window) {
    // The nearest titled widget up from where the action is installed (a pane inside a page).
    for (const QObject* object : action->associatedObjects())
        for (auto* widget = qobject_cast<const QWidget*>(object); widget && widget != window;
             widget = widget->parentWidget())
            if (!widget->windowTitle().isEmpty())
                return widget->windowTitle();
    return QObject::tr("Everywhere");
}

}  // namespace

HelpOverlay::HelpOverlay(QWidget* window) : QWidget(window) {
    setObjectName(QStringLiteral("help_overlay"));
    setFocusPolicy(Qt::StrongFocus);
    hide();
    window->installEventFilter(this);
}

void HelpOverlay::open() {
    entries_.clear();
    QWidget* window = parentWidget();
    QList<QStringList> general;
    for (QAction* action : window->findChildren<QAction*>()) {
        if (action->shortcuts().isEmpty() || action->text().isEmpty() || !action->isEnabled())
            continue;
        QStringList keys;
        for (const QKeySequence& key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText);
        QString text = action->text();
        text.remove(u'&');
        const QString section = section_of(action, window);
        QStringList entry{section, keys.join(tr(" or ")), text};
        if (section == tr("Everywhere"))
            general << entry;
        else
            entries_ << entry;
    }
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const QStringList& a, const QStringList& b) { return a[0] < b[0]; });
    // The charts' mouse gestures belong in the same list.
    const QString charts = tr("Charts");
    entries_ << QStringList{charts, tr("Drag"), tr("Look back in time (pauses the live view)")}
             << QStringList{charts, tr("Wheel"), tr("Zoom the time axis")}
             << QStringList{charts, tr("Click a legend entry"), tr("Hide or show that series")}
             << QStringList{charts, tr("Hover a dashed line"), tr("What the knob change was")};
    entries_ = general + entries_;
    setGeometry(window->rect());
    raise();
    show();
    setFocus();
    update();
}

QList<QStringList> HelpOverlay::entries() const {
    return entries_;
}

bool HelpOverlay::eventFilter(QObject* watched, QEvent* event) {
    if (watched == parentWidget() && event->type() == QEvent::Resize && isVisible())
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

void HelpOverlay::keyPressEvent(QKeyEvent* event) {
    event->accept();
    hide();
}

void HelpOverlay::mousePressEvent(QMouseEvent* event) {
    event->accept();
    hide();
}

void HelpOverlay::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QColor dim = theme::is_dark(palette()) ? QColor(0, 0, 0) : QColor(15, 23, 42);
    dim.setAlphaF(0.55f);
    painter.fillRect(rect(), dim);

    QFont body = font();
    QFont bold = body;
    bold.setWeight(QFont::DemiBold);
    QFont heading = bold;
    heading.setPointSizeF(body.pointSizeF() * 1.35);
    const QFontMetrics body_metrics(body);
    const QFontMetrics heading_metrics(heading);
    const int line = body_metrics.height() + 6;

    int keys_width = 0, text_width = 0, sections = 0;
    QString previous;
    for (const QStringList& entry : entries_) {
        keys_width = std::max(keys_width, QFontMetrics(bold).horizontalAdvance(entry[1]));
        text_width = std::max(text_width, body_metrics.horizontalAdvance(entry[2]));
        if (entry[0] != previous)
            ++sections;
        previous = entry[0];
    }
    const int padding = 28;
    const int width = std::min(this->width() - 40, keys_width + text_width + 32 + 2 * padding);
    const int height = std::min(
        this->height() - 40, heading_metrics.height() + 16 + int(entries_.size()) * line +
                                 sections * (line + 8) + body_metrics.height() + 16 + 2 * padding);
    const QRect card((this->width() - width) / 2, (this->height() - height) / 2, width, height);
    painter.setPen(QPen(theme::card_border(palette()), 1));
    painter.setBrush(theme::card_background(palette()));
    painter.drawRoundedRect(card, 10, 10);

    int y = card.top() + padding;
    const int left = card.left() + padding;
    painter.setPen(theme::text(palette()));
    painter.setFont(heading);
    painter.drawText(left, y + heading_metrics.ascent(), tr("Keyboard shortcuts"));
    y += heading_metrics.height() + 16;
    previous.clear();
    for (const QStringList& entry : entries_) {
        if (entry[0] != previous) {
            painter.setFont(bold);
            painter.setPen(theme::muted_text(palette()));
            painter.drawText(left, y + 8 + body_metrics.ascent(), entry[0].toUpper());
            y += line + 8;
            previous = entry[0];
        }
        painter.setFont(bold);
        painter.setPen(theme::text(palette()));
        painter.drawText(left, y + body_metrics.ascent(), entry[1]);
        painter.setFont(body);
        painter.drawText(left + keys_width + 32, y + body_metrics.ascent(), entry[2]);
        y += line;
    }
    painter.setPen(theme::muted_text(palette()));
    painter.drawText(left,
                     card.bottom() - padding + body_metrics.ascent() - body_metrics.height() + 8,
                     tr("Press any key or click to close"));
}

}  // namespace spillway
