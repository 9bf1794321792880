#pragma once

#include "exposition/prometheusexposition.h"

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>

namespace isc {

class CollectorMetrics;

/// Where `--listen` asks to serve: a parsed address and port.
struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;
    /// True when the address is not a loopback one (it had to be named explicitly).
    bool exposed() const { return !address.isLoopback(); }
};

/// Serves what a CollectorMetrics knows over HTTP: GET /metrics (Prometheus text 0.0.4, or
/// OpenMetrics 1.0 when Accept asks for it) and GET /healthz (200, or 503 when failing, with a
/// short JSON body); HEAD alike, 405 for other methods, 404 for other paths.
class MetricsServer : public QObject
{
    Q_OBJECT
public:
    /// Serves `metrics`, which must outlive the server.
    explicit MetricsServer(const CollectorMetrics* metrics, QObject* parent = nullptr);
    ~MetricsServer() override;

    /// Parses "PORT" (loopback 127.0.0.1), "ADDRESS:PORT" or "[IPv6]:PORT"; "localhost" is
    /// 127.0.0.1. Other host names are refused: an address is named, never resolved.
    static std::optional<ListenAddress> parseListenAddress(const QString& text, QString* error);

    /// Listens; false with `error` in words (the address in use, not this host's, ...).
    bool listen(const ListenAddress& where, QString* error);
    /// "http://127.0.0.1:9464" (the port chosen when 0 was asked for); empty when not listening.
    QUrl url() const;

    /// Replaces the wall clock (seconds UTC), for tests.
    void setClock(std::function<qint64()> nowUtc);

    /// Families served after the collector's on each scrape (the alert state).
    void setExtraFamilies(std::function<QVector<MetricFamily>()> families);

    /// Scrapes of /metrics answered so far.
    int scrapes() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
