#pragma once
// A label that shows as much of its text as fits, ending in "…", with the full text as tooltip.
// Error messages can be arbitrarily long; a plain QLabel would force the window wider.
#include <QLabel>

namespace spillway {

class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr);
    void setFullText(const QString& text);  // text() keeps the full text; only painting elides

    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
};

}  // namespace spillway
