#pragma once

#include "emulator/trafficmodel.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>
#include <functional>
#include <memory>

namespace isc::emu {

/// The built-in fleet emulator: serves the Azure Monitor metrics API, metricDefinitions, the
/// deployments list and location usages on loopback, with Azure's semantics and quirks, from
/// a TrafficModel. Newest minutes arrive late (filling in over ~3 minutes), as on Azure.
class Emulator : public QObject
{
    Q_OBJECT
public:
    explicit Emulator(quint64 seed, QObject* parent = nullptr);
    /// An account serving `fleet` instead of the demo fleet (e.g. with a fine-tune, which the
    /// demo lacks); the other providers stay the demo's.
    Emulator(quint64 seed, QVector<FleetDeployment> fleet, QObject* parent = nullptr);
    ~Emulator() override;

    /// Listens on `address:port` (0 = any free port). Returns false with `error` set on failure.
    bool listen(const QHostAddress& address = QHostAddress::LocalHost, quint16 port = 0,
                QString* error = nullptr);
    quint16 port() const;
    /// "http://127.0.0.1:PORT"
    QUrl baseUrl() const;

    /// The ARM resource id of the demo Azure OpenAI account.
    static QString accountResourceId();
    /// The bearer token the emulator accepts (not a secret: loopback demo only).
    static QString demoToken();

    const TrafficModel& traffic() const;

    /// Replaces the wall clock (seconds UTC) for tests of late-arriving data.
    void setClock(std::function<qint64()> nowUtc);

    /// Serves the ARM lists (deployments, usages, metric definitions) `items` a page, linked by
    /// `nextLink` as ARM pages long lists; 0 (the default) serves each list whole.
    void setListPageSize(int items);
    /// Answers `metric` in every metrics call with Azure's `code` and `message` and no values,
    /// beside the good metrics (a 200 with a failed metric inside); an empty `code` heals it.
    void setMetricError(const QString& metric, const QString& code, const QString& message);

    /// Requests served so far (for tests).
    int requestCount() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc::emu
