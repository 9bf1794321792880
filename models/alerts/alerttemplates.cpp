#include "alerttemplates.h"

#include <QJsonArray>
#include <QJsonObject>

namespace isc {
namespace {

const QString kAzure = QStringLiteral("azure-openai");
const QString kPrometheus = QStringLiteral("prometheus");

struct Spec
{
    QJsonObject json;
    const char* description;
    QStringList kinds;
    bool provisionedOnly = false;
    bool spilloverOnly = false;
    bool needsBudget = false;
};

QVector<Spec> specs()
{
    using O = QJsonObject;
    using A = QJsonArray;
    const A byDeployment{QStringLiteral("ModelDeploymentName")};
    return {
        {O{{"id", "ptu-utilization"},
           {"name", QStringLiteral("PTU utilization ≥ 90 % for 5 min")},
           {"metric", "AzureOpenAIProvisionedManagedUtilizationV2"},
           {"aggregation", "average"},
           {"op", ">="},
           {"threshold", 90},
           {"clearMargin", 5},
           {"for", "5m"},
           {"unit", "%"}},
         "A provisioned deployment near its capacity: at 100 % Azure answers 429 (or spills "
         "over). Per provisioned deployment; resolves below 85 %.",
         {kAzure},
         true},
        {O{{"id", "http-429-share"},
           {"name", QStringLiteral("429 share ≥ 2 % for 5 min")},
           {"metric", "AzureOpenAIRequests"},
           {"aggregation", "total"},
           {"labels", A{QStringLiteral("StatusCode=\"429\"")}},
           {"share", O{{"minDenominator", 10}}},
           {"op", ">="},
           {"threshold", 2},
           {"clearMargin", 1},
           {"for", "5m"},
           {"unit", "%"}},
         "Share of a deployment's requests rejected with 429 (rate or capacity limit), per minute; "
         "minutes with fewer than 10 requests do not count.",
         {kAzure}},
        {O{{"id", "spillover-share"},
           {"name", QStringLiteral("Spillover share ≥ 10 %")},
           {"metric", "AzureOpenAIRequests"},
           {"aggregation", "total"},
           {"labels", A{QStringLiteral("IsSpillover=~\"[Tt]rue\"")}},
           {"share", O{{"minDenominator", 20}}},
           {"window", "5m"},
           {"op", ">="},
           {"threshold", 10},
           {"clearMargin", 2},
           {"for", "0m"},
           {"unit", "%"}},
         "Share of a deployment's requests it served as spillover of a provisioned deployment, "
         "over 5 minutes: the provisioned one is undersized.",
         {kAzure},
         false,
         true},
        {O{{"id", "ttft-average"},
           {"name", QStringLiteral("Time to first token (average) above 2 s for 10 min")},
           {"metric", "AzureOpenAINormalizedTTFTInMS"},
           {"aggregation", "average"},
           {"op", ">"},
           {"threshold", 2000},
           {"clearMargin", 200},
           {"for", "10m"},
           {"unit", "ms"}},
         "Azure reports the average per minute, not percentiles: this is the average.",
         {kAzure}},
        {O{{"id", "ttft-p95"},
           {"name", QStringLiteral("Time to first token (p95) above 2 s for 10 min")},
           {"metric", "TtftMs"},
           {"aggregation", "p95"},
           {"op", ">"},
           {"threshold", 2000},
           {"clearMargin", 200},
           {"for", "10m"},
           {"unit", "ms"}},
         "The 95th percentile from a local server's histogram (vLLM).",
         {kPrometheus}},
        {O{{"id", "ttlt-average"},
           {"name", QStringLiteral("Time to last token (average) above 30 s for 10 min")},
           {"metric", "AzureOpenAITTLTInMS"},
           {"aggregation", "average"},
           {"op", ">"},
           {"threshold", 30000},
           {"clearMargin", 3000},
           {"for", "10m"},
           {"unit", "ms"}},
         "Azure reports the average per minute, not percentiles: this is the average.",
         {kAzure}},
        {O{{"id", "ttlt-p95"},
           {"name", QStringLiteral("Time to last token (p95) above 30 s for 10 min")},
           {"metric", "E2eLatencyMs"},
           {"aggregation", "p95"},
           {"op", ">"},
           {"threshold", 30000},
           {"clearMargin", 3000},
           {"for", "10m"},
           {"unit", "ms"}},
         "The 95th percentile of the whole request from a local server's histogram (vLLM, TGI).",
         {kPrometheus}},
        {O{{"id", "spend-today"},
           {"name", QStringLiteral("Spend today above 10 % of the monthly budget")},
           {"input", "spendTodayPercent"},
           {"op", ">="},
           {"threshold", 10},
           {"clearMargin", 0},
           {"for", "0m"},
           {"by", A{}},
           {"unit", "%"}},
         "One UTC day eating a tenth of the month's budget.",
         {},
         false,
         false,
         true},
        {O{{"id", "spend-forecast"},
           {"name", QStringLiteral("Month-end forecast above the monthly budget")},
           {"input", "spendForecastPercent"},
           {"op", ">="},
           {"threshold", 100},
           {"clearMargin", 5},
           {"for", "0m"},
           {"by", A{}},
           {"unit", "%"}},
         "Month to date plus the recent daily rate for the days left (the Cost page's forecast).",
         {},
         false,
         false,
         true},
        {O{{"id", "source-stale"},
           {"name", QStringLiteral("Source down or stale for 3 polls")},
           {"input", "pollsMissed"},
           {"op", ">"},
           {"threshold", 3},
           {"clearMargin", 0},
           {"for", "0m"},
           {"by", A{}},
           {"severity", "critical"},
           {"unit", "polls"}},
         "No good poll for more than 3 poll intervals: the source is failing or the collector "
         "stopped.",
         {}},
        {O{{"id", "quota-usage"},
           {"name", QStringLiteral("Quota use ≥ 80 %")},
           {"metric", "QuotaCurrent"},
           {"aggregation", "average"},
           {"share", O{{"metric", "QuotaLimit"}}},
           {"by", A{QStringLiteral("quota"), QStringLiteral("location")}},
           {"window", "2h"},
           {"op", ">="},
           {"threshold", 80},
           {"clearMargin", 5},
           {"for", "0m"},
           {"unit", "%"}},
         "A subscription quota (per model and SKU, in the account's region) 80 % used; read "
         "hourly with the inventory, so the window spans two readings.",
         {kAzure}},
        {O{{"id", "retirement"},
           {"name", QStringLiteral("Deployment within 60 days of retirement")},
           {"input", "daysToRetirement"},
           {"op", "<="},
           {"threshold", 60},
           {"clearMargin", 0},
           {"for", "0m"},
           {"severity", "info"},
           {"unit", "days"}},
         "The deployment's model version retires (stops answering) within 60 days, per the "
         "lifecycle catalog.",
         {kAzure}},
        {O{{"id", "local-queue"},
           {"name", QStringLiteral("Local server queue above 10 for 5 min")},
           {"metric", "RequestsWaiting"},
           {"aggregation", "average"},
           {"op", ">"},
           {"threshold", 10},
           {"clearMargin", 2},
           {"for", "5m"},
           {"unit", "requests"}},
         "Requests waiting for a slot on a local server (vLLM, llama.cpp deferred, TGI queue).",
         {kPrometheus}},
        {O{{"id", "local-kv-cache"},
           {"name", QStringLiteral("Local server KV cache ≥ 95 % for 5 min")},
           {"metric", "KvCacheUsagePercent"},
           {"aggregation", "average"},
           {"op", ">="},
           {"threshold", 95},
           {"clearMargin", 5},
           {"for", "5m"},
           {"unit", "%"}},
         "A full KV cache preempts requests; llama.cpp no longer exposes it.",
         {kPrometheus}},
    };
}

QStringList polledKinds()
{
    QStringList kinds = connectionKinds();
    kinds.removeAll(QStringLiteral("openai-compatible")); // playground only, never polled
    return kinds;
}

} // namespace

const QVector<AlertTemplate>& builtinAlertTemplates()
{
    static const QVector<AlertTemplate> templates = [] {
        QVector<AlertTemplate> out;
        for (const Spec& s : specs()) {
            QStringList errors;
            auto rule = AlertRule::parse(s.json, QStringLiteral("template"), &errors);
            Q_ASSERT_X(rule, "builtinAlertTemplates", qPrintable(errors.join(QLatin1Char('\n'))));
            if (!rule)
                continue;
            rule->templateId = rule->id;
            out.append({*rule, QString::fromUtf8(s.description),
                        s.kinds.isEmpty() ? polledKinds() : s.kinds, s.provisionedOnly,
                        s.spilloverOnly, s.needsBudget});
        }
        return out;
    }();
    return templates;
}

std::optional<AlertTemplate> builtinAlertTemplate(const QString& id)
{
    for (const AlertTemplate& t : builtinAlertTemplates()) {
        if (t.rule.id == id)
            return t;
    }
    return std::nullopt;
}

QVector<AlertRule> applicableBuiltinRules(const Workspace& workspace, const Deployments& inventory)
{
    const bool hasBudget =
        workspace.budget.value(QStringLiteral("monthlyUsd")).toVariant().toDouble() > 0;
    QVector<AlertRule> out;
    for (const AlertTemplate& t : builtinAlertTemplates()) {
        if (t.needsBudget && !hasBudget)
            continue;
        AlertRule rule = t.rule;
        for (const Connection& c : workspace.connections) {
            if (!t.kinds.contains(c.kind))
                continue;
            QStringList deployments;
            for (const Deployment& d : inventory) {
                if (d.source != c.id)
                    continue;
                if ((t.provisionedOnly && d.isProvisioned()) ||
                    (t.spilloverOnly && !d.spilloverTo.isEmpty()))
                    deployments << (t.spilloverOnly ? d.spilloverTo : d.name);
            }
            if ((t.provisionedOnly || t.spilloverOnly) && deployments.isEmpty())
                continue;
            rule.connections << c.id;
            for (const QString& d : std::as_const(deployments)) {
                if (!rule.deployments.contains(d))
                    rule.deployments << d;
            }
        }
        if (rule.connections.isEmpty())
            continue;
        if (t.needsBudget) // the budget is the workspace's, not a connection's
            rule.connections.clear();
        out.append(rule);
    }
    return out;
}

} // namespace isc
