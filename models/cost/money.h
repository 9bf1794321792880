#pragma once

#include <QString>
#include <QtGlobal>

namespace isc {

/// An exact amount of money in micro-units of its currency (1 USD = 1,000,000). Sums of Money
/// never drift the way float sums do; rounding happens once, where a rate meets a quantity.
struct Money
{
    qint64 micros = 0;

    static Money fromMicros(qint64 m) { return Money{m}; }
    /// Parses a decimal string ("12.345678", "-0.5"): exact up to 6 decimals, rounded half away
    /// from zero beyond. Returns false on anything else.
    static bool parse(const QString& text, Money* out);
    /// Parses a decimal string of CENTS (Anthropic's cost report: "123.45" = $1.2345): exact up to
    /// 4 decimals of a cent, rounded half away from zero beyond. Returns false on anything else.
    static bool parseCents(const QString& text, Money* out);
    /// `units` (e.g. dollars, may be fractional) rounded to the nearest micro-unit.
    static Money fromUnits(double units);
    /// Exactly a * b / d micro-units (128-bit intermediate), rounded once, half away from zero.
    /// `d` must not be 0. E.g. mulDiv(tokens, microsPerMillionTokens, 1000000).
    static Money mulDiv(qint64 a, qint64 b, qint64 d);

    double toUnits() const { return static_cast<double>(micros) / 1e6; }
    /// "$1,234.57" style with `decimals` digits (2 by default), rounded half away from zero.
    QString format(int decimals = 2, const QString& symbol = QStringLiteral("$")) const;

    Money& operator+=(Money o)
    {
        micros += o.micros;
        return *this;
    }
    Money& operator-=(Money o)
    {
        micros -= o.micros;
        return *this;
    }
    friend Money operator+(Money a, Money b) { return Money{a.micros + b.micros}; }
    friend Money operator-(Money a, Money b) { return Money{a.micros - b.micros}; }
    friend bool operator==(Money a, Money b) { return a.micros == b.micros; }
    friend bool operator!=(Money a, Money b) { return a.micros != b.micros; }
    friend bool operator<(Money a, Money b) { return a.micros < b.micros; }
    friend bool operator>(Money a, Money b) { return a.micros > b.micros; }
    friend bool operator<=(Money a, Money b) { return a.micros <= b.micros; }
    friend bool operator>=(Money a, Money b) { return a.micros >= b.micros; }
    friend Money operator-(Money a) { return Money{-a.micros}; }
};

} // namespace isc
