#include "collectormetrics.h"

#include "core/labels.h"
#include "core/timerange.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <cmath>
#include <optional>

namespace isc {
namespace {

enum Family { Requests, Spillover, InputTokens, OutputTokens, PtuUtilization, Ttft, Ttlt, Count };

struct FamilySpec
{
    const char* name;
    const char* type;
    const char* unit;
    const char* extraLabel; ///< the third label after connection and deployment, or nullptr
    const char* help;
};

const FamilySpec kFamilies[Count] = {
    {"inferscope_requests_total", "counter", "", "status_class",
     "Requests in the stored minutes since the collector started, by status class (2xx, 3xx, "
     "4xx, 429, 5xx, other; served and failed where a source reports no status)."},
    {"inferscope_spillover_requests_total", "counter", "", nullptr,
     "Requests a deployment served as spillover of a provisioned deployment (Azure "
     "IsSpillover), in the stored minutes since the collector started."},
    {"inferscope_input_tokens_total", "counter", "", "cache",
     "Input (prompt) tokens in the stored minutes since the collector started, by cache class "
     "(uncached, cached, write_5m, write_1h; unknown: a whole prompt without a cache split)."},
    {"inferscope_output_tokens_total", "counter", "", nullptr,
     "Output (generated) tokens, reasoning included, in the stored minutes since the collector "
     "started."},
    {"inferscope_ptu_utilization_ratio", "gauge", "ratio", nullptr,
     "Provisioned (PTU) utilization of the newest stored minute, its average (1 = 100 %; at and "
     "above 1 requests get 429)."},
    {"inferscope_time_to_first_token_seconds", "gauge", "seconds", "aggregation",
     "Time to first token of the newest stored minute, by aggregation (average, maximum, p50, "
     "p95, p99)."},
    {"inferscope_time_to_last_token_seconds", "gauge", "seconds", "aggregation",
     "Time to last token (whole request) of the newest stored minute, by aggregation (average, "
     "maximum, p50, p95, p99)."},
};

// Which stored series feed which family; `extra` null = derived (status class, aggregation).
struct Route
{
    const char* metric;
    const char* aggregation;
    Family family;
    const char* extra;
    double divisor; ///< stored unit to base unit: ms to s, percent to ratio
};

const Route kRoutes[] = {
    {"AzureOpenAIRequests", "total", Requests, nullptr, 1},
    {"Requests", "total", Requests, "served", 1},
    {"Errors", "total", Requests, "failed", 1},
    {"ProcessedPromptTokens", "total", InputTokens, "unknown", 1},
    {"InputTokens", "total", InputTokens, "unknown", 1},
    {"InputTokensUncached", "total", InputTokens, "uncached", 1},
    {"InputTokensCached", "total", InputTokens, "cached", 1},
    {"CacheWrite5mTokens", "total", InputTokens, "write_5m", 1},
    {"CacheWrite1hTokens", "total", InputTokens, "write_1h", 1},
    {"GeneratedTokens", "total", OutputTokens, "", 1},
    {"OutputTokens", "total", OutputTokens, "", 1},
    {"AzureOpenAIProvisionedManagedUtilizationV2", "average", PtuUtilization, "", 100},
    {"AzureOpenAINormalizedTTFTInMS", "average", Ttft, nullptr, 1000},
    {"AzureOpenAINormalizedTTFTInMS", "maximum", Ttft, nullptr, 1000},
    {"TtftMs", "p50", Ttft, nullptr, 1000},
    {"TtftMs", "p95", Ttft, nullptr, 1000},
    {"TtftMs", "p99", Ttft, nullptr, 1000},
    {"AzureOpenAITTLTInMS", "average", Ttlt, nullptr, 1000},
    {"AzureOpenAITTLTInMS", "maximum", Ttlt, nullptr, 1000},
    {"E2eLatencyMs", "p50", Ttlt, nullptr, 1000},
    {"E2eLatencyMs", "p95", Ttlt, nullptr, 1000},
    {"E2eLatencyMs", "p99", Ttlt, nullptr, 1000},
};

const Route* routeFor(const SeriesKey& key)
{
    for (const Route& r : kRoutes) {
        if (key.metric == QLatin1String(r.metric) &&
            key.aggregation == QLatin1String(r.aggregation))
            return &r;
    }
    return nullptr;
}

QString statusClass(const QString& code)
{
    bool ok = false;
    const int n = code.toInt(&ok);
    if (code.isEmpty())
        return QStringLiteral("unknown");
    if (!ok || n < 200 || n > 599)
        return QStringLiteral("other");
    return n == 429 ? QStringLiteral("429") : QStringLiteral("%1xx").arg(n / 100);
}

// What the store would refuse as well (storedsamples: not finite, beyond +-1e300).
bool plausible(double v)
{
    return std::isfinite(v) && std::abs(v) <= 1e300;
}

const QString kOther = QStringLiteral("_other");
const QString kDeploymentKey = QStringLiteral("ModelDeploymentName");
// Azure's share of a minute's prompt served from the cache (percent), as the Cost page reads it.
const QLatin1String kCacheMatchRate("AzureOpenAIContextTokensCacheMatchRate");

const char* const kCostHelp =
    "Cost in USD of the usage in the stored minutes since the collector started, and of "
    "provisioned (PTU) time since then, priced per deployment as the Cost page prices it "
    "(catalog, workspace overrides, Azure by the inventory's model, version and SKU); "
    "rate(...) x 3600 is USD per hour. Deployments without a price are left out.";

} // namespace

struct CollectorMetrics::Private
{
    // One stored series feeding a counter: its minutes still open to revision, and the rest.
    struct Counter
    {
        Family family = Requests;
        QString deployment, extra;
        QString name; ///< the stored deployment label (priced by it), unlike `deployment`
        bool spillover = false;
        bool batch = false;           ///< Batch API usage, priced at the batch rate
        bool azurePrompt = false;     ///< Azure prompt tokens: a cached share is priced apart
        QMap<qint64, double> minutes; ///< minute -> highest value seen
        double folded = 0;            ///< minutes past the revision horizon
        double foldedCached = 0;      ///< of those, prompt x cache match rate (azurePrompt)
        qint64 foldedBefore = 0;      ///< minutes before this are folded
        double total() const
        {
            double t = folded;
            for (double v : minutes)
                t += v;
            return t;
        }
    };
    struct Gauge
    {
        Family family = Ttft;
        QString deployment, extra;
        qint64 ts = -1;
        double value = 0;
    };
    struct Source
    {
        QString id, kind;
        int pollInterval = 60;
        QStringList deployments; ///< admitted, in order of arrival
        QSet<QString> overLimit;
        QHash<SeriesKey, Counter> counters;
        QHash<QString, Gauge> gauges;
        /// Azure cache match rate (percent) by deployment and minute, while prompts may need it.
        QHash<QString, QMap<qint64, double>> cacheRates;
        SourceHealth health;
        double batches = 0, errors = 0;
        qint64 newestSample = 0;
    };

