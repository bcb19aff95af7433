#include "ui/shell/navigation_bar.h"

#include <QButtonGroup>
#include <QEvent>
#include <QPainter>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/widgets/theme.h"

namespace spillway {

namespace {

QToolButton* make_button(QWidget* parent, const QString& text, const QString& tooltip) {
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tooltip);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    button->setMinimumHeight(34);
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::NoFocus);
    return button;
}

}  // namespace

NavigationBar::NavigationBar(QWidget* parent)
    : QWidget(parent),
      group_(new QButtonGroup(this)),
      pages_(new QVBoxLayout),
      tools_(new QVBoxLayout) {
    setObjectName(QStringLiteral("navigation_bar"));
    group_->setExclusive(true);
    pages_->setSpacing(2);
    tools_->setSpacing(2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 12, 8, 10);
    layout->addLayout(pages_);
    layout->addStretch(1);
    layout->addLayout(tools_);
    setFixedWidth(118);
    connect(group_, &QButtonGroup::idClicked, this, &NavigationBar::pageRequested);
}

int NavigationBar::addPage(const QString& title, const QString& tooltip) {
    auto* button = make_button(this, title, tooltip);
    button->setCheckable(true);
    button->setObjectName(QStringLiteral("nav_%1").arg(group_->buttons().size()));
    const int index = int(group_->buttons().size());
    group_->addButton(button, index);
    pages_->addWidget(button);
    button->setStyleSheet(theme::navigation_style(palette()));
    return index;
}

void NavigationBar::setCurrent(int index) {
    if (QAbstractButton* button = group_->button(index))
        button->setChecked(true);
}

void NavigationBar::setPageVisible(int index, bool visible) {
    if (QAbstractButton* button = group_->button(index))
        button->setVisible(visible);
}

QToolButton* NavigationBar::addTool(const QString& text, const QString& tooltip, bool checkable) {
    auto* button = make_button(this, text, tooltip);
    button->setCheckable(checkable);
    tools_->addWidget(button);
    button->setStyleSheet(theme::navigation_style(palette()));
    return button;
}

void NavigationBar::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange)
        theme::style_tool_buttons(this, theme::navigation_style(palette()));
    QWidget::changeEvent(event);
}

void NavigationBar::paintEvent(QPaintEvent*) {
    // A faint panel with a hairline on the right, from the palette so both themes work.
    QPainter painter(this);
    painter.fillRect(rect(), theme::blend(theme::page_background(palette()),
                                          theme::card_background(palette()), 0.5));
    painter.setPen(theme::card_border(palette()));
    painter.drawLine(rect().topRight(), rect().bottomRight());
}

}  // namespace spillway
