#include "ui/charts/value_ticker.h"

#include <cmath>

#include "ui/widgets/format.h"

namespace spillway {

namespace {

class ValueTicker : public QCPAxisTicker {
public:
    explicit ValueTicker(ValueFormat format) : format_(format) {}

protected:
    double getTickStep(const QCPRange& range) override {
        if (format_ != ValueFormat::Bytes)
            return QCPAxisTicker::getTickStep(range);
        // A clean step in the largest binary unit the range spans: 0, 64 MiB, 128 MiB, ...
        double unit = 1;
        while (range.size() / (unit * 1024) >= 1 && unit < std::pow(1024.0, 4))
            unit *= 1024;
        return cleanMantissa(range.size() / unit / (mTickCount + 1e-10)) * unit;
    }
    QString getTickLabel(double tick, const QLocale&, QChar, int) override {
        return format_value(tick, format_);
    }

private:
    ValueFormat format_;
};

}  // namespace

QSharedPointer<QCPAxisTicker> make_value_ticker(ValueFormat format) {
    return QSharedPointer<ValueTicker>::create(format);
}

QString format_value(double value, ValueFormat format) {
    switch (format) {
        case ValueFormat::Count:
            break;
        case ValueFormat::Bytes:
            return format_bytes(value);
        case ValueFormat::Milliseconds:
            // Past a second, seconds read better than "7.5k ms".
            return std::abs(value) >= 1000 ? format_compact(value / 1000) + QStringLiteral(" s")
                                           : format_compact(value) + QStringLiteral(" ms");
        case ValueFormat::Seconds:
            return format_compact(value) + QStringLiteral(" s");
        case ValueFormat::Percent:
            return format_compact(value) + QStringLiteral("%");
    }
    return format_compact(value);
}

}  // namespace spillway
