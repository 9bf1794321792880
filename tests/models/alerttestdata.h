#pragma once
// Shared by the alerting tests: fixtures of stored minutes (tests/data/alerts/*.json) and the
// compact text form of transitions. Header-only (tests link libraries, never sources).

#include "alerts/alertevaluator.h"
#include "alerts/alertrule.h"
#include "core/labels.h"
#include "core/sample.h"
#include "core/timerange.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QtTest/QtTest>
#include <cmath>

namespace isc::test {

/// Stored minutes of a fixture: `start` (s UTC) and one value per minute per series.
struct AlertFixture
{
    qint64 start = 0;
    QVector<SeriesSamples> series;
};

inline AlertFixture loadAlertFixture(const QString& name)
{
    QFile f(QStringLiteral(INFERSCOPE_TEST_DATA "/alerts/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read fixture %s", qPrintable(name));
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    AlertFixture out;
    out.start = parseIsoUtc(root.value(QStringLiteral("start")).toString()).value_or(0);
    for (const auto& v : root.value(QStringLiteral("series")).toArray()) {
        const QJsonObject o = v.toObject();
        QList<Label> labelSet;
        const QJsonObject labels = o.value(QStringLiteral("labels")).toObject();
        for (auto it = labels.begin(); it != labels.end(); ++it)
            labelSet.append({it.key(), it.value().toString()});
        SeriesSamples s;
        s.key = {o.value(QStringLiteral("source")).toString(),
                 o.value(QStringLiteral("metric")).toString(),
                 o.value(QStringLiteral("aggregation")).toString(), labels::canonical(labelSet)};
        s.unit = o.value(QStringLiteral("unit")).toString();
        const QJsonArray values = o.value(QStringLiteral("values")).toArray();
        for (qsizetype i = 0; i < values.size(); ++i) {
            if (!values.at(i).isNull())
                s.samples.append({out.start + 60 * i, values.at(i).toDouble()});
        }
        out.series.append(s);
    }
    return out;
}

/// The samples of `all` a collector has stored by `now`: each minute lands `delay` s after it
/// ends.
inline QVector<SeriesSamples> storedBy(const QVector<SeriesSamples>& all, qint64 now,
                                       qint64 delay = 0)
{
    QVector<SeriesSamples> out = all;
    for (SeriesSamples& s : out) {
        s.samples.erase(std::remove_if(s.samples.begin(), s.samples.end(),
                                       [&](const Sample& p) { return p.ts + 60 + delay > now; }),
                        s.samples.end());
    }
    return out;
}

/// A rule from JSON text; fails the test (and returns a default rule) when it does not parse.
inline AlertRule alertRule(const QByteArray& json)
{
    QStringList errors;
    const auto rule =
        AlertRule::parse(QJsonDocument::fromJson(json).object(), QStringLiteral("rule"), &errors);
    if (!rule)
        qWarning("%s", qPrintable(errors.join(QLatin1Char('\n'))));
    return rule.value_or(AlertRule());
}

/// "firing@10" (kind @ minutes after `start`), with "!" appended when it notifies.
inline QString transitionText(const AlertTransition& t, qint64 start, bool withNotify = false)
{
    QString s =
        alertTransitionName(t.kind) + QLatin1Char('@') + QString::number((t.at - start) / 60);
    if (withNotify && t.notify)
        s += QLatin1Char('!');
    return s;
}

inline QStringList transitionTexts(const QVector<AlertTransition>& ts, qint64 start,
                                   bool withNotify = false)
{
    QStringList out;
    for (const auto& t : ts)
        out << transitionText(t, start, withNotify);
    return out;
}

} // namespace isc::test
