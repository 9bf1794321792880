#include "inventoryendpoints.h"

#include "emulator/demoaccount.h"
#include "emulator/metriccatalog.h"

namespace isc::emu::detail {

namespace {

QJsonArray dimensionsOf(const MetricDef& def)
{
    QJsonArray dims;
    for (const auto& dim : def.dims)
        dims.append(nameObject(dim, dim));
    return dims;
}

QJsonArray availabilities()
{
    QJsonArray out;
    for (const auto& grain : timeGrains())
        out.append(QJsonObject{{QStringLiteral("timeGrain"), QLatin1String(grain.name)},
                               {QStringLiteral("retention"), QStringLiteral("P93D")}});
    return out;
}

QJsonObject rateLimit(const QString& key, int renewalSeconds, int count)
{
    return QJsonObject{{QStringLiteral("key"), key},
                       {QStringLiteral("renewalPeriod"), renewalSeconds},
                       {QStringLiteral("count"), count}};
}

// "Tokens Per Minute (thousands)" and the like: what a quota of `sku` counts.
QString quotaUnit(const QString& sku)
{
    if (isProvisionedSku(sku))
        return QStringLiteral("Provisioned Managed Throughput Units");
    if (isBatchSku(sku))
        return QStringLiteral("Enqueued Tokens (thousands)");
    return QStringLiteral("Tokens Per Minute (thousands)");
}

} // namespace

Reply metricDefinitionsReply()
{
    const QString rid = demoAccountResourceId();
    QJsonArray value;
    for (const auto& def : metricDefs()) {
        const QString name = QLatin1String(def.name);
        value.append(QJsonObject{
            {QStringLiteral("id"),
             rid + QStringLiteral("/providers/microsoft.insights/metricdefinitions/") + name},
            {QStringLiteral("resourceId"), rid},
            {QStringLiteral("namespace"), accountNamespace()},
            {QStringLiteral("category"), QLatin1String(def.category)},
            {QStringLiteral("name"), nameObject(name, QLatin1String(def.display))},
            {QStringLiteral("displayDescription"), QLatin1String(def.description)},
            {QStringLiteral("isDimensionRequired"), false},
            {QStringLiteral("unit"), QLatin1String(def.unit)},
            {QStringLiteral("primaryAggregationType"), QLatin1String(def.primary)},
            {QStringLiteral("supportedAggregationTypes"),
             QJsonArray{QStringLiteral("None"), QStringLiteral("Average"),
                        QStringLiteral("Minimum"), QStringLiteral("Maximum"),
                        QStringLiteral("Total"), QStringLiteral("Count")}},
            {QStringLiteral("metricAvailabilities"), availabilities()},
            {QStringLiteral("dimensions"), dimensionsOf(def)},
        });
    }
    return listReply(value);
}

Reply deploymentsReply(const TrafficModel& traffic)
{
    QJsonArray value;
    for (const auto& d : traffic.fleet()) {
        const bool ptu = isProvisionedSku(d.sku);
        // Standard quota: 1,000 TPM buys 6 RPM, i.e. `capacity` requests per 10 s.
        const int tokensPerMinute = ptu ? d.capacity * 2500 : d.capacity * 1000;
        const int requestsPer10s = ptu ? d.capacity * 2 : d.capacity;
        QJsonObject props{
            {QStringLiteral("model"),
             QJsonObject{{QStringLiteral("format"), QStringLiteral("OpenAI")},
                         {QStringLiteral("name"), d.model},
                         {QStringLiteral("version"), d.version}}},
            {QStringLiteral("provisioningState"), QStringLiteral("Succeeded")},
            {QStringLiteral("currentCapacity"), d.capacity},
            {QStringLiteral("rateLimits"),
             QJsonArray{rateLimit(QStringLiteral("request"), 10, requestsPer10s),
                        rateLimit(QStringLiteral("token"), 60, tokensPerMinute)}},
            {QStringLiteral("versionUpgradeOption"),
             ptu ? QStringLiteral("NoAutoUpgrade")
                 : QStringLiteral("OnceNewDefaultVersionAvailable")},
            {QStringLiteral("raiPolicyName"), QStringLiteral("Microsoft.DefaultV2")},
        };
        if (!d.spilloverTo.isEmpty())
            props.insert(QStringLiteral("spilloverDeploymentName"), d.spilloverTo);
        value.append(QJsonObject{
            {QStringLiteral("id"),
             demoAccountResourceId() + QStringLiteral("/deployments/") + d.name},
            {QStringLiteral("name"), d.name},
            {QStringLiteral("type"),
             QStringLiteral("Microsoft.CognitiveServices/accounts/deployments")},
            {QStringLiteral("sku"), QJsonObject{{QStringLiteral("name"), d.sku},
                                                {QStringLiteral("capacity"), d.capacity}}},
            {QStringLiteral("properties"), props},
        });
    }
    return listReply(value);
}

Reply usagesReply(const TrafficModel& traffic, const QString& location)
{
    struct Quota
    {
        const char* sku;
        const char* model;
        const char* display;
        int limit;
    };
    // Plausible regional quotas (thousands of TPM; PTUs for provisioned; enqueued k-tokens for
    // batch).
    static const Quota quotas[] = {
        {"Standard", "gpt-4o", "GPT-4o", 1000},
        {"GlobalStandard", "gpt-4o", "GPT-4o", 30000},
        {"Standard", "gpt-4o-mini", "GPT-4o mini", 2000},
        {"GlobalStandard", "gpt-4o-mini", "GPT-4o mini", 50000},
        {"DataZoneStandard", "gpt-4.1", "GPT-4.1", 3000},
        {"GlobalStandard", "gpt-4.1", "GPT-4.1", 5000},
        {"ProvisionedManaged", "gpt-4o", "GPT-4o", 300},
        {"GlobalBatch", "gpt-4o-mini", "GPT-4o mini", 50000},
    };
    const bool here = location.compare(demoRegion(), Qt::CaseInsensitive) == 0;
    QJsonArray value;
    for (const auto& quota : quotas) {
        int used = 0;
        for (const auto& d : traffic.fleet()) {
            if (here && d.sku == QLatin1String(quota.sku) && d.model == QLatin1String(quota.model))
                used += d.capacity;
        }
        const QString sku = QLatin1String(quota.sku);
        value.append(QJsonObject{
            {QStringLiteral("name"),
             nameObject(QStringLiteral("OpenAI.%1.%2").arg(sku, QLatin1String(quota.model)),
                        QStringLiteral("%1 - %2 (%3)")
                            .arg(quotaUnit(sku), QLatin1String(quota.display), sku))},
            {QStringLiteral("currentValue"), used},
            {QStringLiteral("limit"), quota.limit},
            {QStringLiteral("unit"), QStringLiteral("Count")},
        });
    }
    return listReply(value);
}

Reply accountReply()
{
    Reply r;
    r.body = QJsonDocument(QJsonObject{
        {QStringLiteral("id"), demoAccountResourceId()},
        {QStringLiteral("name"), QStringLiteral("contoso-aoai")},
        {QStringLiteral("type"), accountNamespace()},
        {QStringLiteral("location"), demoRegion()},
        {QStringLiteral("kind"), QStringLiteral("OpenAI")},
        {QStringLiteral("sku"), QJsonObject{{QStringLiteral("name"), QStringLiteral("S0")}}},
        {QStringLiteral("properties"),
         QJsonObject{
             {QStringLiteral("endpoint"), QStringLiteral("https://contoso-aoai.openai.azure.com/")},
             {QStringLiteral("provisioningState"), QStringLiteral("Succeeded")}}},
    });
    return r;
}

} // namespace isc::emu::detail
