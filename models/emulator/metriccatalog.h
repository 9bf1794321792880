#pragma once

#include "emulator/trafficmodel.h"

#include <QStringList>
#include <QVector>

// Internal: the metrics the emulator serves, as Azure Monitor describes them.
namespace isc::emu::detail {

enum class MetricId {
    Requests,
    PromptTokens,
    GeneratedTokens,
    TokenTransaction,
    Ttft,
    Ttlt,
    TimeToResponse,
    Tbt,
    TokensPerSecond,
    Utilization,
    CacheMatchRate,
    ActiveTokens,
    Availability,
    FineTunedTrainingHours,
};

/// Which deployments report a metric.
enum class Scope { All, Interactive, Provisioned, FineTuned };

/// Additive metrics sum over requests (late minutes fill in); sampled ones are final on arrival.
enum class Kind { Additive, Sampled };

/// One served metric: Azure's name, texts, unit, primary aggregation and dimensions.
struct MetricDef
{
    MetricId id;
    const char* name;
    const char* display;
    const char* description;
    const char* category;
    const char* unit;
    const char* primary; ///< primary aggregation, e.g. "Total"
    Kind kind;
    Scope scope;
    QStringList dims; ///< dimension names, as Azure spells them
};

/// Every served metric, in metricDefinitions order.
const QVector<MetricDef>& metricDefs();

/// The metric called `name` (case-insensitive), nullptr when none.
const MetricDef* findMetric(const QString& name);

/// Whether an empty interval of `def` reads as a zero total/count rather than as no data.
bool countsZero(const MetricDef& def);

/// The lower-case aggregation names a metrics query accepts.
const QStringList& aggregationNames();

/// One supported time grain ("PT1M") and its length.
struct TimeGrain
{
    const char* name;
    qint64 seconds;
};

/// Supported time grains, shortest first (each retained 93 days).
const QVector<TimeGrain>& timeGrains();

/// Seconds of the grain named `text` (case-insensitive), 0 when unsupported.
qint64 grainSeconds(const QString& text);

/// The name of the grain lasting `seconds`; "P1D" when none does.
QString grainName(qint64 seconds);

bool isProvisionedSku(const QString& sku);
bool isBatchSku(const QString& sku);

/// Whether deployment `d` reports metrics of `scope`.
bool inScope(Scope scope, const FleetDeployment& d);

} // namespace isc::emu::detail
