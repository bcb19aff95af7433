#pragma once
// The keyboard help: a translucent overlay over the window listing every action that has a
// shortcut, grouped by the page it works on. F1 or "?" opens it; any key or click closes it.
#include <QWidget>

class QAction;

namespace spillway {

class HelpOverlay : public QWidget {
    Q_OBJECT
public:
    // Covers `window` (its parent) and collects the shortcuts from it and its children.
    explicit HelpOverlay(QWidget* window);

    void open();
    // The lines shown: "section", "keys", "what" triples, in order.
    QList<QStringList> entries() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QList<QStringList> entries_;
};

}  // namespace spillway
