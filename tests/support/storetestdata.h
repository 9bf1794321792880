#pragma once

// Poll batches and minute samples for the store's tests (header-only).

#include "core/labels.h"
#include "core/sample.h"

#include <QPointF>
#include <QStringList>
#include <QVector>

namespace isc::test {

constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 86400;
// A fixed "now" (2026-03-01T00:00:00Z) so retention-aware choices do not follow the wall clock.
constexpr qint64 kNow = 1772323200;

inline SeriesSamples series(const QString& metric, const QList<Label>& labels,
                            QVector<Sample> samples, const QString& source = QStringLiteral("src"),
                            const QString& aggregation = QStringLiteral("total"))
{
    SeriesSamples s;
    s.key = {source, metric, aggregation, labels::canonical(labels)};
    s.unit = QStringLiteral("Count");
    s.samples = std::move(samples);
    return s;
}

inline PollBatch batch(QVector<SeriesSamples> s, TimeRange window = {},
                       const QString& source = QStringLiteral("src"))
{
    PollBatch b;
    b.source = source;
    b.window = window;
    b.series = std::move(s);
    return b;
}

/// Minute samples from `from`, one per value.
inline QVector<Sample> minutes(qint64 from, const QVector<double>& values)
{
    QVector<Sample> out;
    for (int i = 0; i < values.size(); ++i)
        out.append({from + i * kMinute, values[i]});
    return out;
}

/// The y values of `points`, space-separated.
inline QString yValues(const QVector<QPointF>& points)
{
    QStringList out;
    for (const auto& p : points)
        out.append(QString::number(p.y()));
    return out.join(QLatin1Char(' '));
}

} // namespace isc::test
