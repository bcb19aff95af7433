#include "ui/widgets/metric_tile.h"

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>

#include "ui/widgets/elided_label.h"

namespace spillway {

MetricTile::MetricTile(const QString& caption, QWidget* parent)
    : Card(parent),
      caption_(new QLabel(caption, this)),
      value_(new QLabel(QStringLiteral("—"), this)),
      detail_(new ElidedLabel(this)) {
    QFont caption_font = caption_->font();
    caption_font.setPointSizeF(caption_font.pointSizeF() * 0.9);
    caption_font.setWeight(QFont::Medium);
    caption_->setFont(caption_font);

    QFont value_font = value_->font();
    value_font.setPointSizeF(value_font.pointSizeF() * 1.7);
    value_font.setWeight(QFont::DemiBold);
    value_->setFont(value_font);
    value_->setTextFormat(Qt::PlainText);

    QFont detail_font = detail_->font();
    detail_font.setPointSizeF(detail_font.pointSizeF() * 0.9);
    detail_->setFont(detail_font);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(caption_);
    layout->addWidget(value_);
    layout->addWidget(detail_);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    apply_colors();
}

void MetricTile::setValue(const QString& value, theme::Tone tone) {
    value_->setText(value);
    if (tone != tone_) {
        tone_ = tone;
        apply_colors();
    }
}

void MetricTile::setDetail(const QString& detail) {
    detail_->setFullText(detail);
}

QString MetricTile::caption() const {
    return caption_->text();
}
QString MetricTile::value() const {
    return value_->text();
}
QString MetricTile::detail() const {
    return detail_->text();
}

void MetricTile::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange)
        apply_colors();
    Card::changeEvent(event);
}

void MetricTile::apply_colors() {
    const auto recolor = [](QLabel* label, const QColor& color) {
        QPalette palette = label->palette();
        palette.setColor(QPalette::WindowText, color);
        label->setPalette(palette);
    };
    recolor(caption_, theme::muted_text(palette()));
    recolor(detail_, theme::muted_text(palette()));
    recolor(value_, tone_ == theme::Tone::Neutral ? theme::text(palette())
                                                  : theme::tone_color(tone_, palette()));
}

}  // namespace spillway
