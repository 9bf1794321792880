#include "cost/money.h"

#include <QLocale>
#include <algorithm>
#include <cmath>
#include <limits>

namespace isc {

bool Money::parse(const QString& text, Money* out)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return false;
    int i = 0;
    bool negative = false;
    if (t[0] == QLatin1Char('-') || t[0] == QLatin1Char('+')) {
        negative = t[0] == QLatin1Char('-');
        ++i;
    }
    qint64 whole = 0, frac = 0;
    int fracDigits = 0, digits = 0;
    bool roundUp = false;
    for (; i < t.size() && t[i].isDigit(); ++i, ++digits) {
        if (whole > (std::numeric_limits<qint64>::max() / 10 - 9) / 1000000)
            return false; // would overflow
        whole = whole * 10 + t[i].digitValue();
    }
    if (i < t.size() && t[i] == QLatin1Char('.')) {
        ++i;
        for (; i < t.size() && t[i].isDigit(); ++i, ++digits) {
            if (fracDigits < 6) {
                frac = frac * 10 + t[i].digitValue();
                ++fracDigits;
            } else if (fracDigits == 6) {
                roundUp = t[i].digitValue() >= 5;
                ++fracDigits;
            }
        }
    }
    if (i != t.size() || digits == 0)
        return false;
    for (int k = std::min(fracDigits, 6); k < 6; ++k)
        frac *= 10;
    qint64 m = whole * 1000000 + frac + (roundUp ? 1 : 0);
    out->micros = negative ? -m : m;
    return true;
}

Money Money::fromUnits(double units)
{
    return Money{static_cast<qint64>(std::llround(units * 1e6))};
}

QString Money::format(int decimals, const QString& symbol) const
{
    decimals = std::clamp(decimals, 0, 6);
    qint64 scale = 1;
    for (int k = decimals; k < 6; ++k)
        scale *= 10;
    const qint64 a = micros < 0 ? -micros : micros;
    const qint64 rounded = (a + scale / 2) / scale; // half away from zero
    qint64 pow = 1;
    for (int k = 0; k < decimals; ++k)
        pow *= 10;
    const qint64 whole = rounded / pow, frac = rounded % pow;
    QString s = QLocale(QLocale::English).toString(whole);
    if (decimals > 0)
        s += QLatin1Char('.') + QString::number(frac).rightJustified(decimals, QLatin1Char('0'));
    return (micros < 0 && rounded != 0 ? QStringLiteral("-") : QString()) + symbol + s;
}

} // namespace isc
