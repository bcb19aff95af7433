#include "ui/widgets/card.h"

#include <QPainter>

#include "ui/widgets/theme.h"

namespace spillway {

Card::Card(QWidget* parent) : QFrame(parent) {
    setFrameShape(QFrame::NoFrame);
    setContentsMargins(14, 10, 14, 12);
}

void Card::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(theme::card_border(palette()), 1.0));
    painter.setBrush(theme::card_background(palette()));
    // Half-pixel inset keeps the 1 px border crisp instead of smeared across two pixels.
    painter.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8);
}

}  // namespace spillway
