#include "localserversquery.h"

#include "store/storebackend.h"
#include "store/storejobs.h"

#include <QSet>
#include <algorithm>

namespace isc {
namespace {

constexpr qint64 kLatestWindow = 15 * 60; // a gauge older than this is not "now"
constexpr qint64 kRateWindow = 5 * 60;    // tokens/s over the newest whole minutes
const QString kModelKey = QStringLiteral("ModelDeploymentName");

SeriesQuery queryOf(const QString& source, const QString& metric, const QString& aggregation,
                    TimeRange range, qint64 step, Reduce reduce, Combine combine)
{
    SeriesQuery q;
    q.source = source;
    q.metric = metric;
    q.aggregation = aggregation;
    q.range = range;
    q.step = step;
    q.reduce = reduce;
    q.combine = combine;
    q.now = range.to;
    return q;
}

// The newest point of the one combined series, if any.
LatestValue latestOf(const QueryResult& r)
{
    LatestValue v;
    for (const QueriedSeries& s : r.series) {
        for (const QPointF& p : s.points) {
            const qint64 at = qint64(p.x() / 1000.0);
            if (at >= v.at && !std::isnan(p.y()))
                v = {at, p.y()};
        }
    }
    return v;
}

// The sum of every point of every series, NaN when there is none.
double sumOf(const QueryResult& r)
{
    double sum = 0;
    bool any = false;
    for (const QueriedSeries& s : r.series) {
        for (const QPointF& p : s.points) {
            if (!std::isnan(p.y())) {
                sum += p.y();
                any = true;
            }
        }
    }
    return any ? sum : std::nan("");
}

// The value of series `name` in its newest point, NaN when absent.
double newestOf(const QueryResult& r, const QString& name)
{
    for (const QueriedSeries& s : r.series) {
        if (s.name == name && !s.points.isEmpty())
            return s.points.back().y();
    }
    return std::nan("");
}

// A step covering the whole range in one point (or two, when the range is not aligned).
qint64 wholeRangeStep(TimeRange range)
{
    return std::max<qint64>(60, (range.duration() + 59) / 60 * 60);
}

} // namespace

bool LocalServersQuery::isLocal(const Connection& c)
{
    return c.kind == QLatin1String("prometheus") || c.kind == QLatin1String("ollama");
}

LocalServersResult LocalServersQuery::run(StoreBackend& db, const LocalServersRequest& request,
                                          const JobToken& token)
{
    LocalServersResult out;
    out.range = request.range;
    const TimeRange range = request.range;
    auto note = [&out](const QueryResult& r) {
        if (out.error.isEmpty() && !r.error.isEmpty())
            out.error = r.error;
        return r;
    };
    for (const Connection& c : request.connections) {
        if (!isLocal(c))
            continue;
        if (token.isCancelled())
            break;
        LocalServerReading s;
        s.source = c.id;
        s.inventory = db.deployments(c.id);
        s.gaps = db.gaps(c.id, range);
        std::sort(s.gaps.begin(), s.gaps.end(), [](const GapMarker& a, const GapMarker& b) {
            return a.window.from < b.window.from;
        });
        const SourceExtent extent = db.extent(c.id);
        // A range in the past ends before the newest data: its own last minute is "now".
        s.newestData =
            extent.newest >= range.from ? std::min(extent.newest, floorTo(range.to - 1, 60)) : 0;
        if (s.newestData <= 0) {
            out.servers.append(s);
            continue;
        }
        const qint64 end = s.newestData + 60;
        const TimeRange recent{std::max(range.from, end - kLatestWindow), end};
        auto gauge = [&](const QString& metric, Combine combine) {
            return latestOf(note(db.query(queryOf(c.id, metric, QStringLiteral("average"), recent,
                                                  60, Reduce::Avg, combine))));
        };
        if (c.kind == QLatin1String("ollama")) {
            SeriesQuery q = queryOf(c.id, QString(), QStringLiteral("average"), {end - 120, end},
                                    60, Reduce::Avg, Combine::Sum);
            q.groupBy = kModelKey;
            auto read = [&](const QString& metric) {
                q.metric = metric;
                return note(db.query(q));
            };
            const QueryResult loadedFlags = read(QStringLiteral("ModelLoaded"));
            const QueryResult size = read(QStringLiteral("ModelSizeBytes"));
            const QueryResult vram = read(QStringLiteral("ModelVramBytes"));
            const QueryResult expires = read(QStringLiteral("ModelExpiresInSeconds"));
            for (const QueriedSeries& m : loadedFlags.series) {
                if (m.points.isEmpty() || m.points.back().y() < 0.5)
                    continue;
                const double left = newestOf(expires, m.name);
                s.loaded.append({m.name, newestOf(size, m.name), newestOf(vram, m.name),
                                 std::isnan(left) ? -1.0 : left});
            }
            out.servers.append(s);
            continue;
        }
        s.running = gauge(QStringLiteral("RequestsRunning"), Combine::Sum);
        s.waiting = gauge(QStringLiteral("RequestsWaiting"), Combine::Sum);
        s.kvCachePercent = gauge(QStringLiteral("KvCacheUsagePercent"), Combine::Mean);
        if (token.isCancelled())
            break;
        auto total = [&](const QString& metric, TimeRange span) {
            return sumOf(note(db.query(queryOf(c.id, metric, QStringLiteral("total"), span,
                                               wholeRangeStep(span), Reduce::Sum, Combine::Sum))));
        };
        s.preemptions = total(QStringLiteral("Preemptions"), range);
        s.outputTokens = total(QStringLiteral("OutputTokens"), range);
        // The newest minute may still be filling: the whole minutes before it that have a
        // value (a first live scrape after a backfill covers only part of the window).
        const TimeRange rate{std::max(range.from, s.newestData - kRateWindow), s.newestData};
        if (rate.duration() >= 60) {
            const QueryResult perMinute =
                note(db.query(queryOf(c.id, QStringLiteral("OutputTokens"), QStringLiteral("total"),
                                      rate, 60, Reduce::Sum, Combine::Sum)));
            QSet<qint64> minutes;
            for (const QueriedSeries& series : perMinute.series) {
                for (const QPointF& p : series.points)
                    minutes.insert(qint64(p.x()));
            }
            const double tokens = sumOf(perMinute);
            if (!std::isnan(tokens) && !minutes.isEmpty())
                s.recentTokensPerSecond = tokens / (60.0 * double(minutes.size()));
        }
        out.servers.append(s);
    }
    return out;
}

} // namespace isc
