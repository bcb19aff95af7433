#pragma once
// One figure on the dashboard: a caption, a large value and a one-line detail beneath it.
#include <QString>

#include "ui/widgets/card.h"
#include "ui/widgets/theme.h"

class QLabel;

namespace spillway {

class ElidedLabel;

class MetricTile : public Card {
    Q_OBJECT
public:
    MetricTile(const QString& caption, QWidget* parent = nullptr);

    void setValue(const QString& value, theme::Tone tone = theme::Tone::Neutral);
    void setDetail(const QString& detail);

    QString caption() const;
    QString value() const;
    QString detail() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void apply_colors();

    QLabel* caption_;
    QLabel* value_;
    ElidedLabel* detail_;
    theme::Tone tone_ = theme::Tone::Neutral;
};

}  // namespace spillway
