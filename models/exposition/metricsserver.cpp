#include "metricsserver.h"

#include "core/timerange.h"
#include "exposition/collectormetrics.h"
#include "exposition/prometheusexposition.h"
#include "net/loopbackhttpserver.h"

namespace isc {

struct MetricsServer::Private
{
    const CollectorMetrics* metrics = nullptr;
    LoopbackHttpServer server;
    std::function<qint64()> clock = [] { return nowUtc(); };
    std::function<QVector<MetricFamily>()> extra;
    int scrapes = 0;

    void answer(const HttpServerRequest& req, HttpServerResponder& r);
};

void MetricsServer::Private::answer(const HttpServerRequest& req, HttpServerResponder& r)
{
    const QString path = req.path();
    const bool metricsPath = path == QLatin1String("/metrics");
    const bool healthPath = path == QLatin1String("/healthz");
    const QList<HttpServerHeader> noStore{{"Cache-Control", "no-store"}};
    if (!metricsPath && !healthPath) {
        r.respond(404, {{"Content-Type", "text/plain; charset=utf-8"}},
                  "Not found. Inferscope serves /metrics and /healthz.\n");
        return;
    }
    if (req.method != "GET" && req.method != "HEAD") {
        r.respond(405, {{"Allow", "GET, HEAD"}, {"Content-Type", "text/plain; charset=utf-8"}},
                  "Only GET and HEAD.\n");
        return;
    }
    const qint64 now = clock();
    if (healthPath) {
        const CollectorMetrics::Health h = metrics->health(now);
        r.respondJson(h.ok ? 200 : 503, h.json, noStore);
        return;
    }
    ++scrapes;
    const ScrapeFormat format = negotiateScrapeFormat(req.header("Accept"));
    QVector<MetricFamily> families = metrics->families(now);
    if (extra)
        families += extra();
    r.respond(200, {{"Content-Type", scrapeContentType(format)}, noStore.first()},
              PrometheusExposition::render(families, format));
}

void MetricsServer::setExtraFamilies(std::function<QVector<MetricFamily>()> families)
{
    d->extra = std::move(families);
}

MetricsServer::MetricsServer(const CollectorMetrics* metrics, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->metrics = metrics;
    // A scrape asks for nothing in its body: a large one is not a scraper.
    d->server.setMaxBodySize(64 * 1024);
    d->server.setHandler(
        [this](const HttpServerRequest& req, HttpServerResponder& r) { d->answer(req, r); });
}

MetricsServer::~MetricsServer() = default;

std::optional<ListenAddress> MetricsServer::parseListenAddress(const QString& text, QString* error)
{
    const QString t = text.trimmed();
    QString host = QStringLiteral("127.0.0.1");
    QString portText = t;
    if (t.startsWith(QLatin1Char('['))) {
        const qsizetype close = t.indexOf(QLatin1String("]:"));
        if (close < 0) {
            *error = QStringLiteral("--listen: \"%1\" is not [IPv6]:PORT").arg(text);
            return std::nullopt;
        }
        host = t.mid(1, close - 1);
        portText = t.mid(close + 2);
    } else if (t.contains(QLatin1Char(':'))) {
        const qsizetype colon = t.lastIndexOf(QLatin1Char(':'));
        host = t.left(colon);
        portText = t.mid(colon + 1);
        if (host.contains(QLatin1Char(':'))) {
            *error =
                QStringLiteral("--listen: write an IPv6 address in brackets, [%1]:PORT").arg(host);
            return std::nullopt;
        }
    }
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port > 65535 || portText.startsWith(QLatin1Char('+'))) {
        *error = QStringLiteral("--listen: \"%1\" is not a port (0-65535) or ADDRESS:PORT, "
                                "e.g. 9464 or 127.0.0.1:9464")
                     .arg(text);
        return std::nullopt;
    }
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        host = QStringLiteral("127.0.0.1");
    QHostAddress address;
    if (host.isEmpty() || !address.setAddress(host)) {
        *error = QStringLiteral("--listen: \"%1\" is not an IP address (name the address to "
                                "listen on, e.g. 127.0.0.1 or 0.0.0.0; names are not resolved)")
                     .arg(host);
        return std::nullopt;
    }
    return ListenAddress{address, static_cast<quint16>(port)};
}

bool MetricsServer::listen(const ListenAddress& where, QString* error)
{
    if (d->server.listen(where.address, where.port))
        return true;
    const QString at = where.address.protocol() == QAbstractSocket::IPv6Protocol
                           ? QStringLiteral("[%1]:%2")
                           : QStringLiteral("%1:%2");
    const QString named = at.arg(where.address.toString()).arg(where.port);
    switch (d->server.serverError()) {
    case QAbstractSocket::AddressInUseError:
        *error = QStringLiteral("cannot serve metrics on %1: the address is already in use "
                                "(another collector or exporter?); pick another port with "
                                "--listen")
                     .arg(named);
        break;
    case QAbstractSocket::SocketAddressNotAvailableError:
        *error = QStringLiteral("cannot serve metrics on %1: that address is not one of this "
                                "machine's")
                     .arg(named);
        break;
    case QAbstractSocket::SocketAccessError:
        *error = QStringLiteral("cannot serve metrics on %1: permission denied (ports below 1024 "
                                "need privileges)")
                     .arg(named);
        break;
    default:
        *error =
            QStringLiteral("cannot serve metrics on %1: %2").arg(named, d->server.errorString());
    }
    return false;
}

QUrl MetricsServer::url() const
{
    return d->server.isListening() ? d->server.serverUrl() : QUrl();
}

void MetricsServer::setClock(std::function<qint64()> nowUtc)
{
    d->clock = std::move(nowUtc);
}

int MetricsServer::scrapes() const
{
    return d->scrapes;
}

} // namespace isc
