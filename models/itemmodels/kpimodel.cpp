#include "kpimodel.h"

#include "core/refreshthrottle.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <QDateTime>
#include <QLocale>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace isc {

namespace {

constexpr qint64 kMaxWindow = 3600; // the KPIs describe the last hour
constexpr qint64 kMinWindow = 300;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

const QString kRequests = QStringLiteral("AzureOpenAIRequests");
const QString kPrompt = QStringLiteral("ProcessedPromptTokens");
const QString kGenerated = QStringLiteral("GeneratedTokens");
const QString kUtilization = QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2");
const QString kTtft = QStringLiteral("AzureOpenAINormalizedTTFTInMS");
const QString kDeploymentKey = QStringLiteral("ModelDeploymentName");
// What every other source (OpenAI, Anthropic, vLLM, llama.cpp, TGI) writes: served requests
// without a status split, tokens by kind, and local servers' TTFT median.
const QString kOtherRequests = QStringLiteral("Requests");
const char* const kOtherTokens[] = {"InputTokensUncached", "InputTokensCached",  "InputTokens",
                                    "CacheWrite5mTokens",  "CacheWrite1hTokens", "OutputTokens"};
const QString kLocalTtft = QStringLiteral("TtftMs");
constexpr int kAzureQueries = 5; // status, prompt, generated, utilization, TTFT
constexpr int kQueries = kAzureQueries + 1 + int(std::size(kOtherTokens)) + 1;

struct Window
{
    qint64 from = 0; // s UTC, inclusive
    qint64 to = 0;   // exclusive
    bool contains(double xMs) const
    {
        const qint64 ts = qint64(xMs / 1000.0);
        return ts >= from && ts < to;
    }
};

// Sum of a set of series inside a window, and the distinct minutes that had any value.
struct Tally
{
    double sum = 0;
    QSet<qint64> minutes;
    double perMinute() const { return minutes.isEmpty() ? kNaN : sum / double(minutes.size()); }
};

Tally tally(const QVector<QueriedSeries>& series, Window w, const QString& only = {})
{
    Tally t;
    for (const auto& s : series) {
        if (!only.isNull() && s.name != only)
            continue;
        for (const auto& p : s.points) {
            if (w.contains(p.x())) {
                t.sum += p.y();
                t.minutes.insert(qint64(p.x() / 1000.0));
            }
        }
    }
    return t;
}

// Mean of the values of all series inside a window.
double meanIn(const QVector<QueriedSeries>& series, Window w)
{
    double sum = 0;
    int n = 0;
    for (const auto& s : series) {
        for (const auto& p : s.points) {
            if (w.contains(p.x())) {
                sum += p.y();
                ++n;
            }
        }
    }
    return n ? sum / n : kNaN;
}

// The value of a series at exactly minute `ts` (s UTC), NaN when absent.
double valueAtMinute(const QueriedSeries& s, qint64 ts)
{
    const double x = double(ts) * 1000.0;
    for (const auto& p : s.points) {
        if (p.x() == x)
            return p.y();
    }
    return kNaN;
}

QString signedNumber(double v, int decimals)
{
    const QString n = QString::number(std::fabs(v), 'f', decimals);
    return (v < 0 ? QStringLiteral("−") : QStringLiteral("+")) + n;
}

struct Row
{
    Row(KpiModel::Kpi k, QString t, Unit u) : kpi(k), title(std::move(t)), unit(u) {}

    KpiModel::Kpi kpi;
    QString title;
    Unit unit;
    double value = kNaN;
    QString detail;
    double trend = kNaN;
    QString trendText;
    int sentiment = 0;
    KpiModel::Status status = KpiModel::Status::NoData;
};

} // namespace

struct KpiModel::Private
{
    QPointer<SampleStore> store;
    TimeRange range;
    QHash<QString, QString> filter;
    RefreshThrottle* coalesce = nullptr;
    bool loading = false;
    bool loaded = false;
    qint64 now = 0;
    QVector<Row> rows;
    StoreJobs jobs; ///< after what its deliveries touch: cancelled first when the model goes

    qint64 window() const
    {
        const qint64 w = floorTo(std::min(kMaxWindow, range.duration()), 60);
        return std::max(kMinWindow, w);
    }

