#include "metriccatalog.h"

namespace isc::emu::detail {

namespace {

const QStringList kRequestDims = {
    QStringLiteral("ModelDeploymentName"), QStringLiteral("ModelName"),
    QStringLiteral("ModelVersion"),        QStringLiteral("StatusCode"),
    QStringLiteral("IsSpillover"),         QStringLiteral("Region"),
    QStringLiteral("StreamType")};
const QStringList kTokenDims = {QStringLiteral("ModelDeploymentName"), QStringLiteral("ModelName")};
const QStringList kModelDims = {QStringLiteral("ModelDeploymentName"), QStringLiteral("ModelName"),
                                QStringLiteral("ModelVersion")};
const QStringList kAvailabilityDims = {QStringLiteral("ModelDeploymentName"),
                                       QStringLiteral("ModelName"), QStringLiteral("ModelVersion"),
                                       QStringLiteral("Region")};

// Families of metrics share category, unit, aggregation, kind, scope and dimensions.
MetricDef tokenMetric(MetricId id, const char* name, const char* display, const char* description)
{
    return {id,      name,    display,        description, "Azure OpenAI - Usage",
            "Count", "Total", Kind::Additive, Scope::All,  kTokenDims};
}

MetricDef latencyMetric(MetricId id, const char* name, const char* display, const char* description,
                        const char* unit)
{
    return {id,   name,      display,       description,        "Azure OpenAI - Latency",
            unit, "Average", Kind::Sampled, Scope::Interactive, kModelDims};
}

MetricDef provisionedPercent(MetricId id, const char* name, const char* display,
                             const char* description)
{
    return {id,        name,      display,       description,        "Azure OpenAI - Usage",
            "Percent", "Average", Kind::Sampled, Scope::Provisioned, kModelDims};
}

} // namespace

const QVector<MetricDef>& metricDefs()
{
    static const QVector<MetricDef> defs = {
        {MetricId::Requests, "AzureOpenAIRequests", "Azure OpenAI Requests",
         "Number of calls made to the Azure OpenAI API over a period of time.",
         "Azure OpenAI - HTTP", "Count", "Total", Kind::Additive, Scope::All, kRequestDims},
        tokenMetric(MetricId::PromptTokens, "ProcessedPromptTokens", "Processed Prompt Tokens",
                    "Number of prompt tokens processed (input) on an Azure OpenAI model."),
        tokenMetric(MetricId::GeneratedTokens, "GeneratedTokens", "Generated Completion Tokens",
                    "Number of tokens generated (output) from an Azure OpenAI model."),
        tokenMetric(
            MetricId::TokenTransaction, "TokenTransaction", "Processed Inference Tokens",
            "Number of inference tokens processed on an Azure OpenAI model (prompt + generated)."),
        latencyMetric(
            MetricId::Ttft, "AzureOpenAINormalizedTTFTInMS", "Normalized Time to First Byte",
            "Time to first token per request, normalized by prompt size.", "MilliSeconds"),
        latencyMetric(MetricId::Ttlt, "AzureOpenAITTLTInMS", "Time to Last Byte",
                      "Time from the request to the last token of the response.", "MilliSeconds"),
        latencyMetric(MetricId::TimeToResponse, "AzureOpenAITimeToResponse", "Time to Response",
                      "Time until the first response (first token when streaming, whole response "
                      "otherwise).",
                      "MilliSeconds"),
        latencyMetric(MetricId::Tbt, "AzureOpenAINormalizedTBTInMS",
                      "Normalized Time Between Tokens",
                      "Time between consecutive generated tokens.", "MilliSeconds"),
        latencyMetric(MetricId::TokensPerSecond, "AzureOpenAITokenPerSecond", "Tokens Per Second",
                      "Generation speed of responses, in tokens per second.", "Count"),
        provisionedPercent(MetricId::Utilization, "AzureOpenAIProvisionedManagedUtilizationV2",
                           "Provisioned-managed Utilization V2",
                           "Percentage of the provisioned deployment's capacity consumed; calls "
                           "get 429 at 100 %."),
        provisionedPercent(MetricId::CacheMatchRate, "AzureOpenAIContextTokensCacheMatchRate",
                           "Prompt Token Cache Match Rate",
                           "Percentage of prompt tokens served from the prompt cache "
                           "(provisioned deployments)."),
        {MetricId::ActiveTokens, "ActiveTokens", "Active Tokens",
         "Total tokens minus cached tokens, for provisioned deployments.", "Azure OpenAI - Usage",
         "Count", "Total", Kind::Additive, Scope::Provisioned, kModelDims},
        {MetricId::Availability, "AzureOpenAIAvailabilityRate", "Availability Rate",
         "Availability percentage: (total calls - server errors) / total calls.",
         "Azure OpenAI - HTTP", "Percent", "Average", Kind::Sampled, Scope::All, kAvailabilityDims},
        {MetricId::FineTunedTrainingHours, "FineTunedTrainingHours",
         "Processed FineTuned Training Hours",
         "Number of training hours processed on an Azure OpenAI fine-tuned model.",
         "Azure OpenAI - Usage", "Count", "Total", Kind::Additive, Scope::FineTuned, kTokenDims},
    };
    return defs;
}

const MetricDef* findMetric(const QString& name)
{
    for (const auto& def : metricDefs()) {
        if (name.compare(QLatin1String(def.name), Qt::CaseInsensitive) == 0)
            return &def;
    }
    return nullptr;
}

bool isProvisionedSku(const QString& sku)
{
    return sku.endsWith(QLatin1String("ProvisionedManaged"));
}

bool isBatchSku(const QString& sku)
{
    return sku.endsWith(QLatin1String("Batch"));
}

bool inScope(Scope scope, const FleetDeployment& d)
{
    switch (scope) {
    case Scope::All:
        return true;
    case Scope::Interactive:
        return !isBatchSku(d.sku);
    case Scope::Provisioned:
        return isProvisionedSku(d.sku);
    case Scope::FineTuned:
        return TrafficModel::isFineTuned(d);
    }
    return false;
}

const QStringList& aggregationNames()
{
    static const QStringList names = {QStringLiteral("total"), QStringLiteral("average"),
                                      QStringLiteral("minimum"), QStringLiteral("maximum"),
                                      QStringLiteral("count")};
    return names;
}

bool countsZero(const MetricDef& def)
{
    return QLatin1String(def.unit) == QLatin1String("Count") && def.kind == Kind::Additive;
}

const QVector<TimeGrain>& timeGrains()
{
    static const QVector<TimeGrain> grains = {{"PT1M", 60},     {"PT5M", 300},  {"PT15M", 900},
                                              {"PT30M", 1800},  {"PT1H", 3600}, {"PT6H", 21600},
                                              {"PT12H", 43200}, {"P1D", 86400}};
    return grains;
}

qint64 grainSeconds(const QString& text)
{
    for (const auto& grain : timeGrains()) {
        if (text.compare(QLatin1String(grain.name), Qt::CaseInsensitive) == 0)
            return grain.seconds;
    }
    return 0;
}

QString grainName(qint64 seconds)
{
    for (const auto& grain : timeGrains()) {
        if (grain.seconds == seconds)
            return QLatin1String(grain.name);
    }
    return QStringLiteral("P1D");
}

} // namespace isc::emu::detail
