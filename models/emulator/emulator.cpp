#include "emulator.h"

#include "emulator/azurereply.h"
#include "emulator/demoaccount.h"
#include "emulator/emulatorkeys.h"
#include "emulator/emulatorservice.h"
#include "emulator/faultinjector.h"
#include "emulator/inventoryendpoints.h"
#include "emulator/metricsendpoint.h"
#include "emulator/querystring.h"
#include "net/loopbackhttpserver.h"

#include "core/timerange.h"

#include <QRegularExpression>
#include <QUuid>
#include <optional>

namespace isc::emu {

using namespace detail;

namespace {

// ARM's 401: `code` and `message`, with the bearer challenge naming the error.
Reply unauthorized(const QString& code, const QString& message, const QByteArray& challengeTail)
{
    Reply r = armError(401, code, message);
    r.headers.append(HttpServerHeader{"WWW-Authenticate", "Bearer authorization_uri=\"https://"
                                                          "login.microsoftonline.com/common\", "
                                                          "error=\"invalid_token\"" +
                                                              challengeTail});
    return r;
}

// ARM checks the token first, then the api-version and the method; nullopt when all pass.
std::optional<Reply> refusal(const HttpServerRequest& req, const QString& apiVersion)
{
    const QByteArray auth = req.header("Authorization");
    if (auth.isEmpty())
        return unauthorized(QStringLiteral("AuthenticationFailed"),
                            QStringLiteral("Authentication failed. The 'Authorization' header is "
                                           "missing."),
                            {});
    if (!isAcceptedBearer(auth))
        return unauthorized(QStringLiteral("InvalidAuthenticationToken"),
                            QStringLiteral("The access token is invalid."),
                            ", error_description=\"The access token is invalid.\"");
    if (apiVersion.isEmpty())
        return armError(400, QStringLiteral("MissingApiVersionParameter"),
                        QStringLiteral("The api-version query parameter (?api-version=) is "
                                       "required for all requests."));
    static const QRegularExpression versionRe(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}(-preview)?$"));
    if (!versionRe.match(apiVersion).hasMatch())
        return armError(400, QStringLiteral("InvalidApiVersionParameter"),
                        QStringLiteral("The api-version '%1' is invalid. The supported versions "
                                       "are '2024-02-01', '2024-10-01'.")
                            .arg(apiVersion));
    if (req.method != "GET" && req.method != "HEAD")
        return armError(405, QStringLiteral("MethodNotAllowed"),
                        QStringLiteral("The requested method '%1' is not allowed; the emulator "
                                       "serves GET only.")
                            .arg(QString::fromLatin1(req.method)));
    return std::nullopt;
}

} // namespace

struct Emulator::Private
{
    Private(quint64 seed, QVector<FleetDeployment> fleet)
        : traffic(seed, std::move(fleet)), services(makeEmulatorServices(traffic))
    {}

    TrafficModel traffic;
    std::vector<std::unique_ptr<EmulatorService>> services;
    LoopbackHttpServer server;
    std::function<qint64()> clock = [] { return isc::nowUtc(); };
    int requests = 0;
    int pageSize = 0;
    QHash<QString, std::pair<QString, QString>> failingMetrics;