    static SeriesQuery baseQuery(const QHash<QString, QString>& filter, const QString& metric,
                                 const QString& aggregation, TimeRange r)
    {
        SeriesQuery q;
        q.metric = metric;
        q.aggregation = aggregation;
        q.range = r;
        q.labelEquals = filter;
        q.step = 60;
        q.reduce = Reduce::Sum;
        return q;
    }
    SeriesQuery base(const QString& metric, const QString& aggregation, TimeRange r) const
    {
        return baseQuery(filter, metric, aggregation, r);
    }

    void resetRows()
    {
        rows = {
            {RequestsPerMin, QObject::tr("Requests"), Unit::RequestsPerMin},
            {TokensPerMin, QObject::tr("Tokens"), Unit::TokensPerMin},
            {PtuUtilization, QObject::tr("PTU utilization"), Unit::Percent},
            {ThrottledShare, QObject::tr("Throttled (429)"), Unit::Percent},
            {TtftAvg, QObject::tr("Time to first token"), Unit::Milliseconds},
        };
    }
};

KpiModel::KpiModel(SampleStore* store, QObject* parent)
    : QAbstractListModel(parent), d(std::make_unique<Private>())
{
    d->store = store;
    d->resetRows();
    d->coalesce =
        new RefreshThrottle([this] { refreshNow(); }, RefreshThrottle::kDefaultIntervalMs, this);
}

KpiModel::~KpiModel() = default;

int KpiModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(d->rows.size());
}

QVariant KpiModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = d->rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return formatQuantity(r.value, r.unit);
    case Qt::ToolTipRole:
        return r.title + QLatin1Char('\n') + r.detail;
    case Qt::AccessibleTextRole:
        return r.title + QStringLiteral(": ") + formatQuantity(r.value, r.unit);
    case KpiRole:
        return int(r.kpi);
    case TitleRole:
        return r.title;
    case ValueRole:
        return r.value;
    case UnitRole:
        return QVariant::fromValue(r.unit);
    case DetailRole:
        return r.detail;
    case TrendRole:
        return r.trend;
    case TrendTextRole:
        return r.trendText;
    case TrendSentimentRole:
        return r.sentiment;
    case StatusRole:
        return QVariant::fromValue(r.status);
    default:
        return {};
    }
}

QHash<int, QByteArray> KpiModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(KpiRole, "kpi");
    names.insert(TitleRole, "title");
    names.insert(ValueRole, "value");
    names.insert(UnitRole, "unit");
    names.insert(TextRole, "text");
    names.insert(DetailRole, "detail");
    names.insert(TrendRole, "trend");
    names.insert(TrendTextRole, "trendText");
    names.insert(TrendSentimentRole, "trendSentiment");
    names.insert(StatusRole, "status");
    return names;
}

void KpiModel::setTimeRange(TimeRange range)
{
    if (range == d->range)
        return;
    d->range = range;
    refresh();
}

TimeRange KpiModel::timeRange() const
{
    return d->range;
}

void KpiModel::setLabelFilter(const QHash<QString, QString>& labels)
{
    if (labels == d->filter)
        return;
    d->filter = labels;
    refresh();
}

void KpiModel::refresh()
{
    d->coalesce->request();
}

double KpiModel::value(Kpi kpi) const
{
    for (const auto& r : d->rows) {
        if (r.kpi == kpi)
            return r.value;
    }
    return kNaN;
}

qint64 KpiModel::nowMinute() const
{
    return d->now;
}

qint64 KpiModel::windowSeconds() const
{
    return d->window();
}

bool KpiModel::isLoading() const
{
    return d->loading;
}

bool KpiModel::isLoaded() const
{
    return d->loaded;
}