    Limits limits;
    qint64 startedAt = 0;
    qint64 startMinute = 0;
    QMap<QString, Source> sources; ///< sorted by id
    double pollCycles = 0, storeFailures = 0;
    bool storeFailing = false;
    std::optional<CostAccrual> pricing;

    Source& source(const QString& id)
    {
        auto it = sources.find(id);
        if (it == sources.end()) {
            it = sources.insert(id, Source());
            it->id = id;
        }
        return *it;
    }
    // The deployment label of a series, or "_other" past the cap (empty: not admitted at all).
    QString admit(Source& s, const QString& deployment, bool counter)
    {
        if (deployment.isEmpty() || s.deployments.contains(deployment))
            return deployment;
        if (s.deployments.size() < limits.maxDeploymentsPerConnection) {
            s.deployments.append(deployment);
            return deployment;
        }
        if (s.overLimit.size() < 10000)
            s.overLimit.insert(deployment);
        return counter ? kOther : QString();
    }
    void addCounter(Source& s, const SeriesSamples& series, const Route& route);
    void addGauge(Source& s, const SeriesSamples& series, const Route& route);
    static double cachedShare(const Source& s, const Counter& c, qint64 minute, double value)
    {
        const double rate = s.cacheRates.value(c.name).value(minute, 0.0);
        return value * std::clamp(rate, 0.0, 100.0) / 100.0;
    }
    void addCacheRates(Source& s, const SeriesSamples& series);
    QMap<QString, CostAccrual::Priced> cost(const Source& s, qint64 now) const;
    bool fresh(const Source& s, qint64 now) const
    {
        if (s.health.state == SourceHealth::State::Backfilling)
            return true;
        return s.health.lastSuccess > 0 &&
               now - s.health.lastSuccess <= qint64(limits.healthIntervals) * s.pollInterval;
    }
    static bool up(const Source& s)
    {
        return s.health.state != SourceHealth::State::Failing && s.health.lastSuccess > 0;
    }
};

void CollectorMetrics::Private::addCounter(Source& s, const SeriesSamples& series,
                                           const Route& route)
{
    auto it = s.counters.find(series.key);
    if (it == s.counters.end()) {
        const QString deployment =
            safeLabelValue(labels::value(series.key.labels, QStringLiteral("ModelDeploymentName")));
        Counter c;
        c.family = route.family;
        c.name = labels::value(series.key.labels, kDeploymentKey);
        c.batch =
            labels::value(series.key.labels, QStringLiteral("batch")) == QLatin1String("true");
        c.azurePrompt = series.key.metric == QLatin1String("ProcessedPromptTokens");
        c.deployment = admit(s, deployment, true);
        c.extra = route.extra
                      ? QLatin1String(route.extra)
                      : statusClass(labels::value(series.key.labels, QStringLiteral("StatusCode")));
        c.spillover = route.family == Requests &&
                      labels::value(series.key.labels, QStringLiteral("IsSpillover"))
                              .compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
        it = s.counters.insert(series.key, c);
    }
    Counter& c = *it;
    for (const Sample& sample : series.samples) {
        if (sample.ts < startMinute || sample.ts < c.foldedBefore || !plausible(sample.value) ||
            sample.value < 0)
            continue;
        const qint64 minute = floorTo(sample.ts, 60);
        auto m = c.minutes.find(minute);
        if (m == c.minutes.end())
            c.minutes.insert(minute, sample.value);
        else
            *m = std::max(*m, sample.value); // a counter never goes back
    }
    // Minutes past the horizon are final: fold them so memory stays bounded.
    while (!c.minutes.isEmpty() &&
           c.minutes.firstKey() < c.minutes.lastKey() - limits.revisionHorizonSeconds) {
        c.folded += c.minutes.first();
        if (c.azurePrompt)
            c.foldedCached += cachedShare(s, c, c.minutes.firstKey(), c.minutes.first());
        c.foldedBefore = c.minutes.firstKey() + 60;
        c.minutes.erase(c.minutes.begin());
    }
}

void CollectorMetrics::Private::addCacheRates(Source& s, const SeriesSamples& series)
{
    QMap<qint64, double>& rates = s.cacheRates[labels::value(series.key.labels, kDeploymentKey)];
    for (const Sample& sample : series.samples) {
        if (plausible(sample.value))
            rates.insert(floorTo(sample.ts, 60), sample.value);
    }
    // Prompts fold at the revision horizon: older rates are no longer asked for.
    while (!rates.isEmpty() &&
           rates.firstKey() < rates.lastKey() - 2 * limits.revisionHorizonSeconds)
        rates.erase(rates.begin());
}

QMap<QString, CostAccrual::Priced> CollectorMetrics::Private::cost(const Source& s,
                                                                   qint64 now) const
{
    // Token classes per stored deployment and batch flag, as CostQuery gathers them.
    QMap<std::pair<QString, bool>, CostAccrual::Usage> usage;
    QHash<QString, QString> labelOf; ///< stored deployment -> its (capped) label
    for (const Counter& c : s.counters) {
        CostAccrual::Usage& u = usage[{c.name, c.batch}];
        u.deployment = c.name;
        u.batch = c.batch;
        labelOf.insert(c.name, c.deployment);
        const qint64 n = std::llround(c.total());
        if (c.family == Requests && c.extra != QLatin1String("failed"))
            u.tokens.requests += n;
        else if (c.family == OutputTokens)
            u.tokens.output += n;
        else if (c.family != InputTokens)
            continue;
        else if (c.azurePrompt) {
            u.azurePrompt += n;
            u.azureCached += c.foldedCached;
            for (auto m = c.minutes.cbegin(); m != c.minutes.cend(); ++m)
                u.azureCached += cachedShare(s, c, m.key(), m.value());
        } else if (c.extra == QLatin1String("cached"))
            u.tokens.cachedInput += n;
        else if (c.extra == QLatin1String("write_5m"))
            u.tokens.cacheWrite5m += n;
        else if (c.extra == QLatin1String("write_1h"))
            u.tokens.cacheWrite1h += n;
        else
            u.tokens.uncachedInput += n; // "uncached", or a whole prompt without a split
    }
    const QMap<QString, CostAccrual::Priced> priced =
        pricing->price(s.id, s.kind, usage.values().toVector(), now);
    QMap<QString, CostAccrual::Priced> out;
    for (auto it = priced.cbegin(); it != priced.cend(); ++it) {
        // Provisioned deployments without traffic were admitted with their inventory.
        const QString label =
            labelOf.contains(it.key())
                ? labelOf.value(it.key())
                : (s.deployments.contains(safeLabelValue(it.key())) ? safeLabelValue(it.key())
                                                                    : kOther);
        CostAccrual::Priced& p = out[label];
        p.total += it.value().total;
        if (p.pricing.isEmpty() || p.pricing == QLatin1String("catalog"))
            p.pricing = it.value().pricing;
    }
    return out;
}

void CollectorMetrics::Private::addGauge(Source& s, const SeriesSamples& series, const Route& route)
{
    const QString deployment = admit(
        s, safeLabelValue(labels::value(series.key.labels, QStringLiteral("ModelDeploymentName"))),
        false);
    if (deployment.isEmpty() &&
        !labels::value(series.key.labels, QStringLiteral("ModelDeploymentName")).isEmpty())
        return; // past the cap
    const QString extra = route.extra ? QLatin1String(route.extra) : series.key.aggregation;
    Gauge& g = s.gauges[QString::number(route.family) + QLatin1Char('\n') + deployment +
                        QLatin1Char('\n') + extra];
    g.family = route.family;
    g.deployment = deployment;
    g.extra = extra;
    for (const Sample& sample : series.samples) {
        if (sample.ts >= g.ts && plausible(sample.value)) {
            g.ts = sample.ts;
            g.value = sample.value / route.divisor;
        }
    }
}

CollectorMetrics::CollectorMetrics(qint64 startedAt) : CollectorMetrics(startedAt, Limits()) {}

CollectorMetrics::CollectorMetrics(qint64 startedAt, Limits limits) : d(std::make_unique<Private>())
{
    d->limits = limits;
    d->startedAt = startedAt;
    d->startMinute = floorTo(startedAt, 60);
}

CollectorMetrics::~CollectorMetrics() = default;

void CollectorMetrics::addConnection(const QString& id, const QString& kind,
                                     int pollIntervalSeconds)
{
    Private::Source& s = d->source(id);
    s.kind = kind;
    s.pollInterval = std::max(1, pollIntervalSeconds);
}

void CollectorMetrics::setPricing(CostAccrual pricing)
{
    d->pricing = std::move(pricing);
}

void CollectorMetrics::recordInventory(const QString& connection, const Deployments& deployments,
                                       qint64 now)
{
    Private::Source& s = d->source(connection);
    // Provisioned deployments cost PTU time without traffic: they take a label of their own.
    for (const Deployment& dep : deployments) {
        if (dep.isProvisioned())
            d->admit(s, safeLabelValue(dep.name), true);
    }
    if (d->pricing)
        d->pricing->setInventory(connection, deployments, d->startedAt, now);
}

void CollectorMetrics::recordStored(const QString& connection, const QVector<SeriesSamples>& series)
{
    Private::Source& s = d->source(connection);
    s.batches += 1;
    d->storeFailing = false;
    // Rates first: a prompt counter folding in this batch prices its cached share with them.
    for (const SeriesSamples& one : series) {
        if (one.key.metric == kCacheMatchRate && one.key.aggregation == QLatin1String("average"))
            d->addCacheRates(s, one);
    }
    for (const SeriesSamples& one : series) {
        for (const Sample& sample : one.samples)
            s.newestSample = std::max(s.newestSample, sample.ts);
        const Route* route = routeFor(one.key);
        if (!route)
            continue;
        if (QLatin1String(kFamilies[route->family].type) == QLatin1String("counter"))
            d->addCounter(s, one, *route);
        else
            d->addGauge(s, one, *route);
    }
}

void CollectorMetrics::recordFailure(const QString& connection)
{
    d->source(connection).errors += 1;
}

void CollectorMetrics::recordStoreFailure(const QString& connection)
{
    d->storeFailing = true;
    d->storeFailures += 1;
    if (!connection.isEmpty())
        d->source(connection).errors += 1;
}

void CollectorMetrics::recordHealth(const SourceHealth& health)
{
    d->source(health.source).health = health;
}

void CollectorMetrics::recordPollCycle()
{
    d->pollCycles += 1;
}

QVector<MetricFamily> CollectorMetrics::families(qint64 now) const
{
    using Labels = QList<std::pair<QString, QString>>;
    const QString connection = QStringLiteral("connection");
    const QString deploymentLabel = QStringLiteral("deployment");
    QVector<MetricFamily> out;
    const auto family = [](const char* name, const char* type, const char* unit,
                           const char* help) -> MetricFamily {
        return {
            QLatin1String(name), QLatin1String(type), QLatin1String(help), QLatin1String(unit), {}};
    };

    // Per connection and deployment: counters summed over the stored series feeding them.
    QVector<MetricFamily> usage(Count);
    for (int f = 0; f < Count; ++f)
        usage[f] = {QLatin1String(kFamilies[f].name),
                    QLatin1String(kFamilies[f].type),
                    QLatin1String(kFamilies[f].help),
                    QLatin1String(kFamilies[f].unit),
                    {}};
    for (const Private::Source& s : d->sources) {
        QMap<std::pair<QString, QString>, double> values[Count];
        for (const Private::Counter& c : s.counters) {
            const double total = c.total();
            values[c.family][{c.deployment, c.extra}] += total;
            if (c.spillover)
                values[Spillover][{c.deployment, QString()}] += total;
        }
        for (const Private::Gauge& g : s.gauges)
            values[g.family][{g.deployment, g.extra}] = g.value;
        for (int f = 0; f < Count; ++f) {
            for (auto it = values[f].cbegin(); it != values[f].cend(); ++it) {
                Labels l{{connection, safeLabelValue(s.id)}, {deploymentLabel, it.key().first}};
                if (kFamilies[f].extraLabel)
                    l.append({QLatin1String(kFamilies[f].extraLabel), it.key().second});
                usage[f].samples.append({l, it.value()});
            }
        }
    }
    out += usage;

    if (d->pricing) {
        MetricFamily cost = family("inferscope_cost_usd_total", "counter", "", kCostHelp);
        for (const Private::Source& s : d->sources) {
            const auto priced = d->cost(s, now);
            for (auto it = priced.cbegin(); it != priced.cend(); ++it)
                cost.samples.append({{{connection, safeLabelValue(s.id)},
                                      {deploymentLabel, it.key()},
                                      {QStringLiteral("pricing"), it.value().pricing}},
                                     it.value().total.toUnits()});
        }
        out.append(cost);
    }

    // Each source's health.
    MetricFamily up = family("inferscope_source_up", "gauge", "",
                             "1 when the source's last poll succeeded, else 0.");
    MetricFamily lastSuccess =
        family("inferscope_source_last_success_timestamp_seconds", "gauge", "seconds",
               "When the source's last good poll ended (Unix time); absent before the first.");
    MetricFamily age = family("inferscope_source_last_success_age_seconds", "gauge", "seconds",
                              "Seconds since the source's last good poll; absent before the "
                              "first.");
    MetricFamily errors = family("inferscope_source_errors_total", "counter", "",
                                 "Failed polls, backfill chunks and metrics (each a recorded "
                                 "gap), and failed store writes, since the collector started.");
    MetricFamily batches = family("inferscope_source_stored_batches_total", "counter", "",
                                  "Polls and backfill chunks whose data landed in the store.");
    MetricFamily newest =
        family("inferscope_source_newest_sample_timestamp_seconds", "gauge", "seconds",
               "Start of the newest stored minute of the source (Unix time).");
    MetricFamily capped = family("inferscope_source_deployments_over_limit", "gauge", "",
                                 "Deployments past the per-connection limit: their counters add "
                                 "up under deployment=\"_other\", their gauges are left out.");
    for (const Private::Source& s : d->sources) {
        const QString id = safeLabelValue(s.id);
        up.samples.append({{{connection, id}, {QStringLiteral("kind"), safeLabelValue(s.kind)}},
                           Private::up(s) ? 1.0 : 0.0});
        if (s.health.lastSuccess > 0) {
            lastSuccess.samples.append({{{connection, id}}, double(s.health.lastSuccess)});
            age.samples.append(
                {{{connection, id}}, double(std::max<qint64>(0, now - s.health.lastSuccess))});
        }
        errors.samples.append({{{connection, id}}, s.errors});
        batches.samples.append({{{connection, id}}, s.batches});
        if (s.newestSample > 0)
            newest.samples.append({{{connection, id}}, double(s.newestSample)});
        capped.samples.append({{{connection, id}}, double(s.overLimit.size())});
    }
    out << up << lastSuccess << age << errors << batches << newest << capped;

    // The collector's own health.
    const auto single = [&](const char* name, const char* type, const char* unit, const char* help,
                            double value, const Labels& l = {}) {
        MetricFamily f = family(name, type, unit, help);
        f.samples.append({l, value});
        out.append(f);
    };
    single("inferscope_build_info", "gauge", "", "Always 1; the version in a label.", 1,
           {{QStringLiteral("version"), QStringLiteral(INFERSCOPE_VERSION)}});
    single("inferscope_collector_start_time_seconds", "gauge", "seconds",
           "When the collector started (Unix time); counters count the minutes from then on.",
           double(d->startedAt));
    single("inferscope_collector_uptime_seconds", "gauge", "seconds",
           "Seconds since the collector started.", double(std::max<qint64>(0, now - d->startedAt)));
    single("inferscope_collector_healthy", "gauge", "", "1 when /healthz answers 200, else 0.",
           health(now).ok ? 1.0 : 0.0);
    single("inferscope_collector_poll_cycles_total", "counter", "",
           "Poll cycles whose every source's poll landed.", d->pollCycles);
    single("inferscope_collector_store_write_failures_total", "counter", "",
           "Writes into the history store that failed (data, gaps, inventory, retention).",
           d->storeFailures);
    return out;
}

CollectorMetrics::Health CollectorMetrics::health(qint64 now) const
{
    QString reason;
    if (d->storeFailing) {
        reason = QStringLiteral("the last write into the history store failed");
    } else if (d->sources.isEmpty()) {
        reason = QStringLiteral("the workspace has no connection to poll");
    } else {
        bool anyFresh = false;
        int longest = 0;
        for (const Private::Source& s : d->sources) {
            anyFresh = anyFresh || d->fresh(s, now);
            longest = std::max(longest, s.pollInterval);
        }
        const qint64 grace = qint64(d->limits.healthIntervals) * longest;
        if (!anyFresh && now - d->startedAt > grace)
            reason = QStringLiteral("no source had a good poll in the last %1 poll intervals")
                         .arg(d->limits.healthIntervals);
    }
    QJsonArray sources;
    for (const Private::Source& s : d->sources) {
        QJsonObject o{{QStringLiteral("connection"), safeLabelValue(s.id)},
                      {QStringLiteral("up"), Private::up(s)},
                      {QStringLiteral("errors"), s.errors}};
        if (s.health.lastSuccess > 0)
            o.insert(QStringLiteral("lastSuccessAgeSeconds"),
                     double(std::max<qint64>(0, now - s.health.lastSuccess)));
        sources.append(o);
    }
    QJsonObject doc{
        {QStringLiteral("status"),
         reason.isEmpty() ? QStringLiteral("ok") : QStringLiteral("failing")},
        {QStringLiteral("uptimeSeconds"), double(std::max<qint64>(0, now - d->startedAt))},
        {QStringLiteral("sources"), sources}};
    if (!reason.isEmpty())
        doc.insert(QStringLiteral("reason"), reason);
    return {reason.isEmpty(), QJsonDocument(doc).toJson(QJsonDocument::Compact) + '\n'};
}

QString CollectorMetrics::safeLabelValue(const QString& value)
{
    // Names come from workspaces and providers; none of these shapes is a name.
    static const QRegularExpression credential(
        QStringLiteral("://[^/\\s]*@|^\\s*(bearer|basic)\\s|\\bsk-[A-Za-z0-9_-]{8,}|"
                       "^\\s*(authorization|api-key|x-api-key|cookie)\\s*:"),
        QRegularExpression::CaseInsensitiveOption);
    if (credential.match(value).hasMatch())
        return QStringLiteral("redacted");
    return value.left(128);
}

} // namespace isc
