#pragma once
// Dollar amounts as the storage page shows them: small monthly costs keep their significant
// digits ("$0.0036"), larger ones get cents and separators ("$1,234.56").
#include <QSharedPointer>
#include <QString>

class QCPAxisTicker;

namespace spillway {

QString format_money(double dollars);
QSharedPointer<QCPAxisTicker> make_money_ticker();

}  // namespace spillway
