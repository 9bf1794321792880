#pragma once

// A minimal Azure look-alike for the AzureSource tests: records each call, can fail chosen
// calls or metrics, and can page its deployments list in good and bad ways.
#include "emulator/emulator.h"
#include "net/loopbackhttpserver.h"
#include "sources/azure/azuresource.h"
#include "testsupport.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <functional>
#include <utility>

namespace isc::test {

struct FakeAzure
{
    /// How the deployments list pages: one page, or links that never end, loop or lead to
    /// another host.
    enum class Paging { None, Endless, Loop, OtherHost };

    LoopbackHttpServer server;
    QList<QUrlQuery> metricCalls;
    QList<QByteArray> authorizations;
    std::function<bool(const QUrlQuery&)> failCall = [](const QUrlQuery&) { return false; };
    int seriesInRequestsCall = 1;
    QStringList offered = azure::AzureSource::metricNames(); ///< what metricDefinitions lists
    /// Metrics answered with errorCode (code, message) inside a 200.
    QHash<QString, std::pair<QString, QString>> failingMetrics;
    Paging paging = Paging::None;
    int usagesStatus = 200;
    int definitionsCalls = 0, usagesCalls = 0, deploymentsCalls = 0;

    FakeAzure()
    {
        server.setHandler([this](const HttpServerRequest& req, HttpServerResponder& r) {
            authorizations << req.header("authorization");
            const QString path = req.path();
            if (path.endsWith(QLatin1String("/deployments"))) {
                ++deploymentsCalls;
                r.respondJson(200, deploymentsBody(QUrlQuery(QString::fromLatin1(req.rawQuery()))));
                return;
            }
            if (path.endsWith(QLatin1String("/metricDefinitions"), Qt::CaseInsensitive)) {
                ++definitionsCalls;
                r.respondJson(200, definitionsBody());
                return;
            }
            if (path.endsWith(QLatin1String("/usages"))) {
                ++usagesCalls;
                if (usagesStatus == 429) // longer than the client waits: Kind::Throttled
                    r.respondJson(429, readFixture(QStringLiteral("azure/error_throttled.json")),
                                  {{"Retry-After", "3600"}});
                else
                    r.respondJson(usagesStatus,
                                  readFixture(usagesStatus == 200
                                                  ? QStringLiteral("azure/usages.json")
                                                  : QStringLiteral("azure/error_arm.json")));
                return;
            }
            if (!path.contains(QLatin1String("/providers/Microsoft.Insights/"))) {
                r.respondJson(200, readFixture(QStringLiteral("azure/account.json")));
                return;
            }
            const QUrlQuery q(QString::fromLatin1(req.rawQuery()));
            metricCalls << q;
            if (failCall(q)) {
                r.respondJson(400, readFixture(QStringLiteral("azure/error_monitor.json")));
                return;
            }
            r.respondJson(200, metricsBody(q));
        });
        server.listen();
    }

    QByteArray deploymentsBody(const QUrlQuery& q) const
    {
        QJsonObject all =
            QJsonDocument::fromJson(readFixture(QStringLiteral("azure/deployments.json"))).object();
        if (paging == Paging::None)
            return QJsonDocument(all).toJson();
        const int page = q.queryItemValue(QStringLiteral("page")).toInt(); // 0 = the first
        const QJsonArray value = all.value(QStringLiteral("value")).toArray();
        QString link;
        switch (paging) {
        case Paging::Endless:
            all.insert(QStringLiteral("value"), QJsonArray{value.at(0)});
            link = linkTo(page + 1);
            break;
        case Paging::Loop: // page 2 links back to page 1
            all.insert(QStringLiteral("value"), QJsonArray{value.at(0)});
            link = linkTo(page == 2 ? 1 : page + 1);
            break;
        case Paging::OtherHost:
            all.insert(QStringLiteral("value"), QJsonArray{value.at(0)});
            link = QStringLiteral("https://collector.example.net") + deploymentsPath() +
                   QStringLiteral("?api-version=2024-10-01&page=1");
            break;
        case Paging::None:
            break;
        }
        if (!link.isEmpty())
            all.insert(QStringLiteral("nextLink"), link);
        return QJsonDocument(all).toJson();
    }

    static QString deploymentsPath()
    {
        return emu::Emulator::accountResourceId() + QStringLiteral("/deployments");
    }

    QString linkTo(int page) const
    {
        return server.serverUrl().toString() + deploymentsPath() +
               QStringLiteral("?api-version=2024-10-01&page=%1").arg(page);
    }

    QByteArray metricsBody(const QUrlQuery& q) const
    {
        const QString names = q.queryItemValue(QStringLiteral("metricnames"), QUrl::FullyDecoded);
        const QString from = q.queryItemValue(QStringLiteral("timespan"), QUrl::FullyDecoded)
                                 .section(QLatin1Char('/'), 0, 0);
        QByteArray value;
        for (const auto& name : names.split(QLatin1Char(','))) {
            if (!value.isEmpty())
                value += ',';
            if (failingMetrics.contains(name)) {
                const auto& [code, message] = failingMetrics.value(name);
                value += "{\"name\":{\"value\":\"" + name.toLatin1() +
                         "\"},\"unit\":\"Count\",\"timeseries\":[],\"errorCode\":\"" +
                         code.toLatin1() + "\",\"errorMessage\":\"" + message.toLatin1() + "\"}";
                continue;
            }
            const int series =
                name == QLatin1String("AzureOpenAIRequests") ? seriesInRequestsCall : 1;
            QByteArray ts;
            for (int i = 0; i < series; ++i) {
                if (!ts.isEmpty())
                    ts += ',';
                ts += "{\"metadatavalues\":[{\"name\":{\"value\":\"modeldeploymentname\"},"
                      "\"value\":\"dep-" +
                      QByteArray::number(i) + "\"}],\"data\":[{\"timeStamp\":\"" + from.toLatin1() +
                      "\",\"total\":1,\"average\":2,\"maximum\":3}]}";
            }
            value += "{\"name\":{\"value\":\"" + name.toLatin1() +
                     "\"},\"unit\":\"Count\",\"errorCode\":\"Success\",\"timeseries\":[" + ts +
                     "]}";
        }
        return "{\"interval\":\"PT1M\",\"value\":[" + value + "]}";
    }

    QByteArray definitionsBody() const
    {
        QJsonArray value;
        for (const auto& name : offered)
            value.append(
                QJsonObject{{QStringLiteral("name"), QJsonObject{{QStringLiteral("value"), name}}},
                            {QStringLiteral("unit"), QStringLiteral("Count")},
                            {QStringLiteral("primaryAggregationType"), QStringLiteral("Average")}});
        return QJsonDocument(QJsonObject{{QStringLiteral("value"), value}}).toJson();
    }
};

} // namespace isc::test
