#include "chartmodel.h"

#include "core/refreshthrottle.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <QLocale>
#include <QMap>
#include <QPointer>
#include <QTimer>
#include <algorithm>
#include <cmath>

namespace isc {

namespace {

constexpr int kDefaultWidth = 600; // before the view has been laid out
constexpr int kMinWidth = 120;
// How long after its newest stored minute a series still counts as being polled (s).
constexpr qint64 kPendingSlackSeconds = 900;

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

qint64 previousPeriodShift(TimeRange range)
{
    const qint64 length = range.duration();
    if (length <= 86400)
        return 86400;
    if (length <= 7 * 86400)
        return 7 * 86400;
    return length;
}

QString previousPeriodName(qint64 shift)
{
    if (shift == 86400)
        return QObject::tr("previous day");
    if (shift == 7 * 86400)
        return QObject::tr("previous week");
    if (shift % 86400 == 0)
        return QObject::tr("previous %1 d").arg(shift / 86400);
    return QObject::tr("previous %1 h").arg(QLocale().toString(double(shift) / 3600.0, 'g', 3));
}

ChartComparison* ChartComparison::instance()
{
    static ChartComparison* comparison = new ChartComparison; // lives as long as the process
    return comparison;
}

void ChartComparison::setOn(bool on)
{
    if (on == m_on)
        return;
    m_on = on;
    emit changed(on);
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
    bool comparePrevious = false;
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
    d->comparePrevious = ChartComparison::instance()->isOn();
    connect(ChartComparison::instance(), &ChartComparison::changed, this,
            [this](bool on) { setComparePrevious(on); });
}

void ChartModel::setComparePrevious(bool on)
{
    if (on == d->comparePrevious)
        return;
    d->comparePrevious = on;
    refresh();
}

bool ChartModel::comparePrevious() const
{
    return d->comparePrevious;
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
    emit timeRangeChanged(range);
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
    if (d->comparePrevious && d->range.isValid()) {
        // The same reads a period earlier; combine() moves them forward onto this range.
        const qint64 shift = previousPeriodShift(d->range);
        const qsizetype n = out.size();
        for (qsizetype i = 0; i < n; ++i) {
            SeriesQuery q = out[i];
            q.range = {q.range.from - shift, q.range.to - shift};
            out.push_back(q);
        }
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
    const qint64 shift = d->comparePrevious ? previousPeriodShift(range) : 0;
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
        [this, range, width, shift](const QVector<QueryResult>& results) {
            d->snapshot = combine(d->spec, range, results, shift);
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

void ChartModel::setSnapshot(ChartSnapshot snapshot)
{
    const bool moved = !(snapshot.range == d->range);
    d->range = snapshot.range;
    d->snapshot = std::move(snapshot);
    if (moved)
        emit timeRangeChanged(d->range);
    const bool first = !d->loaded;
    d->loaded = true;
    emit changed();
    if (first)
        emit loaded();
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
                                  const QVector<QueryResult>& results, qint64 previousShift,
                                  qint64 now)
{
    ChartSnapshot out;
    out.range = range;
    out.step = 0;
    const qsizetype queries = spec.queries.size();
    const bool withPrevious = previousShift > 0 && results.size() >= 2 * queries;
    out.previousShift = withPrevious ? previousShift : 0;
    QHash<QString, int> byName;
    // `previous` reads come after the current ones, under names of their own.
    auto add = [&](const ChartSeries& series) {
        auto it = byName.constFind(series.name);
        if (it != byName.constEnd()) {
            ChartSeries& existing = out.series[*it];
            existing.points = sumSeries(existing.points, series.points);
            return;
        }
        byName.insert(series.name, int(out.series.size()));
        out.series.push_back(series);
    };
    const bool stacked = spec.kind == ChartSpec::Kind::StackedArea;
    const QString previousName = previousPeriodName(previousShift);
    for (int i = 0; i < results.size() && i < (withPrevious ? 2 * queries : queries); ++i) {
        const QueryResult& r = results[i];
        const bool previous = i >= queries;
        const ChartQuery& cq = spec.queries[i % queries];
        if (out.error.isEmpty())
            out.error = r.error;
        if (!previous) {
            out.step = std::max(out.step, r.step);
            for (const auto& g : r.gaps) {
                if (!out.gaps.contains(g))
                    out.gaps.push_back(g);
            }
        }
        for (const auto& s : r.series) {
            if (!cq.onlyNames.isEmpty() && !cq.onlyNames.contains(s.name))
                continue;
            const bool templated = cq.nameFormat.contains(QLatin1String("%1"));
            ChartSeries series{templated ? cq.nameFormat.arg(s.name) : cq.nameFormat,
                               templated ? s.name : cq.nameFormat, cq.dashed, s.points};
            if (cq.scale != 1) {
                for (QPointF& p : series.points)
                    p.setY(p.y() * cq.scale);
            }
            if (previous) {
                // Over a stack, one line of the previous period's total; on lines, each series
                // in its own colour, moved forward onto this range.
                series.name = stacked ? QObject::tr("Total, %1").arg(previousName)
                                      : QStringLiteral("%1 · %2").arg(series.name, previousName);
                if (stacked)
                    series.colorKey = series.name;
                series.previous = true;
                series.dashed = true;
                for (QPointF& p : series.points)
                    p.setX(p.x() + double(previousShift) * 1000.0);
            }
            add(series);
        }
    }
    if (spec.pendingSeconds > 0) {
        // The newest minutes of a series still being polled may still fill in: the last point
        // (its bucket holds the newest minute), and any within pendingSeconds of it. A series
        // that ended long before now (a range in the past, a deleted deployment) is final.
        const double recent =
            double((now > 0 ? now : nowUtc()) - spec.pendingSeconds - kPendingSlackSeconds) *
            1000.0;
        for (ChartSeries& series : out.series) {
            if (series.previous || series.points.isEmpty() || series.points.back().x() < recent)
                continue;
            const double last = series.points.back().x();
            series.pendingFromMs = last - double(spec.pendingSeconds - 60) * 1000.0;
        }
    }
    if (out.step == 0)
        out.step = 60;
    std::sort(out.gaps.begin(), out.gaps.end(),
              [](const TimeRange& a, const TimeRange& b) { return a.from < b.from; });
    return out;
}

} // namespace isc
