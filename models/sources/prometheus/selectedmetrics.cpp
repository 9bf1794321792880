#include "selectedmetrics.h"

#include "core/labels.h"

#include <QHash>
#include <QSet>

namespace isc::prometheus {
namespace {

QList<Label> withoutLe(const QList<Label>& labels)
{
    QList<Label> out;
    for (const auto& l : labels) {
        if (l.first != QLatin1String("le"))
            out.append(l);
    }
    return out;
}

QString storedLabelsOf(const MetricSelector& sel, const QList<Label>& labels)
{
    if (!sel.byGiven)
        return labels::canonical(labels);
    QList<Label> kept;
    for (const auto& l : labels) {
        if (sel.by.contains(l.first))
            kept.append(l);
    }
    return labels::canonical(kept);
}

QString defaultUnit(const MetricSelector& sel, const QString& base)
{
    if (!sel.unit.isEmpty())
        return sel.unit;
    if (sel.type == MetricSelector::Type::Histogram && base.endsWith(QLatin1String("_seconds")))
        return QStringLiteral("Seconds");
    return QStringLiteral("Count");
}

} // namespace

int extractSelected(const ExpositionParseResult& scrape, const QVector<MetricSelector>& selectors,
                    LocalScrape* out)
{
    if (selectors.isEmpty())
        return 0;
    QHash<QString, QVector<const PromSample*>> byName;
    for (const auto& f : scrape.families) {
        for (const auto& s : f.samples)
            byName[s.name].append(&s);
    }
    QStringList unmatched;
    int picked = 0;
    for (int i = 0; i < selectors.size(); ++i) {
        const MetricSelector& sel = selectors.at(i);
        const QString metric = sel.storedName();
        QString base = sel.name;
        QStringList names;
        switch (sel.type) {
        case MetricSelector::Type::Counter:
            if (base.endsWith(QLatin1String("_total")))
                base.chop(6);
            names = {base + QLatin1String("_total"), base};
            break;
        case MetricSelector::Type::Gauge:
            names = {base};
            break;
        case MetricSelector::Type::Histogram:
            if (base.endsWith(QLatin1String("_bucket")))
                base.chop(7);
            names = {base + QLatin1String("_bucket")};
            break;
        }
        const QString unit = defaultUnit(sel, base);
        // _created per raw series, for counter and histogram resets.
        QHash<QString, double> created;
        for (const PromSample* s : byName.value(base + QLatin1String("_created")))
            created.insert(labels::canonical(s->labels), s->value);

        QSet<QString> stored; // distinct stored label sets, capped
        int overCap = 0;
        QHash<QString, double> gauges;   // stored labels -> sum
        QHash<QString, int> histogramAt; // raw series -> index in out->histograms
        QSet<QString> badHistograms;     // raw series with an implausible bucket
        const int histogramsBefore = static_cast<int>(out->histograms.size());
        for (const QString& name : std::as_const(names)) {
            for (const PromSample* s : byName.value(name)) {
                const QList<Label> labels = withoutLe(s->labels);
                if (!sel.matches(labels))
                    continue;
                const QString series = labels::canonical(labels);
                const QString why = implausibility(*s, out->atMs);
                if (!why.isEmpty()) {
                    out->refuse(why, s->name);
                    if (sel.type == MetricSelector::Type::Histogram)
                        badHistograms.insert(series);
                    continue;
                }
                const QString keep = storedLabelsOf(sel, labels);
                if (!stored.contains(keep)) {
                    if (stored.size() >= maxSeriesPerSelector) {
                        ++overCap;
                        continue;
                    }
                    stored.insert(keep);
                }
                switch (sel.type) {
                case MetricSelector::Type::Counter:
                    out->counters.append({metric, QString(), series, s->value,
                                          created.value(series, 0.0), keep, unit});
                    break;
                case MetricSelector::Type::Gauge:
                    gauges[keep] += s->value;
                    break;
                case MetricSelector::Type::Histogram: {
                    double le = 0;
                    if (!parseSampleValue(s->label(QStringLiteral("le")).toUtf8(), &le))
                        continue;
                    auto it = histogramAt.constFind(series);
                    if (it == histogramAt.cend()) {
                        LocalScrape::Histogram h;
                        h.metric = metric;
                        h.series = series;
                        h.created = created.value(series, 0.0);
                        h.labels = keep;
                        h.unit = unit;
                        out->histograms.append(h);
                        it = histogramAt.insert(series,
                                                static_cast<int>(out->histograms.size() - 1));
                    }
                    out->histograms[it.value()].buckets.append({le, s->value});
                    break;
                }
                }
            }
            if (!stored.isEmpty() || overCap > 0)
                break; // the first name that has samples wins (x_total before x)
        }
        for (auto it = gauges.cbegin(); it != gauges.cend(); ++it)
            out->gauges.append({metric, QString(), it.value(), it.key(), unit});
        if (!badHistograms.isEmpty()) {
            for (int k = static_cast<int>(out->histograms.size()) - 1; k >= histogramsBefore; --k) {
                if (badHistograms.contains(out->histograms.at(k).series))
                    out->histograms.removeAt(k);
            }
        }
        if (stored.isEmpty())
            unmatched << sel.name;
        if (overCap > 0)
            out->notes << QStringLiteral("selector \"%1\" matches more than %2 series: only %2 "
                                         "are stored (narrow it with \"matchers\" or \"by\")")
                              .arg(sel.name)
                              .arg(maxSeriesPerSelector);
        picked += static_cast<int>(stored.size());
    }
    if (!unmatched.isEmpty())
        out->notes << QStringLiteral("no series in the scrape for %1")
                          .arg(unmatched.join(QStringLiteral(", ")));
    return picked;
}

} // namespace isc::prometheus