void KpiModel::refreshNow()
{
    d->coalesce->ranNow();
    if (!d->store || !d->range.isValid())
        return;
    d->loading = true;
    const TimeRange range = d->range;

    // Stage 1: where the newest request data in the range is (any resolution will do). Stage
    // 2, on the store's thread right after it: per-minute data around it, two windows back.
    SeriesQuery probe = d->base(kRequests, QStringLiteral("total"), range);
    probe.step = 0;
    probe.pixelWidth = 64;
    SeriesQuery probeOthers = probe;
    probeOthers.metric = kOtherRequests;
    const qint64 w = d->window();
    const auto base = [filter = d->filter](const QString& metric, const QString& aggregation,
                                           TimeRange r) {
        return Private::baseQuery(filter, metric, aggregation, r);
    };
    auto stage2 = [base, w, range](const QueryResult& r) -> QVector<SeriesQuery> {
        qint64 newest = 0;
        for (const auto& s : r.series) {
            if (!s.points.isEmpty())
                newest = std::max(newest, qint64(s.points.back().x() / 1000.0));
        }
        if (newest == 0)
            return {};
        const qint64 anchor = floorTo(newest, 60);
        // The previous window may start before the range: it is only the comparison.
        const TimeRange span{anchor - 2 * w - 3600,
                             std::min(range.to, anchor + qint64(r.step) + 3600)};
        SeriesQuery status = base(kRequests, QStringLiteral("total"), span);
        status.groupBy = QStringLiteral("StatusCode");
        status.groupTransform = GroupTransform::StatusClass;
        SeriesQuery util = base(kUtilization, QStringLiteral("average"), span);
        util.groupBy = kDeploymentKey;
        util.reduce = Reduce::Avg;
        SeriesQuery ttft = base(kTtft, QStringLiteral("average"), span);
        ttft.combine = Combine::Mean;
        ttft.reduce = Reduce::Avg;
        QVector<SeriesQuery> out = {status, base(kPrompt, QStringLiteral("total"), span),
                                    base(kGenerated, QStringLiteral("total"), span), util, ttft};
        out.append(base(kOtherRequests, QStringLiteral("total"), span));
        for (const char* metric : kOtherTokens)
            out.append(base(QLatin1String(metric), QStringLiteral("total"), span));
        SeriesQuery localTtft = base(kLocalTtft, QStringLiteral("p50"), span);
        localTtft.combine = Combine::Mean;
        localTtft.reduce = Reduce::Avg;
        out.append(localTtft);
        return out;
    };
    // Both stages in one job on the store's thread; a newer refresh supersedes it.
    d->jobs.run(
        d->store, QStringLiteral("kpis"),
        [probe, probeOthers, stage2](StoreBackend& db, const JobToken& token) {
            QVector<QueryResult> results;
            QueryResult probed = db.query(probe);
            probed.series += db.query(probeOthers).series;
            const QVector<SeriesQuery> next = stage2(probed);
            for (const SeriesQuery& q : next) {
                if (token.isCancelled())
                    break;
                results.append(db.query(q));
            }
            return results; // empty when the range holds no requests
        },
        [this](const QVector<QueryResult>& results) { finish(results); });
}

void KpiModel::finish(const QVector<QueryResult>& results)
{
    d->resetRows();
    d->now = 0;
    if (results.size() == kQueries) {
        // The other sources' figures join Azure's: served requests count as 2xx, tokens add
        // up, and a local server's TTFT median joins the per-minute means.
        QVector<QueryResult> merged = results.mid(0, kAzureQueries);
        for (QueriedSeries s : results[kAzureQueries].series) {
            s.name = QStringLiteral("2xx");
            merged[0].series.append(s);
        }
        for (int i = kAzureQueries + 1; i < kQueries - 1; ++i)
            merged[1].series += results[i].series;
        merged[4].series += results[kQueries - 1].series;
        compute(merged);
    }
    d->loading = false;
    emit dataChanged(index(0), index(rowCount() - 1));
    emit updated();
    if (!d->loaded) {
        d->loaded = true;
        emit loaded();
    }
}

