#include "ui/charts/money_format.h"

#include <qcustomplot.h>

#include <cmath>

#include "ui/widgets/format.h"

namespace spillway {

QString format_money(double dollars) {
    const double magnitude = std::abs(dollars);
    const int decimals = magnitude >= 1000  ? 0
                         : magnitude == 0   ? 2
                         : magnitude < 0.01 ? 4
                         : magnitude < 1    ? 3
                                            : 2;
    return QStringLiteral("$") + number_locale().toString(dollars, 'f', decimals);
}

namespace {
class MoneyTicker : public QCPAxisTicker {
protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override {
        return format_money(tick);
    }
};
}  // namespace

QSharedPointer<QCPAxisTicker> make_money_ticker() {
    return QSharedPointer<MoneyTicker>::create();
}

}  // namespace spillway
