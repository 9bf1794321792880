#include "aciservice.h"

#include "emulator/azurereply.h"
#include "emulator/demoaccount.h"
#include "emulator/emulatorkeys.h"
#include "emulator/metriccatalog.h"
#include "emulator/querystring.h"

#include "core/timerange.h"

#include <QUuid>
#include <algorithm>
#include <array>
#include <cmath>

namespace isc::emu {

using namespace detail;

namespace {

const QString kNamespace = QStringLiteral("Microsoft.ContainerInstance/containerGroups");
const QString kContainer = QStringLiteral("phi3-mini");
constexpr qint64 kMaxSpanSeconds = 93 * 86400;

struct AciMetric
{
    const char* name;
    const char* display;
    const char* unit;
    const char* description;
    bool perContainer; ///< has the containerName dimension
    double AciMinute::*field;
};

const std::array<AciMetric, 4>& aciMetrics()
{
    static const std::array<AciMetric, 4> metrics{{
        {"CpuUsage", "CPU Usage", "Count", "CPU usage on all cores in millicores.", true,
         &AciMinute::cpuMillicores},
        {"MemoryUsage", "Memory Usage", "Bytes", "Total memory usage in bytes.", true,
         &AciMinute::memoryBytes},
        {"NetworkBytesReceivedPerSecond", "Network Bytes Received Per Second", "Bytes",
         "The network bytes received per second.", false, &AciMinute::receivedBytesPerSecond},
        {"NetworkBytesTransmittedPerSecond", "Network Bytes Transmitted Per Second", "Bytes",
         "The network bytes transmitted per second.", false, &AciMinute::transmittedBytesPerSecond},
    }};
    return metrics;
}

const AciMetric* findMetric(const QString& name)
{
    for (const auto& m : aciMetrics()) {
        if (name.compare(QLatin1String(m.name), Qt::CaseInsensitive) == 0)
            return &m;
    }
    return nullptr;
}

double noise(quint64 seed, qint64 minuteTs, quint64 salt)
{
    return unitInterval(splitmix64(seed ^ splitmix64(static_cast<quint64>(minuteTs) * 31 + salt)));
}

Reply definitionsReply()
{
    const QString rid = aciResourceId();
    QJsonArray value;
    for (const auto& m : aciMetrics()) {
        const QString name = QLatin1String(m.name);
        QJsonArray dims;
        if (m.perContainer)
            dims.append(
                nameObject(QStringLiteral("containerName"), QStringLiteral("containerName")));
        QJsonArray grains;
        for (const auto& grain : timeGrains())
            grains.append(QJsonObject{{QStringLiteral("timeGrain"), QLatin1String(grain.name)},
                                      {QStringLiteral("retention"), QStringLiteral("P93D")}});
        value.append(QJsonObject{
            {QStringLiteral("id"),
             rid + QStringLiteral("/providers/microsoft.insights/metricdefinitions/") + name},
            {QStringLiteral("resourceId"), rid},
            {QStringLiteral("namespace"), kNamespace},
            {QStringLiteral("name"), nameObject(name, QLatin1String(m.display))},
            {QStringLiteral("displayDescription"), QLatin1String(m.description)},
            {QStringLiteral("isDimensionRequired"), false},
            {QStringLiteral("unit"), QLatin1String(m.unit)},
            {QStringLiteral("primaryAggregationType"), QStringLiteral("Average")},
            {QStringLiteral("supportedAggregationTypes"),
             QJsonArray{QStringLiteral("None"), QStringLiteral("Average"),
                        QStringLiteral("Minimum"), QStringLiteral("Maximum"),
                        QStringLiteral("Total"), QStringLiteral("Count")}},
            {QStringLiteral("metricAvailabilities"), grains},
            {QStringLiteral("dimensions"), dims},
        });
    }
    return listReply(value);
}

Reply resourceReply()
{
    Reply r;
    const QJsonObject container{
        {QStringLiteral("name"), kContainer},
        {QStringLiteral("properties"),
         QJsonObject{{QStringLiteral("image"), QStringLiteral("ollama/ollama:latest")},
                     {QStringLiteral("resources"),
                      QJsonObject{{QStringLiteral("requests"),
                                   QJsonObject{{QStringLiteral("cpu"), 2},
                                               {QStringLiteral("memoryInGB"), 4}}}}}}}};
    r.body = QJsonDocument(QJsonObject{
        {QStringLiteral("id"), aciResourceId()},
        {QStringLiteral("name"), QStringLiteral("aci-phi3-mini")},
        {QStringLiteral("type"), kNamespace},
        {QStringLiteral("location"), demoRegion()},
        {QStringLiteral("properties"),
         QJsonObject{{QStringLiteral("containers"), QJsonArray{container}},
                     {QStringLiteral("osType"), QStringLiteral("Linux")},
                     {QStringLiteral("provisioningState"), QStringLiteral("Succeeded")}}},
    });
    return r;
}

Reply metricsReply(quint64 seed, const QMap<QString, QString>& q, qint64 now)
{
    QVector<const AciMetric*> wanted;
    for (const QString& name :
         q.value(QStringLiteral("metricnames")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const AciMetric* m = findMetric(name.trimmed());
        if (!m) {
            QStringList valid;
            for (const auto& def : aciMetrics())
                valid << QLatin1String(def.name);
            return badRequest(QStringLiteral("Failed to find metric configuration for provider: "
                                             "Microsoft.ContainerInstance, resource Type: "
                                             "containerGroups, metric: %1, Valid metrics: %2")
                                  .arg(name.trimmed(), valid.join(QLatin1Char(','))));
        }
        wanted.append(m);
    }
    if (wanted.isEmpty())
        return badRequest(QStringLiteral("The metricnames parameter is empty."));
    if (wanted.size() > 20)
        return badRequest(QStringLiteral("Requested metric count %1 exceeds the limit of 20.")
                              .arg(wanted.size()));
    const qint64 interval =
        grainSeconds(q.value(QStringLiteral("interval"), QStringLiteral("PT1M")));
    if (interval == 0)
        return badRequest(QStringLiteral("Detected invalid interval '%1'.")
                              .arg(q.value(QStringLiteral("interval"))));
    qint64 start = floorTo(now, 60) - 3600, end = floorTo(now, 60);
    if (q.contains(QStringLiteral("timespan"))) {
        const QStringList parts = q.value(QStringLiteral("timespan")).split(QLatin1Char('/'));
        const auto s = parts.size() == 2 ? parseIsoUtc(parts[0]) : std::nullopt;
        const auto e = parts.size() == 2 ? parseIsoUtc(parts[1]) : std::nullopt;
        const qint64 from = s.value_or(0);
        const qint64 to = e.value_or(0);
        if (!s || !e || to <= from || to - from > kMaxSpanSeconds)
            return badRequest(
                QStringLiteral("Invalid timespan '%1'.").arg(q.value(QStringLiteral("timespan"))));
        start = from;
        end = to;
    }
    QStringList aggs{QStringLiteral("average")};
    if (q.contains(QStringLiteral("aggregation"))) {
        aggs.clear();
        for (const QString& a :
             q.value(QStringLiteral("aggregation")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString lower = a.trimmed().toLower();
            if (!aggregationNames().contains(lower))
                return badRequest(QStringLiteral("Invalid aggregation '%1'.").arg(a.trimmed()));
            aggs << lower;
        }
    }

    // One pass over the minutes; each bucket keeps total/min/max/count of every metric.
    const qint64 first = floorTo(start, interval);
    const int buckets = static_cast<int>((end - first + interval - 1) / interval);
    struct Acc
    {
        double total = 0, minimum = 0, maximum = 0;
        int count = 0;
    };
    QVector<QVector<Acc>> acc(wanted.size(), QVector<Acc>(buckets));
    for (qint64 m = floorTo(start, 60); m < end; m += 60) {
        if (now < m + 120)
            break; // not arrived yet
        const int b = static_cast<int>((m - first) / interval);
        const AciMinute minute = aciMinute(seed, m);
        for (int i = 0; i < wanted.size(); ++i) {
            const double v = minute.*(wanted[i]->field);
            Acc& a = acc[i][b];
            a.minimum = a.count ? std::min(a.minimum, v) : v;
            a.maximum = a.count ? std::max(a.maximum, v) : v;
            a.total += v;
            ++a.count;
        }
    }

    QByteArray value;
    for (int i = 0; i < wanted.size(); ++i) {
        const AciMetric& def = *wanted[i];
        QByteArray data;
        for (int b = 0; b < buckets; ++b) {
            const Acc& a = acc[i][b];
            QByteArray point = "{\"timeStamp\":" + jsonString(formatIsoUtc(first + b * interval));
            if (a.count > 0) {
                for (const QString& agg : aggs) {
                    const double v = agg == QLatin1String("average")   ? a.total / a.count
                                     : agg == QLatin1String("minimum") ? a.minimum
                                     : agg == QLatin1String("maximum") ? a.maximum
                                     : agg == QLatin1String("count")   ? a.count
                                                                       : a.total;
                    point += ",\"" + agg.toLatin1() + "\":" + jsonNumber(v);
                }
            }
            if (!data.isEmpty())
                data += ',';
            data += point + '}';
        }
        if (!value.isEmpty())
            value += ',';
        const QString name = QLatin1String(def.name);
        value +=
            "{\"id\":" +
            jsonString(aciResourceId() + QStringLiteral("/providers/Microsoft.Insights/metrics/") +
                       name) +
            ",\"type\":\"Microsoft.Insights/metrics\",\"name\":{\"value\":" + jsonString(name) +
            ",\"localizedValue\":" + jsonString(QLatin1String(def.display)) +
            "},\"displayDescription\":" + jsonString(QLatin1String(def.description)) +
            ",\"unit\":" + jsonString(QLatin1String(def.unit)) +
            ",\"errorCode\":\"Success\",\"timeseries\":[{\"metadatavalues\":[],\"data\":[" + data +
            "]}]}";
    }
    Reply r;
    r.raw = "{\"cost\":" + QByteArray::number(buckets * wanted.size()) + ",\"timespan\":" +
            jsonString(formatIsoUtc(start) + QLatin1Char('/') + formatIsoUtc(end)) +
            ",\"interval\":" + jsonString(grainName(interval)) +
            ",\"namespace\":" + jsonString(kNamespace) +
            ",\"resourceregion\":" + jsonString(demoRegion()) + ",\"value\":[" + value + "]}";
    return r;
}

} // namespace

QString aciResourceId()
{
    return QStringLiteral("/subscriptions/") + demoSubscription() +
           QStringLiteral("/resourceGroups/rg-inferscope-demo/providers/"
                          "Microsoft.ContainerInstance/containerGroups/aci-phi3-mini");
}

AciMinute aciMinute(quint64 seed, qint64 minuteTs)
{
    // A 2-vCPU group serving phi-3-mini: about 30 requests a minute at the weekday peak.
    const double envelope = TrafficModel::demandEnvelope(minuteTs, false);
    const double requestsPerMinute = 30.0 * envelope * (0.85 + 0.3 * noise(seed, minuteTs, 1));
    AciMinute out;
    out.cpuMillicores = std::round(
        std::min(2000.0, 90.0 + 55.0 * requestsPerMinute * (0.9 + 0.2 * noise(seed, minuteTs, 2))));
    // The model's weights (~2.3 GB, 4-bit) stay loaded; the KV cache grows with load.
    out.memoryBytes =
        std::round(2.3e9 + 1.2e7 * requestsPerMinute + 4.0e7 * noise(seed, minuteTs, 3));
    out.receivedBytesPerSecond =
        std::round(requestsPerMinute * 2400.0 / 60.0 * (0.9 + 0.2 * noise(seed, minuteTs, 4)));
    out.transmittedBytesPerSecond =
        std::round(requestsPerMinute * 6100.0 / 60.0 * (0.9 + 0.2 * noise(seed, minuteTs, 5)));
    return out;
}

AciService::AciService(const TrafficModel& traffic) : m_seed(traffic.seed()) {}

bool AciService::accepts(const HttpServerRequest& req) const
{
    return req.path().toLower().startsWith(aciResourceId().toLower());
}

void AciService::serve(const HttpServerRequest& req, HttpServerResponder& r,
                       const ServiceContext& ctx)
{
    const QMap<QString, QString> q = parseQuery(req.rawQuery());
    QString path = req.path().toLower();
    while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
        path.chop(1);
    const QString rid = aciResourceId().toLower();
    Reply reply;
    if (!isAcceptedBearer(req.header("Authorization"))) {
        reply = armError(401,
                         req.header("Authorization").isEmpty()
                             ? QStringLiteral("AuthenticationFailed")
                             : QStringLiteral("InvalidAuthenticationToken"),
                         req.header("Authorization").isEmpty()
                             ? QStringLiteral("Authentication failed. The 'Authorization' header "
                                              "is missing.")
                             : QStringLiteral("The access token is invalid."));
    } else if (q.value(QStringLiteral("api-version")).isEmpty()) {
        reply = armError(400, QStringLiteral("MissingApiVersionParameter"),
                         QStringLiteral("The api-version query parameter (?api-version=) is "
                                        "required for all requests."));
    } else if (path == rid) {
        reply = resourceReply();
    } else if (path == rid + QLatin1String("/providers/microsoft.insights/metricdefinitions")) {
        reply = definitionsReply();
    } else if (path == rid + QLatin1String("/providers/microsoft.insights/metrics")) {
        reply = metricsReply(m_seed, q, ctx.nowUtc);
    } else {
        reply = armError(404, QStringLiteral("ResourceNotFound"),
                         QStringLiteral("The resource '%1' was not found.").arg(req.path()));
    }
    reply.headers.prepend({"Content-Type", "application/json; charset=utf-8"});
    reply.headers.append(
        {"x-ms-request-id", QUuid::createUuid().toByteArray(QUuid::WithoutBraces)});
    r.respond(reply.status, reply.headers,
              reply.raw.isNull() ? reply.body.toJson(QJsonDocument::Compact) : reply.raw);
}

} // namespace isc::emu
