#pragma once

// Internal to AzureSource: its private state, shared by azuresource.cpp (lifecycle and
// inventory) and azurepollcycle.cpp (one poll or backfill chunk).

#include "azuresource.h"

#include "armlistreader.h"
#include "azurejson.h"
#include "azuremetricsparser.h"
#include "metrictally.h"

#include <QLoggingCategory>
#include <QPointer>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcAzure)

namespace isc::azure {

// Versions every request of the source uses (the services' names are in azurejson.h).
inline constexpr qint64 kDefaultChunkSeconds = 6 * 3600;
inline const QString kMonitorApiVersion = QStringLiteral("2024-02-01");
inline const QString kArmApiVersion = QStringLiteral("2024-10-01");

struct AzureSource::Private
{
    explicit Private(AzureSource* owner)
        : q(owner), connection(owner->connection()), health(owner->mutableHealth())
    {}

    AzureSource* q = nullptr;
    const Connection& connection; // q's, as the lifecycle (PollingSource) keeps them
    SourceHealth& health;
    QPointer<HttpClient> http;
    TokenProvider token;
    qint64 chunkSeconds = kDefaultChunkSeconds;

    qint64 inventoryAt = 0;                       // s UTC of the last good inventory, 0 = never
    std::shared_ptr<ArmListReader> inventoryRead; // deployments, then metric definitions

    bool monitor = false; // kind azure-monitor: connection.metrics, no deployments, no quota
    std::optional<QVector<MetricDefinition>> definitions; // nullopt until read
    QVector<MetricGroup> calls;                           // what one window reads
    QStringList skipped;                                  // names not offered (warned once)
    QString location;                                     // of the account, for its quota
    qint64 quotaAt = 0;                                   // s UTC of the last quota read

    // The chunk or poll in flight: each metric lands whole or gets its own gap.
    struct Cycle
    {
        quint64 generation = 0;
        bool backfill = false;
        TimeRange window;
        int outstanding = 0;
        PollBatch batch;
        QString error;                  // the whole window failed before any call was sent
        QVector<QStringList> callNames; // the metrics of each call, by call index
        MetricTally tally;
        QList<quint64> requests;
        std::shared_ptr<ArmListReader> quotaRead;
        bool quota = false; // the location quota is read with this poll
        QString quotaError; // why it could not be (a warning, not a failure)
    };
    std::optional<Cycle> cycle;
    quint64 generation = 0;

    qint64 clock() const { return q->now(); }
    void setState(SourceHealth::State state) { q->setState(state); }
    void emitHealth() { q->emitHealth(); }
    void warn(const QString& message);
    QString resourceName() const;
    QUrl armUrl(const QString& path, const QString& apiVersion) const;
    bool prepare(HttpRequest* req, const QUrl& url, QString* error) const;
    ArmListReader::Prepare preparer() const;
    bool inventoryBusy() const { return inventoryRead && inventoryRead->isActive(); }
    void replan();
    void fetchInventory(std::function<void()> then);
    void fetchDefinitions(std::function<void()> then);
    void startCycle(const TimeRange& window, bool backfill, bool withQuota = false);
    void fetchQuota(quint64 generation);
    void fetchUsages(quint64 generation);
    void quotaDone(quint64 generation, const QString& error, const QVector<SeriesSamples>& series);
    void onMetrics(quint64 generation, int call, const HttpResponse& r);
    void onParsed(quint64 generation, int call, const MetricsParseResult& parsed);
    void finishCycle();
    bool bearer(QList<HttpHeader>* headers, QString* error) const;
};

} // namespace isc::azure
