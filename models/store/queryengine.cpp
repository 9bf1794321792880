#include "queryengine.h"

#include "core/labels.h"
#include "store/m4decimator.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

namespace isc::queryengine {
namespace {

constexpr qint64 kDay = 86400;
constexpr Resolution kAll[] = {Resolution::Raw, Resolution::FiveMinutes, Resolution::FifteenMinutes,
                               Resolution::Hour};

qint64 seconds(Resolution r)
{
    return static_cast<qint64>(r);
}

/// True when the resolution's retention still covers `from` as of `now`.
bool covers(Resolution r, qint64 from, qint64 now, const StoreSettings& s)
{
    int days = 0;
    switch (r) {
    case Resolution::Raw:
        days = s.rawRetentionDays;
        break;
    case Resolution::FiveMinutes:
    case Resolution::FifteenMinutes: // kept as long as the 5-minute rollup it is made from
        days = s.fiveMinuteRetentionDays;
        break;
    case Resolution::Hour:
        return true;
    }
    return days <= 0 || from >= now - days * kDay;
}

} // namespace

Resolution chooseResolution(const TimeRange& range, int pixelWidth, qint64 now,
                            const StoreSettings& settings)
{
    Resolution chosen = Resolution::Raw;
    if (pixelWidth > 0) {
        for (const Resolution r : kAll) {
            if (range.duration() / seconds(r) >= pixelWidth)
                chosen = r;
        }
    }
    for (int i = 0; chosen != Resolution::Hour && !covers(chosen, range.from, now, settings);) {
        while (kAll[i] != chosen)
            ++i;
        chosen = kAll[i + 1];
    }
    return chosen;
}

Resolution resolutionForStep(qint64 step, const TimeRange& range, qint64 now,
                             const StoreSettings& settings)
{
    std::optional<Resolution> exact;   // coarsest covering, dividing, not cut by the range
    std::optional<Resolution> covered; // finest covering and dividing
    Resolution coarsest = Resolution::Raw;
    for (const Resolution r : kAll) {
        const qint64 width = seconds(r);
        if (step % width != 0)
            continue;
        coarsest = r;
        if (!covers(r, range.from, now, settings))
            continue;
        if (!covered)
            covered = r;
        if (r == Resolution::Raw || (range.from % width == 0 && range.to % width == 0))
            exact = r;
    }
    return exact ? *exact : covered ? *covered : coarsest;
}

QString statusClass(const QString& code)
{
    if (code.size() != 3 || !code.at(0).isDigit() || !code.at(1).isDigit() || !code.at(2).isDigit())
        return code;
    if (code == QLatin1String("429"))
        return code;
    return code.left(1) + QLatin1String("xx");
}

bool matchesLabels(const QString& canonicalLabels, const QHash<QString, QString>& labelEquals)
{
    for (auto it = labelEquals.cbegin(); it != labelEquals.cend(); ++it) {
        const QString v = labels::value(canonicalLabels, it.key());
        if (v.isNull() || v != it.value())
            return false;
    }
    return true;
}

QString groupName(const QString& canonicalLabels, const SeriesQuery& q)
{
    if (q.groupBy.isEmpty())
        return q.metric;
    const QString v = labels::value(canonicalLabels, q.groupBy);
    if (v.isNull())
        return QStringLiteral("(none)");
    return q.groupTransform == GroupTransform::StatusClass ? statusClass(v) : v;
}

namespace {

EnvelopePoint reduceBucket(qint64 ts, const StoredBucket& acc, Reduce reduce)
{
    const double x = double(ts) * 1000.0;
    switch (reduce) {
    case Reduce::Min:
        return {x, acc.min, acc.min, acc.min};
    case Reduce::Max:
        return {x, acc.max, acc.max, acc.max};
    case Reduce::Sum:
        return {x, acc.sum, acc.sum, acc.sum};
    case Reduce::Avg:
        break;
    }
    return {x, acc.sum / double(acc.count), acc.min, acc.max};
}

/// Folds the buckets of one series into output steps and reduces each.
void reduceSeries(const StoredSeries& s, qint64 step, Reduce reduce, QVector<EnvelopePoint>* out)
{
    const StoredBucket* b = s.buckets.constData();
    const StoredBucket* const end = b + s.buckets.size();
    while (b != end) {
        const qint64 key = floorTo(b->ts, step);
        StoredBucket acc = *b;
        for (++b; b != end && floorTo(b->ts, step) == key; ++b) {
            acc.min = std::min(acc.min, b->min);
            acc.max = std::max(acc.max, b->max);
            acc.sum += b->sum;
            acc.count += b->count;
        }
        out->append(reduceBucket(key, acc, reduce));
    }
}

/// Combines the points of several series that share a timestamp.
QVector<EnvelopePoint> combine(QVector<EnvelopePoint> points, Combine how)
{
    std::stable_sort(points.begin(), points.end(),
                     [](const EnvelopePoint& a, const EnvelopePoint& b) { return a.x < b.x; });
    QVector<EnvelopePoint> out;
    out.reserve(points.size());
    for (qsizetype i = 0; i < points.size();) {
        EnvelopePoint acc = points[i];
        qsizetype n = 1;
        for (++i; i < points.size() && points[i].x == acc.x; ++i, ++n) {
            const EnvelopePoint& p = points[i];
            if (how == Combine::Max) {
                acc.y = std::max(acc.y, p.y);
                acc.lo = std::max(acc.lo, p.lo);
                acc.hi = std::max(acc.hi, p.hi);
            } else {
                acc.y += p.y;
                acc.lo += p.lo;
                acc.hi += p.hi;
            }
        }
        if (how == Combine::Mean) {
            acc.y /= double(n);
            acc.lo /= double(n);
            acc.hi /= double(n);
        }
        out.append(acc);
    }
    return out;
}

} // namespace

QVector<QueriedSeries> assemble(const SeriesQuery& q, qint64 step,
                                const QVector<StoredSeries>& input)
{
    struct Group
    {
        QVector<const StoredSeries*> members;
        qsizetype buckets = 0;
    };
    std::map<QString, Group> groups; // sorted by name
    for (const StoredSeries& s : input) {
        if (s.buckets.isEmpty())
            continue;
        Group& g =
            groups[q.perSeries ? s.source + QLatin1Char(' ') + s.labels : groupName(s.labels, q)];
        g.members.append(&s);
        g.buckets += s.buckets.size();
    }

    const double xFrom = double(q.range.from) * 1000.0;
    const double xTo = double(q.range.to) * 1000.0;
    QVector<QueriedSeries> out;
    out.reserve(int(groups.size()));
    for (auto& [name, g] : groups) {
        QVector<EnvelopePoint> env;
        env.reserve(g.buckets);
        for (const StoredSeries* s : std::as_const(g.members))
            reduceSeries(*s, step, q.reduce, &env);
        if (g.members.size() > 1)
            env = combine(std::move(env), q.combine);
        QueriedSeries series;
        series.name = name;
        if (q.perSeries) {
            series.source = g.members.first()->source;
            series.labels = g.members.first()->labels;
        }
        if (q.step > 0) {
            // Explicit step: one point per step; decimate (values only) just to keep the bound.
            if (q.pixelWidth > 0 && env.size() > qsizetype(q.pixelWidth) * 4) {
                for (auto& p : env)
                    p.lo = p.hi = p.y;
                series.points = M4Decimator::decimate(env, xFrom, xTo, q.pixelWidth);
            } else {
                series.points.reserve(env.size());
                for (const auto& p : env)
                    series.points.append({p.x, p.y});
            }
        } else {
            series.points = M4Decimator::decimate(env, xFrom, xTo, q.pixelWidth);
        }
        out.append(std::move(series));
    }
    return out;
}

bool plan(const SeriesQuery& q, const StoreSettings& settings, QueryResult* result)
{
    const qint64 now = q.now > 0 ? q.now : nowUtc();
    if (q.step > 0) {
        if (q.step % 60 != 0) {
            result->error = QStringLiteral("The step must be a whole number of minutes (got %1 s).")
                                .arg(q.step);
            return false;
        }
        result->step = q.step;
        result->resolution = resolutionForStep(q.step, q.range, now, settings);
    } else {
        result->resolution = chooseResolution(q.range, q.pixelWidth, now, settings);
        result->step = static_cast<qint64>(result->resolution);
    }
    return true;
}

QVector<TimeRange> gapsFor(const SeriesQuery& q, const QVector<GapMarker>& markers)
{
    QVector<TimeRange> out;
    for (const GapMarker& g : markers) {
        if (g.metric.isEmpty() || q.metric.isEmpty() || g.metric == q.metric)
            out.append(g.window);
    }
    return out;
}

} // namespace isc::queryengine
