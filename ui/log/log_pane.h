#pragma once
// The log pane: the process's log lines (see LogCapture) in a table, with a level filter, a text
// filter and Clear. It follows new lines while scrolled to the bottom.
#include <QWidget>

class QComboBox;
class QLineEdit;
class QTableView;

namespace spillway {

class LogModel;
class LogLevelFilter;

class LogPane : public QWidget {
    Q_OBJECT
public:
    explicit LogPane(QWidget* parent = nullptr);

    LogModel* model() const { return model_; }
    LogLevelFilter* filter() const { return filter_; }
    void setMinimumLevel(QtMsgType level);

private:
    LogModel* model_;
    LogLevelFilter* filter_;
    QComboBox* level_;
    QLineEdit* text_;
    QTableView* view_;
};

}  // namespace spillway
