#pragma once
// Axis tick labels for what the dashboard plots: counts ("12k"), bytes ("64 MiB"), milliseconds
// ("250 ms") and seconds ("12 s"). Byte axes step in binary units, so the labels stay round.
#include <qcustomplot.h>

namespace spillway {

enum class ValueFormat { Count, Bytes, Milliseconds, Seconds, Percent };

QSharedPointer<QCPAxisTicker> make_value_ticker(ValueFormat format);
// A value as the chart's tooltip-free readers see it on an axis.
QString format_value(double value, ValueFormat format);

}  // namespace spillway