void KpiModel::compute(const QVector<QueryResult>& results)
{
    const auto& status = results[0].series;
    const auto& prompt = results[1].series;
    const auto& generated = results[2].series;
    const auto& util = results[3].series;
    const auto& ttft = results[4].series;

    // "Now": the newest minute with request data that is complete (ended before range end and
    // before the wall clock).
    const qint64 limit = std::min(d->range.to, nowUtc());
    qint64 now = 0;
    for (const auto& s : status) {
        for (const auto& p : s.points) {
            const qint64 ts = qint64(p.x() / 1000.0);
            if (ts >= d->range.from && ts + 60 <= limit)
                now = std::max(now, ts);
        }
    }
    if (now == 0)
        return;
    d->now = now;
    const qint64 w = d->window();
    const Window cur{now + 60 - w, now + 60};
    const Window prev{cur.from - w, cur.from};
    const QString minutes = QString::number(w / 60);
    const QString prevText =
        w == 3600 ? tr("vs previous hour") : tr("vs previous %1 min").arg(minutes);
    const QString lastText = w == 3600 ? tr("last hour") : tr("last %1 min").arg(minutes);
    const QString at =
        QLocale().toString(QDateTime::fromSecsSinceEpoch(now + 60), QLocale::ShortFormat);

    auto relTrend = [&](Row& r, double curV, double prevV, int upSentiment) {
        if (std::isnan(curV) || std::isnan(prevV) || prevV == 0) {
            r.trendText = tr("no data for the %1").arg(prevText.mid(3));
            return;
        }
        r.trend = (curV - prevV) / prevV * 100.0;
        r.trendText = signedNumber(r.trend, std::fabs(r.trend) >= 10 ? 0 : 1) +
                      QStringLiteral(" % ") + prevText;
        r.sentiment = std::fabs(r.trend) < 5 ? 0 : (r.trend > 0 ? upSentiment : -upSentiment);
    };
    auto pointTrend = [&](Row& r, double curV, double prevV, int upSentiment, const QString& vs) {
        if (std::isnan(curV) || std::isnan(prevV)) {
            r.trendText = tr("no data %1").arg(vs);
            return;
        }
        r.trend = curV - prevV;
        r.trendText = signedNumber(r.trend, 1) + QStringLiteral(" pts ") + vs;
        r.sentiment = std::fabs(r.trend) < 0.1 ? 0 : (r.trend > 0 ? upSentiment : -upSentiment);
    };

    for (Row& r : d->rows) {
        switch (r.kpi) {
        case RequestsPerMin: {
            const Tally c = tally(status, cur), p = tally(status, prev);
            r.value = c.perMinute();
            r.detail = tr("avg per minute, %1 to %2").arg(lastText, at);
            relTrend(r, r.value, p.perMinute(), 0);
            break;
        }
        case TokensPerMin: {
            Tally c = tally(prompt, cur), p = tally(prompt, prev);
            const Tally cg = tally(generated, cur), pg = tally(generated, prev);
            c.sum += cg.sum;
            c.minutes.unite(cg.minutes);
            p.sum += pg.sum;
            p.minutes.unite(pg.minutes);
            r.value = c.perMinute();
            r.detail = tr("prompt + generated, every provider, avg per minute, %1").arg(lastText);
            relTrend(r, r.value, p.perMinute(), 0);
            break;
        }
        case PtuUtilization: {
            // The busiest provisioned deployment in the newest minute that has utilization.
            qint64 minute = 0;
            for (const auto& s : util) {
                for (const auto& pt : s.points) {
                    const qint64 ts = qint64(pt.x() / 1000.0);
                    if (cur.contains(pt.x()) && ts <= now)
                        minute = std::max(minute, ts);
                }
            }
            QString busiest;
            for (const auto& s : util) {
                const double v = valueAtMinute(s, minute);
                if (!std::isnan(v) && (std::isnan(r.value) || v > r.value)) {
                    r.value = v;
                    busiest = s.name;
                }
            }
            if (std::isnan(r.value)) {
                r.detail = tr("no provisioned deployment reported utilization");
                break;
            }
            r.detail = tr("%1, newest minute").arg(busiest);
            double before = kNaN;
            for (const auto& s : util) {
                if (s.name == busiest)
                    before = valueAtMinute(s, minute - 3600);
            }
            pointTrend(r, r.value, before, 0, tr("vs 1 h earlier"));
            r.status = r.value >= 100  ? Status::Critical
                       : r.value >= 90 ? Status::Warning
                                       : Status::Normal;
            continue;
        }
        case ThrottledShare: {
            const Tally c = tally(status, cur), p = tally(status, prev);
            const Tally c429 = tally(status, cur, QStringLiteral("429"));
            const Tally p429 = tally(status, prev, QStringLiteral("429"));
            r.value = c.sum > 0 ? c429.sum / c.sum * 100.0 : kNaN;
            const double pv = p.sum > 0 ? p429.sum / p.sum * 100.0 : kNaN;
            r.detail = tr("share of requests answered 429, %1").arg(lastText);
            pointTrend(r, r.value, pv, -1, prevText);
            r.status = std::isnan(r.value) ? Status::NoData
                       : r.value >= 5.0    ? Status::Critical
                       : r.value >= 1.0    ? Status::Warning
                                           : Status::Normal;
            continue;
        }
        case TtftAvg: {
            r.value = meanIn(ttft, cur);
            r.detail = tr("mean of per-minute averages, %1").arg(lastText);
            relTrend(r, r.value, meanIn(ttft, prev), -1);
            break;
        }
        case KpiCount:
            break;
        }
        r.status = std::isnan(r.value) ? Status::NoData : Status::Normal;
    }
}

} // namespace isc
