#include "cost/money.h"

#include <QLocale>
#include <algorithm>
#include <cmath>
#include <limits>

namespace isc {
namespace {

__extension__ typedef __int128 Int128;

/// Parses a signed decimal into an integer of 10^-fracDigits units: exact up to `fracDigits`
/// decimals, rounded half away from zero beyond. False on malformed text or overflow.
bool parseScaled(const QString& text, int fracDigitsKept, qint64* out)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return false;
    qint64 scale = 1;
    for (int k = 0; k < fracDigitsKept; ++k)
        scale *= 10;
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
        if (whole > (std::numeric_limits<qint64>::max() / 10 - 9) / scale)
            return false; // would overflow
        whole = whole * 10 + t[i].digitValue();
    }
    if (i < t.size() && t[i] == QLatin1Char('.')) {
        ++i;
        for (; i < t.size() && t[i].isDigit(); ++i, ++digits) {
            if (fracDigits < fracDigitsKept) {
                frac = frac * 10 + t[i].digitValue();
                ++fracDigits;
            } else if (fracDigits == fracDigitsKept) {
                roundUp = t[i].digitValue() >= 5;
                ++fracDigits;
            }
        }
    }
    if (i != t.size() || digits == 0)
        return false;
    for (int k = std::min(fracDigits, fracDigitsKept); k < fracDigitsKept; ++k)
        frac *= 10;
    const qint64 m = whole * scale + frac + (roundUp ? 1 : 0);
    *out = negative ? -m : m;
    return true;
}

} // namespace

bool Money::parse(const QString& text, Money* out)
{
    qint64 m = 0;
    if (!parseScaled(text, 6, &m))
        return false;
    out->micros = m;
    return true;
}

bool Money::parseCents(const QString& text, Money* out)
{
    // 1 cent = 10^4 micro-dollars: four decimals of a cent are exactly micro-dollars.
    qint64 m = 0;
    if (!parseScaled(text, 4, &m))
        return false;
    out->micros = m;
    return true;
}

Money Money::fromUnits(double units)
{
    return Money{static_cast<qint64>(std::llround(units * 1e6))};
}

Money Money::mulDiv(qint64 a, qint64 b, qint64 d)
{
    Int128 n = static_cast<Int128>(a) * b;
    Int128 den = d;
    if (den < 0) {
        n = -n;
        den = -den;
    }
    const bool negative = n < 0;
    const Int128 mag = negative ? -n : n;
    const Int128 q = (mag + den / 2) / den; // half away from zero
    return Money{static_cast<qint64>(negative ? -q : q)};
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