    Reply handle(const HttpServerRequest& req) const;
    Reply route(const HttpServerRequest& req, const QMap<QString, QString>& q) const;
    Reply paged(const Reply& list, const HttpServerRequest& req,
                const QMap<QString, QString>& q) const;
};

// One page of a list when paging is on; the link keeps the request's api-version.
Reply Emulator::Private::paged(const Reply& list, const HttpServerRequest& req,
                               const QMap<QString, QString>& q) const
{
    if (pageSize <= 0 || list.status != 200)
        return list;
    QUrl base = server.serverUrl();
    base.setPath(req.path());
    const QString link = base.toString() + QStringLiteral("?api-version=") +
                         q.value(QStringLiteral("api-version")) + QLatin1Char('&');
    return pageOf(list, pageSize, q.value(QStringLiteral("$skiptoken")).toInt(), link);
}

Reply Emulator::Private::handle(const HttpServerRequest& req) const
{
    const QMap<QString, QString> q = parseQuery(req.rawQuery());
    if (auto refused = refusal(req, q.value(QStringLiteral("api-version"))))
        return *refused;
    return route(req, q);
}

Reply Emulator::Private::route(const HttpServerRequest& req, const QMap<QString, QString>& q) const
{
    QString path = req.path().toLower();
    while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
        path.chop(1);
    const QString rid = demoAccountResourceId().toLower();
    if (path == rid + QLatin1String("/providers/microsoft.insights/metrics"))
        return answerMetrics(traffic, q, clock(), failingMetrics);
    if (path == rid + QLatin1String("/providers/microsoft.insights/metricdefinitions"))
        return paged(metricDefinitionsReply(), req, q);
    if (path == rid + QLatin1String("/deployments"))
        return paged(deploymentsReply(traffic), req, q);
    if (path == rid)
        return accountReply();
    static const QRegularExpression usagesRe(
        QStringLiteral("^/subscriptions/([^/]+)/providers/microsoft\\.cognitiveservices/locations/"
                       "([^/]+)/usages$"));
    const auto m = usagesRe.match(path);
    if (m.hasMatch()) {
        if (m.captured(1) != demoSubscription().toLower())
            return armError(
                404, QStringLiteral("SubscriptionNotFound"),
                QStringLiteral("The subscription '%1' could not be found.").arg(m.captured(1)));
        return paged(usagesReply(traffic, m.captured(2)), req, q);
    }
    return armError(404, QStringLiteral("ResourceNotFound"),
                    QStringLiteral("The resource '%1' was not found.").arg(req.path()));
}

Emulator::Emulator(quint64 seed, QObject* parent)
    : Emulator(seed, TrafficModel::demoFleet(), parent)
{}

Emulator::Emulator(quint64 seed, QVector<FleetDeployment> fleet, QObject* parent)
    : QObject(parent), d(new Private(seed, std::move(fleet)))
{
    d->server.setParent(this); // follows the emulator to its thread; destroyed with d first
    d->server.setHandler([this](const HttpServerRequest& req, HttpServerResponder& r) {
        ++d->requests;
        if (injectFault(req, r))
            return;
        for (const auto& service : d->services) {
            if (service->accepts(req)) {
                service->serve(req, r, ServiceContext{d->traffic, d->clock(), baseUrl()});
                return;
            }
        }
        Reply reply = d->handle(req);
        reply.headers.prepend({"Content-Type", "application/json; charset=utf-8"});
        const QByteArray id = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        reply.headers.append({"x-ms-request-id", id});
        reply.headers.append({"x-ms-correlation-request-id", id});
        r.respond(reply.status, reply.headers,
                  reply.raw.isNull() ? reply.body.toJson(QJsonDocument::Compact) : reply.raw);
    });
}

Emulator::~Emulator() = default;

bool Emulator::listen(const QHostAddress& address, quint16 port, QString* error)
{
    if (d->server.listen(address, port))
        return true;
    if (error)
        *error = d->server.errorString();
    return false;
}

quint16 Emulator::port() const
{
    return d->server.port();
}

QUrl Emulator::baseUrl() const
{
    return d->server.serverUrl();
}

QString Emulator::accountResourceId()
{
    return demoAccountResourceId();
}

QString Emulator::demoToken()
{
    return QStringLiteral("inferscope-demo-token");
}

const TrafficModel& Emulator::traffic() const
{
    return d->traffic;
}

void Emulator::setClock(std::function<qint64()> nowUtc)
{
    d->clock = std::move(nowUtc);
}

void Emulator::setListPageSize(int items)
{
    d->pageSize = std::max(0, items);
}

void Emulator::setMetricError(const QString& metric, const QString& code, const QString& message)
{
    if (code.isEmpty())
        d->failingMetrics.remove(metric);
    else
        d->failingMetrics.insert(metric, {code, message});
}

int Emulator::requestCount() const
{
    return d->requests;
}

} // namespace isc::emu
