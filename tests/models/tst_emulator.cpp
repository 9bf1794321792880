#include "emulator/emulator.h"

#include "core/timerange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest/QtTest>
#include <functional>

using namespace isc::emu;

namespace {

constexpr qint64 kDay = 1788307200;               // 2026-09-02T00:00:00Z, a Wednesday
constexpr qint64 kNow = kDay + 86400 + 16 * 3600; // 2026-09-03T16:00:00Z

struct Answer
{
    int status = 0;
    QJsonObject json;
    QByteArray contentType;
    QByteArray requestId;
};

using Field = std::function<double(const MinuteTraffic&)>;

QByteArray enc(const QString& s)
{
    return QUrl::toPercentEncoding(s);
}

} // namespace

class tst_Emulator : public QObject
{
    Q_OBJECT

    Emulator* m_emu = nullptr;
    QNetworkAccessManager* m_nam = nullptr;

    Answer get(const QByteArray& pathAndQuery, const QByteArray& auth = QByteArray())
    {
        QNetworkRequest req(QUrl::fromEncoded(m_emu->baseUrl().toEncoded() + pathAndQuery));
        if (auth != "none")
            req.setRawHeader("Authorization",
                             auth.isNull() ? "Bearer " + Emulator::demoToken().toUtf8() : auth);
        std::unique_ptr<QNetworkReply> reply(m_nam->get(req));
        QSignalSpy spy(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            spy.wait(60000);
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.json = QJsonDocument::fromJson(reply->readAll()).object();
        a.contentType = reply->rawHeader("Content-Type");
        a.requestId = reply->rawHeader("x-ms-request-id");
        return a;
    }

    // A metrics query; parameters are percent-encoded here ($filter included).
    Answer metrics(const QString& names, qint64 from, qint64 to, const QString& interval,
                   const QString& aggregation, const QString& filter = QString(), int top = 0)
    {
        QByteArray q = Emulator::accountResourceId().toUtf8() +
                       "/providers/Microsoft.Insights/metrics?api-version=2024-02-01"
                       "&metricnamespace=" +
                       enc(QStringLiteral("Microsoft.CognitiveServices/accounts")) +
                       "&metricnames=" + enc(names) +
                       "&timespan=" + enc(isc::formatIsoUtc(from) + '/' + isc::formatIsoUtc(to)) +
                       "&interval=" + enc(interval);
        if (!aggregation.isEmpty())
            q += "&aggregation=" + enc(aggregation);
        if (!filter.isEmpty())
            q += "&$filter=" + enc(filter);
        if (top > 0)
            q += "&top=" + QByteArray::number(top);
        return get(q);
    }

    double modelSum(const QString& dep, qint64 from, qint64 to, const Field& f) const
    {
        double sum = 0;
        for (qint64 m = from; m < to; m += 60)
            sum += f(m_emu->traffic().at(dep, m));
        return sum;
    }

    static QJsonArray series(const Answer& a, int metric = 0)
    {
        return a.json.value("value").toArray().at(metric).toObject().value("timeseries").toArray();
    }
    static QString metaValue(const QJsonObject& ts, const QString& dim)
    {
        for (const auto& v : ts.value("metadatavalues").toArray()) {
            if (v.toObject().value("name").toObject().value("value").toString() == dim)
                return v.toObject().value("value").toString();
        }
        return QString();
    }
    static double sumOf(const QJsonObject& ts, const QString& agg)
    {
        double sum = 0;
        for (const auto& p : ts.value("data").toArray())
            sum += p.toObject().value(agg).toDouble();
        return sum;
    }

private slots:
    void initTestCase()
    {
        m_emu = new Emulator(42, this);
        m_emu->setClock([] { return kNow; });
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        QVERIFY(m_emu->port() != 0);
        QCOMPARE(m_emu->baseUrl(), QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_emu->port())));
        m_nam = new QNetworkAccessManager(this);
        m_nam->setProxy(QNetworkProxy::NoProxy);
    }

    void identity()
    {
        QCOMPARE(Emulator::demoToken(), QStringLiteral("inferscope-demo-token"));
        QCOMPARE(Emulator::accountResourceId(),
                 QStringLiteral("/subscriptions/00000000-0000-0000-0000-00000000demo/"
                                "resourceGroups/rg-inferscope-demo/providers/"
                                "Microsoft.CognitiveServices/accounts/contoso-aoai"));
    }

    void armErrors_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("auth");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QByteArray deployments =
            Emulator::accountResourceId().toUtf8() + "/deployments?api-version=2024-10-01";
        QTest::newRow("no token") << deployments << QByteArray("none") << 401
                                  << "AuthenticationFailed";
        QTest::newRow("wrong token")
            << deployments << QByteArray("Bearer nope") << 401 << "InvalidAuthenticationToken";
        QTest::newRow("no api-version") << Emulator::accountResourceId().toUtf8() + "/deployments"
                                        << QByteArray() << 400 << "MissingApiVersionParameter";
        QTest::newRow("unknown path")
            << QByteArray("/subscriptions/x/nothing?api-version=2024-10-01") << QByteArray() << 404
            << "ResourceNotFound";
        QTest::newRow("unknown account")
            << QByteArray("/subscriptions/00000000-0000-0000-0000-00000000demo/resourceGroups/"
                          "rg-inferscope-demo/providers/Microsoft.CognitiveServices/accounts/"
                          "other/deployments?api-version=2024-10-01")
            << QByteArray() << 404 << "ResourceNotFound";
    }
    void armErrors()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, auth);
        QFETCH(int, status);
        QFETCH(QString, code);
        const int before = m_emu->requestCount();
        const Answer a = get(path, auth);
        QCOMPARE(a.status, status);
        QCOMPARE(a.json.value("error").toObject().value("code").toString(), code);
        QVERIFY(!a.json.value("error").toObject().value("message").toString().isEmpty());
        QCOMPARE(a.contentType, QByteArray("application/json; charset=utf-8"));
        QVERIFY(!a.requestId.isEmpty());
        QCOMPARE(m_emu->requestCount(), before + 1);
        if (code == QLatin1String("AuthenticationFailed"))
            QCOMPARE(a.json.value("error").toObject().value("message").toString(),
                     QStringLiteral("Authentication failed. The 'Authorization' header is "
                                    "missing."));
        if (code == QLatin1String("InvalidAuthenticationToken"))
            QCOMPARE(a.json.value("error").toObject().value("message").toString(),
                     QStringLiteral("The access token is invalid."));
    }

    void totalsMatchModel_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QString>("interval");
        QTest::addColumn<int>("step");
        for (const char* metric :
             {"AzureOpenAIRequests", "ProcessedPromptTokens", "GeneratedTokens"}) {
            QTest::addRow("%s PT1M", metric) << metric << "PT1M" << 60;
            QTest::addRow("%s PT5M", metric) << metric << "PT5M" << 300;
            QTest::addRow("%s PT1H", metric) << metric << "PT1H" << 3600;
        }
        QTest::newRow("requests P1D") << "AzureOpenAIRequests"
                                      << "P1D" << 86400;
    }
    void totalsMatchModel()
    {
        QFETCH(QString, metric);
        QFETCH(QString, interval);
        QFETCH(int, step);
        Field f = [](const MinuteTraffic& t) { return t.totalRequests(); };
        if (metric == QLatin1String("ProcessedPromptTokens"))
            f = [](const MinuteTraffic& t) { return t.promptTokens; };
        if (metric == QLatin1String("GeneratedTokens"))
            f = [](const MinuteTraffic& t) { return t.generatedTokens; };
        // 06:00 to 18:00 covers the PTU peak, so 429s and spillover are included.
        const qint64 from = kDay + 6 * 3600, to = step == 86400 ? kDay + 86400 : kDay + 18 * 3600;
        const qint64 first = step == 86400 ? kDay : from;
        const Answer a =
            metrics(metric, from, to, interval, "Total", "ModelDeploymentName eq '*'", 50);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.contentType, QByteArray("application/json; charset=utf-8"));
        QCOMPARE(a.json.value("interval").toString(), interval);
        QCOMPARE(a.json.value("resourceregion").toString(), QStringLiteral("swedencentral"));
        const QJsonArray ts = series(a);
        QCOMPARE(ts.size(), 5);
        for (const auto& v : ts) {
            const QJsonObject s = v.toObject();
            const QString dep = metaValue(s, "modeldeploymentname");
            QVERIFY(!dep.isEmpty());
            const QJsonArray data = s.value("data").toArray();
            QCOMPARE(data.size(), int((to - first) / step));
            for (int b = 0; b < data.size(); ++b) {
                const QJsonObject p = data[b].toObject();
                const qint64 ts0 = first + b * step;
                QCOMPARE(p.value("timeStamp").toString(), isc::formatIsoUtc(ts0));
                QCOMPARE(p.value("total").toDouble(), modelSum(dep, ts0, ts0 + step, f));
            }
        }
    }

    void aggregationsOnlyAsAsked_data()
    {
        QTest::addColumn<QString>("aggregation");
        QTest::addColumn<QStringList>("keys");
        QTest::newRow("average") << "Average" << QStringList{"average"};
        QTest::newRow("total,maximum") << "Total,Maximum" << QStringList{"maximum", "total"};
        QTest::newRow("all") << "total,average,minimum,maximum,count"
                             << QStringList{"average", "count", "maximum", "minimum", "total"};
        QTest::newRow("default = primary") << "" << QStringList{"average"};
    }
    void aggregationsOnlyAsAsked()
    {
        QFETCH(QString, aggregation);
        QFETCH(QStringList, keys);
        const Answer a = metrics("AzureOpenAINormalizedTTFTInMS", kDay, kDay + 3600, "PT5M",
                                 aggregation, "ModelDeploymentName eq 'gpt-4o-ptu'");
        QCOMPARE(a.status, 200);
        const QJsonArray data = series(a).at(0).toObject().value("data").toArray();
        QCOMPARE(data.size(), 12);
        for (const auto& p : data) {
            QStringList got = p.toObject().keys();
            got.removeAll("timeStamp");
            std::sort(got.begin(), got.end());
            QCOMPARE(got, keys);
        }
    }

    void intervalRollups()
    {
        // Over PT5M: average is request-weighted, min/max are extremes, count is requests.
        const QString dep = QStringLiteral("gpt-4o-ptu");
        const qint64 from = kDay + 14 * 3600;
        const Answer a =
            metrics("AzureOpenAINormalizedTTFTInMS,AzureOpenAIProvisionedManagedUtilizationV2",
                    from, from + 1800, "PT5M", "Average,Minimum,Maximum,Count",
                    "ModelDeploymentName eq 'gpt-4o-ptu'");
        QCOMPARE(a.status, 200);
        const QJsonArray ttft = series(a, 0).at(0).toObject().value("data").toArray();
        const QJsonArray util = series(a, 1).at(0).toObject().value("data").toArray();
        QCOMPARE(ttft.size(), 6);
        for (int b = 0; b < 6; ++b) {
            double weighted = 0, n = 0, mn = 1e18, mx = 0, utilSum = 0;
            for (int i = 0; i < 5; ++i) {
                const MinuteTraffic t = m_emu->traffic().at(dep, from + b * 300 + i * 60);
                weighted += t.ttftMsAvg * t.servedRequests();
                n += t.servedRequests();
                mn = std::min(mn, t.ttftMsMin);
                mx = std::max(mx, t.ttftMsMax);
                utilSum += t.utilizationPct;
            }
            const QJsonObject p = ttft[b].toObject();
            QVERIFY(qFuzzyCompare(p.value("average").toDouble(), weighted / n));
            QCOMPARE(p.value("count").toDouble(), n);
            QCOMPARE(p.value("minimum").toDouble(), mn);
            QCOMPARE(p.value("maximum").toDouble(), mx);
            QVERIFY(qFuzzyCompare(util[b].toObject().value("average").toDouble(), utilSum / 5));
            QCOMPARE(util[b].toObject().value("count").toDouble(), 5.0);
        }
    }

    void splitAndFilter()
    {
        // Wednesday's PTU peak: 429s appear, and most of them as spillover on gpt-4o-std.
        const qint64 from = kDay + 12 * 3600, to = kDay + 17 * 3600;
        const Answer a = metrics("AzureOpenAIRequests", from, to, "PT1H", "Total",
                                 "ModelDeploymentName eq 'gpt-4o-ptu' and StatusCode eq '*'");
        QCOMPARE(a.status, 200);
        QMap<QString, double> byStatus;
        for (const auto& v : series(a)) {
            const QJsonObject s = v.toObject();
            const QJsonArray meta = s.value("metadatavalues").toArray();
            QCOMPARE(meta.size(), 1);
            // Quirk: dimension names come back lower-cased.
            QCOMPARE(meta.at(0).toObject().value("name").toObject().value("value").toString(),
                     QStringLiteral("statuscode"));
            QCOMPARE(
                meta.at(0).toObject().value("name").toObject().value("localizedValue").toString(),
                QStringLiteral("statuscode"));
            byStatus.insert(metaValue(s, "statuscode"), sumOf(s, "total"));
        }
        const QString ptu = QStringLiteral("gpt-4o-ptu");
        QVERIFY(byStatus.contains("200"));
        QVERIFY(byStatus.value("429") > 0);
        QCOMPARE(byStatus.value("429"),
                 modelSum(ptu, from, to, [](const MinuteTraffic& t) { return t.requests429; }));
        QCOMPARE(byStatus.value("200"),
                 modelSum(ptu, from, to, [](const MinuteTraffic& t) { return t.requests2xx; }));

        const Answer spill =
            metrics("AzureOpenAIRequests", from, to, "PT1H", "Total",
                    "ModelDeploymentName eq 'gpt-4o-std' and IsSpillover eq 'True'");
        QCOMPARE(spill.status, 200);
        QCOMPARE(series(spill).size(), 1);
        QCOMPARE(series(spill).at(0).toObject().value("metadatavalues").toArray().size(), 0);
        const double spilled = sumOf(series(spill).at(0).toObject(), "total");
        QCOMPARE(spilled, modelSum(QStringLiteral("gpt-4o-std"), from, to,
                                   [](const MinuteTraffic& t) { return t.spilloverRequests; }));
        QVERIFY(spilled > 0 && spilled <= byStatus.value("429"));
    }

    void orFilterAndCaseInsensitiveDimensions()
    {
        const qint64 from = kDay + 9 * 3600, to = kDay + 10 * 3600;
        const Answer a =
            metrics("TokenTransaction", from, to, "PT15M", "Total",
                    "(modeldeploymentname eq 'gpt-4o-mini' or MODELDEPLOYMENTNAME eq 'gpt-41-dz')");
        QCOMPARE(a.status, 200);
        QCOMPARE(series(a).size(), 1);
        const Field f = [](const MinuteTraffic& t) { return t.promptTokens + t.generatedTokens; };
        QCOMPARE(sumOf(series(a).at(0).toObject(), "total"),
                 modelSum("gpt-4o-mini", from, to, f) + modelSum("gpt-41-dz", from, to, f));

        const Answer split =
            metrics("TokenTransaction", from, to, "PT15M", "Total", "modelDeploymentName eq '*'");
        QStringList names;
        for (const auto& v : series(split)) {
            const auto meta = v.toObject().value("metadatavalues").toArray().at(0).toObject();
            QCOMPARE(meta.value("name").toObject().value("value").toString(),
                     QStringLiteral("modeldeploymentname"));
            names << meta.value("value").toString(); // values keep their case
        }
        std::sort(names.begin(), names.end());
        QCOMPARE(names, (QStringList{"gpt-41-dz", "gpt-4o-mini", "gpt-4o-mini-batch", "gpt-4o-ptu",
                                     "gpt-4o-std"}));
    }

    void plusEncodedFilter()
    {
        // Clients that form-encode spaces as '+' get the same answer (ASP.NET decoding).
        const QByteArray q = Emulator::accountResourceId().toUtf8() +
                             "/providers/Microsoft.Insights/metrics?api-version=2024-02-01"
                             "&metricnames=AzureOpenAIRequests&timespan=" +
                             enc(isc::formatIsoUtc(kDay) + '/' + isc::formatIsoUtc(kDay + 3600)) +
                             "&interval=PT1H&aggregation=Total"
                             "&%24filter=ModelDeploymentName+eq+%27gpt-4o-mini%27";
        const Answer a = get(q);
        QCOMPARE(a.status, 200);
        QCOMPARE(series(a).size(), 1);
        QCOMPARE(sumOf(series(a).at(0).toObject(), "total"),
                 modelSum("gpt-4o-mini", kDay, kDay + 3600,
                          [](const MinuteTraffic& t) { return t.totalRequests(); }));
    }

    void topLimitsSeries()
    {
        const QString filter = QStringLiteral(
            "ModelDeploymentName eq '*' and StatusCode eq '*' and StreamType eq '*'");
        const Answer byDefault =
            metrics("AzureOpenAIRequests", kDay, kDay + 86400, "PT1H", "Total", filter);
        QCOMPARE(byDefault.status, 200);
        QCOMPARE(series(byDefault).size(), 10);
        double previous = 1e18;
        for (const auto& v : series(byDefault)) {
            const double sum = sumOf(v.toObject(), "total");
            QVERIFY(sum <= previous); // the largest series are kept
            previous = sum;
            QCOMPARE(v.toObject().value("metadatavalues").toArray().size(), 3);
        }
        const Answer fifty =
            metrics("AzureOpenAIRequests", kDay, kDay + 86400, "PT1H", "Total", filter, 50);
        QVERIFY(series(fifty).size() > 10);
        QVERIFY(series(fifty).size() <= 50);
        // No 429 on gpt-4o-mini that day: that combination is not returned at all.
        for (const auto& v : series(fifty)) {
            QVERIFY(sumOf(v.toObject(), "total") > 0);
            QVERIFY(!(metaValue(v.toObject(), "modeldeploymentname") == "gpt-4o-mini-batch" &&
                      metaValue(v.toObject(), "streamtype") == "Streaming"));
        }
    }

    void badRequests_data()
    {
        QTest::addColumn<QString>("names");
        QTest::addColumn<QString>("interval");
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QString>("messagePart");
        QStringList many;
        for (int i = 0; i < 21; ++i)
            many << QStringLiteral("AzureOpenAIRequests");
        QTest::newRow("21 names") << many.join(',') << "PT1M"
                                  << ""
                                  << "20";
        QTest::newRow("unknown metric") << "AzureOpenAIRequests,Latency"
                                        << "PT1M"
                                        << ""
                                        << "Failed to find metric configuration for provider: "
                                           "Microsoft.CognitiveServices, resource Type: accounts, "
                                           "metric: Latency, Valid metrics: ";
        QTest::newRow("bad interval") << "AzureOpenAIRequests"
                                      << "PT2M"
                                      << ""
                                      << "PT2M";
        QTest::newRow("missing dimension") << "ProcessedPromptTokens"
                                           << "PT1M"
                                           << "StatusCode eq '*'"
                                           << "StatusCode";
        QTest::newRow("bad filter") << "AzureOpenAIRequests"
                                    << "PT1M"
                                    << "ModelDeploymentName = 'x'"
                                    << "$filter";
    }
    void badRequests()
    {
        QFETCH(QString, names);
        QFETCH(QString, interval);
        QFETCH(QString, filter);
        QFETCH(QString, messagePart);
        const Answer a = metrics(names, kDay, kDay + 3600, interval, "Total", filter);
        QCOMPARE(a.status, 400);
        // Azure Monitor's own errors are not wrapped in "error".
        QCOMPARE(a.json.value("code").toString(), QStringLiteral("BadRequest"));
        QVERIFY(!a.json.contains("error"));
        QVERIFY2(a.json.value("message").toString().contains(messagePart),
                 qPrintable(a.json.value("message").toString()));
    }

    void nonMatchingFilterGivesEmptyTimeseries()
    {
        const Answer a = metrics("AzureOpenAIRequests,GeneratedTokens", kDay, kDay + 3600, "PT1M",
                                 "Total", "ModelDeploymentName eq 'nope'");
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json.value("value").toArray().size(), 2);
        QVERIFY(a.json.value("value").toArray().at(0).toObject().contains("timeseries"));
        QCOMPARE(series(a, 0).size(), 0);
        QCOMPARE(series(a, 1).size(), 0);
        // Batch deployments have no latency metrics at all.
        const Answer batch = metrics("AzureOpenAITTLTInMS", kDay, kDay + 3600, "PT1M", "Average",
                                     "ModelDeploymentName eq 'gpt-4o-mini-batch'");
        QCOMPARE(series(batch).size(), 0);
    }

    void lateData()
    {
        // Clock 16:00:00: 15:59 has not arrived, 15:58 and 15:57 are partial, 15:56 is final.
        const QString dep = QStringLiteral("gpt-4o-mini");
        const Answer a =
            metrics("AzureOpenAIRequests,AzureOpenAINormalizedTTFTInMS", kNow - 300, kNow + 120,
                    "PT1M", "Total,Average", "ModelDeploymentName eq 'gpt-4o-mini'");
        QCOMPARE(a.status, 200);
        const QJsonArray req = series(a, 0).at(0).toObject().value("data").toArray();
        const QJsonArray ttft = series(a, 1).at(0).toObject().value("data").toArray();
        QCOMPARE(req.size(), 7);
        auto full = [&](qint64 m) { return m_emu->traffic().at(dep, m).totalRequests(); };
        for (int i = 0; i < 7; ++i) {
            const qint64 m = kNow - 300 + i * 60;
            const QJsonObject p = req[i].toObject();
            QCOMPARE(p.value("timeStamp").toString(), isc::formatIsoUtc(m));
            if (m + 120 > kNow) {
                QCOMPARE(p.keys(), QStringList{"timeStamp"});
                QCOMPARE(ttft[i].toObject().keys(), QStringList{"timeStamp"});
                continue;
            }
            const double fraction = m + 240 > kNow ? double(kNow - (m + 60)) / 180.0 : 1.0;
            QCOMPARE(p.value("total").toDouble(), std::floor(full(m) * fraction));
            QVERIFY(ttft[i].toObject().contains("average"));
            QCOMPARE(ttft[i].toObject().value("average").toDouble(),
                     m_emu->traffic().at(dep, m).ttftMsAvg);
        }
        QVERIFY(req[2].toObject().value("total").toDouble() < full(kNow - 180));
        QCOMPARE(req[1].toObject().value("total").toDouble(), full(kNow - 240));
    }

    void deploymentsList()
    {
        const Answer a =
            get(Emulator::accountResourceId().toUtf8() + "/deployments?api-version=2024-10-01");
        QCOMPARE(a.status, 200);
        const QJsonArray value = a.json.value("value").toArray();
        QCOMPARE(value.size(), 5);
        for (const auto& v : value) {
            const QJsonObject d = v.toObject();
            const QJsonObject props = d.value("properties").toObject();
            QVERIFY(
                d.value("id").toString().endsWith("/deployments/" + d.value("name").toString()));
            QCOMPARE(d.value("type").toString(),
                     QStringLiteral("Microsoft.CognitiveServices/accounts/deployments"));
            QCOMPARE(props.value("model").toObject().value("format").toString(),
                     QStringLiteral("OpenAI"));
            QCOMPARE(props.value("provisioningState").toString(), QStringLiteral("Succeeded"));
            QCOMPARE(props.value("raiPolicyName").toString(),
                     QStringLiteral("Microsoft.DefaultV2"));
            QCOMPARE(props.value("rateLimits").toArray().size(), 2);
            QVERIFY(props.contains("versionUpgradeOption"));
            const bool ptu = d.value("name").toString() == QLatin1String("gpt-4o-ptu");
            QCOMPARE(props.contains("spilloverDeploymentName"), ptu);
            if (ptu) {
                QCOMPARE(props.value("spilloverDeploymentName").toString(),
                         QStringLiteral("gpt-4o-std"));
                QCOMPARE(d.value("sku").toObject().value("name").toString(),
                         QStringLiteral("ProvisionedManaged"));
                QCOMPARE(d.value("sku").toObject().value("capacity").toInt(), 100);
                QCOMPARE(props.value("model").toObject().value("version").toString(),
                         QStringLiteral("2024-11-20"));
            }
        }
    }

    void usages()
    {
        const Answer a = get("/subscriptions/00000000-0000-0000-0000-00000000demo/providers/"
                             "Microsoft.CognitiveServices/locations/swedencentral/usages"
                             "?api-version=2024-10-01");
        QCOMPARE(a.status, 200);
        QMap<QString, QJsonObject> byName;
        for (const auto& v : a.json.value("value").toArray())
            byName.insert(v.toObject().value("name").toObject().value("value").toString(),
                          v.toObject());
        QVERIFY(byName.contains("OpenAI.ProvisionedManaged.gpt-4o"));
        QCOMPARE(byName.value("OpenAI.ProvisionedManaged.gpt-4o").value("currentValue").toInt(),
                 100);
        QCOMPARE(byName.value("OpenAI.Standard.gpt-4o").value("currentValue").toInt(), 450);
        QCOMPARE(byName.value("OpenAI.GlobalStandard.gpt-4o-mini").value("currentValue").toInt(),
                 2000);
        for (const auto& u : byName) {
            QCOMPARE(u.value("unit").toString(), QStringLiteral("Count"));
            QVERIFY(u.value("limit").toInt() >= u.value("currentValue").toInt());
            QVERIFY(!u.value("name").toObject().value("localizedValue").toString().isEmpty());
        }
    }

    void metricDefinitionsListEveryMetric()
    {
        const Answer a =
            get(Emulator::accountResourceId().toUtf8() +
                "/providers/Microsoft.Insights/metricDefinitions?api-version=2024-02-01");
        QCOMPARE(a.status, 200);
        const QStringList expected = {"AzureOpenAIRequests",
                                      "ProcessedPromptTokens",
                                      "GeneratedTokens",
                                      "TokenTransaction",
                                      "AzureOpenAINormalizedTTFTInMS",
                                      "AzureOpenAITTLTInMS",
                                      "AzureOpenAITimeToResponse",
                                      "AzureOpenAINormalizedTBTInMS",
                                      "AzureOpenAITokenPerSecond",
                                      "AzureOpenAIProvisionedManagedUtilizationV2",
                                      "AzureOpenAIContextTokensCacheMatchRate",
                                      "ActiveTokens",
                                      "AzureOpenAIAvailabilityRate",
                                      "FineTunedTrainingHours"};
        QStringList names;
        for (const auto& v : a.json.value("value").toArray()) {
            const QJsonObject d = v.toObject();
            names << d.value("name").toObject().value("value").toString();
            QCOMPARE(d.value("isDimensionRequired").toBool(true), false);
            QVERIFY(!d.value("dimensions").toArray().isEmpty());
            QVERIFY(!d.value("supportedAggregationTypes").toArray().isEmpty());
            QCOMPARE(d.value("metricAvailabilities")
                         .toArray()
                         .at(0)
                         .toObject()
                         .value("timeGrain")
                         .toString(),
                     QStringLiteral("PT1M"));
        }
        QCOMPARE(names, expected);
        // Every listed metric can be queried, all in one call.
        const Answer all = metrics(names.join(','), kDay, kDay + 600, "PT1M", "Average");
        QCOMPARE(all.status, 200);
        QCOMPARE(all.json.value("value").toArray().size(), expected.size());
        for (const auto& v : all.json.value("value").toArray()) {
            QCOMPARE(v.toObject().value("errorCode").toString(), QStringLiteral("Success"));
            QCOMPARE(v.toObject().value("timeseries").toArray().size(), 1);
        }
    }

    void thirtyDayBackfill()
    {
        const qint64 to = kDay;
        const qint64 from = to - 30 * 86400;
        const Answer a = metrics("AzureOpenAIRequests,ProcessedPromptTokens,GeneratedTokens", from,
                                 to, "PT1M", "Total", "ModelDeploymentName eq '*'", 50);
        QCOMPARE(a.status, 200);
        QCOMPARE(series(a, 2).size(), 5);
        QCOMPARE(series(a, 2).at(0).toObject().value("data").toArray().size(), 30 * 1440);
    }
};

QTEST_GUILESS_MAIN(tst_Emulator)
#include "tst_emulator.moc"
