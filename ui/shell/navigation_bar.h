#pragma once
// The column of page buttons on the window's left edge, with the help and log toggles at the
// bottom. It only shows which page is current and asks for another; the main window switches.
#include <QWidget>

class QButtonGroup;
class QToolButton;
class QVBoxLayout;

namespace spillway {

class NavigationBar : public QWidget {
    Q_OBJECT
public:
    explicit NavigationBar(QWidget* parent = nullptr);

    // Returns the button's index, used by the signals and setters below.
    int addPage(const QString& title, const QString& tooltip);
    void setCurrent(int index);
    void setPageVisible(int index, bool visible);
    // A checkable button at the bottom (the log pane) or a plain one (help).
    QToolButton* addTool(const QString& text, const QString& tooltip, bool checkable);

signals:
    void pageRequested(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QButtonGroup* group_;
    QVBoxLayout* pages_;
    QVBoxLayout* tools_;
};

}  // namespace spillway
