#include "metrictally.h"

#include <algorithm>

namespace isc::azure {

MetricTally::MetricTally(QStringList planned) : m_planned(std::move(planned)) {}

void MetricTally::fail(const QString& metric, const QString& reason)
{
    for (const auto& f : m_failed) {
        if (f.first == metric)
            return; // the first reason stands
    }
    m_failed.append({metric, reason});
    // Plan order, so the words read the same whichever call answered first.
    const auto rank = [this](const QString& m) {
        const qsizetype i = m_planned.indexOf(m);
        return i < 0 ? m_planned.size() : i;
    };
    std::stable_sort(m_failed.begin(), m_failed.end(),
                     [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
}

void MetricTally::fail(const QStringList& metrics, const QString& reason)
{
    for (const QString& m : metrics)
        fail(m, reason);
}

bool MetricTally::allFailed() const
{
    if (m_planned.isEmpty())
        return false;
    for (const QString& m : m_planned) {
        if (std::none_of(m_failed.cbegin(), m_failed.cend(),
                         [&m](const auto& f) { return f.first == m; }))
            return false;
    }
    return true;
}

QString MetricTally::wholeReason() const
{
    QStringList reasons;
    for (const auto& f : m_failed) {
        if (!reasons.contains(f.second))
            reasons << f.second;
    }
    return reasons.join(QLatin1String("; "));
}

QString MetricTally::summary() const
{
    if (m_failed.isEmpty())
        return {};
    QStringList reasons;
    QVector<QStringList> metricsOf;
    for (const auto& f : m_failed) {
        qsizetype i = reasons.indexOf(f.second);
        if (i < 0) {
            reasons << f.second;
            metricsOf.append(QStringList());
            i = reasons.size() - 1;
        }
        metricsOf[i] << f.first;
    }
    QStringList parts;
    for (qsizetype i = 0; i < reasons.size(); ++i)
        parts << metricsOf.at(i).join(QLatin1String(", ")) + QLatin1String(": ") + reasons.at(i);
    const int of = std::max(plannedCount(), failedCount());
    return QStringLiteral("%1 of %2 %3 failing: %4")
        .arg(failedCount())
        .arg(of)
        .arg(of == 1 ? QStringLiteral("metric") : QStringLiteral("metrics"),
             parts.join(QLatin1String("; ")));
}

QVector<GapMarker> MetricTally::gaps(const QString& source, const TimeRange& window,
                                     qint64 now) const
{
    QVector<GapMarker> out;
    for (const auto& [metric, reason] : m_failed)
        out.append(GapMarker{source, window, metric + QLatin1String(": ") + reason, now, metric});
    return out;
}

} // namespace isc::azure
