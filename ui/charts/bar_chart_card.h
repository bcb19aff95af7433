#pragma once
// A bar chart in a card, styled like the dashboard's time-series charts: a title, a legend row,
// categories along the x axis and one bar per series in each category, side by side. Used for
// the storage page's current split by tier and the monthly cost now and projected.
#include <QSharedPointer>
#include <QString>
#include <QStringList>
#include <QVector>
#include <functional>
#include <vector>

#include "ui/widgets/card.h"

class QCPAxisTicker;
class QCPBars;
class QCPBarsGroup;
class QCustomPlot;
class QLabel;

namespace spillway {

class BarChartCard : public Card {
    Q_OBJECT
public:
    using ColorRole = std::function<QColor(const QPalette&)>;

    // plot_name becomes the QCustomPlot's objectName, so tests can find it.
    BarChartCard(const QString& title, const QString& plot_name, QWidget* parent = nullptr);

    void setCategories(const QStringList& categories);
    void setValueTicker(const QSharedPointer<QCPAxisTicker>& ticker);
    int addSeries(const QString& name, ColorRole color);
    // One value per category, in setCategories order.
    void setValues(int series, const QVector<double>& values);
    // Rescales the value axis to the data and queues one redraw.
    void refresh();

    QCustomPlot* plot() const { return plot_; }
    QCPBars* series(int index) const;
    QStringList categories() const { return categories_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void apply_colors();

    QLabel* title_;
    QCustomPlot* plot_;
    QCPBarsGroup* group_;
    QStringList categories_;
    std::vector<std::pair<QCPBars*, ColorRole>> series_;
};

}  // namespace spillway
