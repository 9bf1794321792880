#include "chartmodel.h"

#include "core/refreshthrottle.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <QMap>
#include <QPointer>
#include <QTimer>
#include <algorithm>
#include <cmath>

namespace isc {

namespace {

constexpr int kDefaultWidth = 600; // before the view has been laid out
constexpr int kMinWidth = 120;

// The value of a sorted series at x: exact, linearly interpolated inside, or nullopt outside.
std::optional<double> valueAt(const QVector<QPointF>& pts, double x)
{
    if (pts.isEmpty() || x < pts.front().x() || x > pts.back().x())
        return std::nullopt;
    auto it = std::lower_bound(pts.begin(), pts.end(), x,
                               [](const QPointF& p, double v) { return p.x() < v; });
    if (it->x() == x)
        return it->y();
    const QPointF& b = *it;
    const QPointF& a = *(it - 1);
    const double t = (x - a.x()) / (b.x() - a.x());
    return a.y() + t * (b.y() - a.y());
}

// Sums two series over the union of their timestamps; a series adds nothing outside its extent.
QVector<QPointF> sumSeries(const QVector<QPointF>& a, const QVector<QPointF>& b)
{
    QVector<double> xs;
    xs.reserve(a.size() + b.size());
    for (const auto& p : a)
        xs.push_back(p.x());
    for (const auto& p : b)
        xs.push_back(p.x());
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    QVector<QPointF> out;
    out.reserve(xs.size());
    for (double x : xs)
        out.push_back({x, valueAt(a, x).value_or(0) + valueAt(b, x).value_or(0)});
    return out;
}

} // namespace

bool ChartSnapshot::isEmpty() const
{
    return pointCount() == 0;
}

qsizetype ChartSnapshot::pointCount() const
{
    qsizetype n = 0;
    for (const auto& s : series)
        n += s.points.size();
    return n;
}

qint64 niceStep(qint64 duration, int maxPoints)
{
    static constexpr qint64 steps[] = {60, 300, 900, 1800, 3600, 10800, 21600, 43200, 86400};
    const qint64 wanted = duration / std::max(1, maxPoints);
    for (qint64 s : steps) {
        if (s >= wanted)
            return s;
    }
    return (wanted + 86399) / 86400 * 86400;
}

struct ChartModel::Private
{
    QPointer<SampleStore> store;
    ChartSpec spec;
    TimeRange range;
    int pixelWidth = 0;
    int queriedWidth = 0;
    QHash<QString, QString> filter;
    RefreshThrottle* coalesce = nullptr;
    bool loading = false;
    bool loaded = false;
    ChartSnapshot snapshot;
    StoreJobs jobs; ///< last: cancelled first when the model goes
};

ChartModel::ChartModel(SampleStore* store, ChartSpec spec, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->store = store;
    d->spec = std::move(spec);
    d->coalesce =
        new RefreshThrottle([this] { refreshNow(); }, RefreshThrottle::kDefaultIntervalMs, this);
}

ChartModel::~ChartModel() = default;

const ChartSpec& ChartModel::spec() const
{
    return d->spec;
}

void ChartModel::setTimeRange(TimeRange range)
{
    if (range == d->range)
        return;
    d->range = range;
    refresh();
}

TimeRange ChartModel::timeRange() const
{
    return d->range;
}

void ChartModel::setPixelWidth(int pixels)
{
    // A view still being laid out reports slivers; decimating for those would look coarse.
    pixels = pixels < kMinWidth ? 0 : pixels;
    if (pixels == d->pixelWidth)
        return;
    d->pixelWidth = pixels;
    if (widthNeedsNewData(d->spec.kind, d->range, d->queriedWidth, pixels))
        refresh();
}

bool ChartModel::widthNeedsNewData(ChartSpec::Kind kind, TimeRange range, int queriedWidth,
                                   int newWidth)
{
    const int before = queriedWidth > 0 ? queriedWidth : kDefaultWidth;
    const int now = newWidth > 0 ? newWidth : kDefaultWidth;
    if (kind == ChartSpec::Kind::StackedArea) {
        // Stacks are read at a step chosen from the width: only a new step needs new data
        // (a legend filling in beside the plot narrows it without changing the step).
        const qint64 duration = range.duration();
        return niceStep(duration, std::max(1, now / 3)) !=
               niceStep(duration, std::max(1, before / 3));
    }
    return std::abs(now - before) * 10 > before; // M4 for another width: 10 % is visible
}

int ChartModel::pixelWidth() const
{
    return d->pixelWidth;
}

void ChartModel::setLabelFilter(const QHash<QString, QString>& labels)
{
    if (labels == d->filter)
        return;
    d->filter = labels;
    refresh();
}

QHash<QString, QString> ChartModel::labelFilter() const
{
    return d->filter;
}

void ChartModel::refresh()
{
    d->coalesce->request();
}

QVector<SeriesQuery> ChartModel::buildQueries() const
{
    const int width = d->pixelWidth > 0 ? d->pixelWidth : kDefaultWidth;
    QVector<SeriesQuery> out;
    for (const auto& cq : d->spec.queries) {
        SeriesQuery q = cq.query;
        q.range = d->range;
        for (auto it = d->filter.cbegin(); it != d->filter.cend(); ++it)
            q.labelEquals.insert(it.key(), it.value());
        if (d->spec.kind == ChartSpec::Kind::StackedArea) {
            // Stacks need aligned timestamps, which M4's per-series picks would not give.
            q.pixelWidth = 0;
            q.step = std::max(q.step, niceStep(d->range.duration(), std::max(1, width / 3)));
            // Whole steps at both ends: no partial first or last stack, and the store can read
            // a rollup (an exact one) instead of every minute.
            q.range = {floorTo(q.range.from, q.step), floorTo(q.range.to + q.step - 1, q.step)};
        } else {
            q.pixelWidth = width;
        }
        out.push_back(q);
    }
    return out;
}

void ChartModel::refreshNow()
{
    d->coalesce->ranNow();
    if (!d->store || !d->range.isValid() || d->spec.queries.isEmpty())
        return;
    const QVector<SeriesQuery> queries = buildQueries();
    d->queriedWidth = d->pixelWidth > 0 ? d->pixelWidth : kDefaultWidth;
    const TimeRange range = d->range;
    const int width = d->queriedWidth;
    if (!d->loading) {
        d->loading = true;
        emit loadingChanged(true);
    }
    // One job for all the chart's queries; a newer refresh supersedes it (its result is dropped).
    d->jobs.run(
        d->store, QStringLiteral("chart"),
        [queries](StoreBackend& db, const JobToken& token) {
            QVector<QueryResult> results;
            for (const SeriesQuery& q : queries) {
                if (token.isCancelled())
                    break;
                results.append(db.query(q));
            }
            return results;
        },
        [this, range, width](const QVector<QueryResult>& results) {
            d->snapshot = combine(d->spec, range, results);
            d->snapshot.pixelWidth = d->spec.kind == ChartSpec::Kind::Lines ? width : 0;
            d->loading = false;
            const bool first = !d->loaded;
            d->loaded = true;
            emit loadingChanged(false);
            emit changed();
            if (first)
                emit loaded();
        });
}

bool ChartModel::isLoading() const
{
    return d->loading;
}

bool ChartModel::isLoaded() const
{
    return d->loaded;
}

const ChartSnapshot& ChartModel::snapshot() const
{
    return d->snapshot;
}

ChartSnapshot ChartModel::combine(const ChartSpec& spec, TimeRange range,
                                  const QVector<QueryResult>& results)
{
    ChartSnapshot out;
    out.range = range;
    out.step = 0;
    QHash<QString, int> byName;
    for (int i = 0; i < results.size() && i < spec.queries.size(); ++i) {
        const QueryResult& r = results[i];
        const ChartQuery& cq = spec.queries[i];
        if (out.error.isEmpty())
            out.error = r.error;
        out.step = std::max(out.step, r.step);
        for (const auto& g : r.gaps) {
            if (!out.gaps.contains(g))
                out.gaps.push_back(g);
        }
        for (const auto& s : r.series) {
            if (!cq.onlyNames.isEmpty() && !cq.onlyNames.contains(s.name))
                continue;
            const bool templated = cq.nameFormat.contains(QLatin1String("%1"));
            const QString name = templated ? cq.nameFormat.arg(s.name) : cq.nameFormat;
            QVector<QPointF> points = s.points;
            if (cq.scale != 1) {
                for (QPointF& p : points)
                    p.setY(p.y() * cq.scale);
            }
            auto it = byName.constFind(name);
            if (it != byName.constEnd()) {
                ChartSeries& existing = out.series[*it];
                existing.points = sumSeries(existing.points, points);
                continue;
            }
            byName.insert(name, int(out.series.size()));
            out.series.push_back({name, templated ? s.name : name, cq.dashed, points});
        }
    }
    if (out.step == 0)
        out.step = 60;
    std::sort(out.gaps.begin(), out.gaps.end(),
              [](const TimeRange& a, const TimeRange& b) { return a.from < b.from; });
    return out;
}

} // namespace isc
