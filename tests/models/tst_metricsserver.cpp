#include "exposition/collectormetrics.h"
#include "exposition/metricsserver.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;

namespace {

constexpr qint64 kStart = 1'790'000'000;

struct Answer
{
    int status = 0;
    QByteArray contentType;
    QByteArray allow;
    QByteArray body;
};

Answer fetch(QNetworkAccessManager& nam, const QByteArray& method, const QUrl& url,
             const QByteArray& accept = {})
{
    QNetworkRequest req(url);
    if (!accept.isEmpty())
        req.setRawHeader("Accept", accept);
    QNetworkReply* reply = nullptr;
    if (method == "POST") {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("text/plain"));
        reply = nam.post(req, QByteArray("x"));
    } else if (method == "HEAD") {
        reply = nam.head(req); // a custom HEAD would wait for a body
    } else {
        reply = nam.sendCustomRequest(req, method);
    }
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
             reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(),
             reply->rawHeader("Allow"), reply->readAll()};
    reply->deleteLater();
    return a;
}

} // namespace

class tst_MetricsServer : public QObject
{
    Q_OBJECT
private slots:
    void parseListenAddress_data();
    void parseListenAddress();
    void answers_data();
    void answers();
    void healthzSays503WhenFailing();
    void addressInUseIsSaidInWords();
};

void tst_MetricsServer::parseListenAddress_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("address"); // empty = refused
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("exposed");
    QTest::newRow("port only is loopback") << "9464"
                                           << "127.0.0.1" << 9464 << false;
    QTest::newRow("loopback") << "127.0.0.1:9464"
                              << "127.0.0.1" << 9464 << false;
    QTest::newRow("localhost, any port") << "localhost:0"
                                         << "127.0.0.1" << 0 << false;
    QTest::newRow("all IPv4 interfaces") << "0.0.0.0:9464"
                                         << "0.0.0.0" << 9464 << true;
    QTest::newRow("IPv6 loopback") << "[::1]:9464"
                                   << "::1" << 9464 << false;
    QTest::newRow("all IPv6 interfaces") << "[::]:9464"
                                         << "::" << 9464 << true;
    QTest::newRow("empty") << "" << QString() << 0 << false;
    QTest::newRow("a word") << "metrics" << QString() << 0 << false;
    QTest::newRow("port too large") << "70000" << QString() << 0 << false;
    QTest::newRow("negative port") << "-1" << QString() << 0 << false;
    QTest::newRow("host name") << "metrics.example:9464" << QString() << 0 << false;
    QTest::newRow("IPv6 without brackets") << "::1:9464" << QString() << 0 << false;
    QTest::newRow("bracket without port") << "[::1]9464" << QString() << 0 << false;
    QTest::newRow("no port") << "127.0.0.1:" << QString() << 0 << false;
    QTest::newRow("no address") << ":9464" << QString() << 0 << false;
}

void tst_MetricsServer::parseListenAddress()
{
    QFETCH(QString, text);
    QFETCH(QString, address);
    QFETCH(int, port);
    QFETCH(bool, exposed);
    QString error;
    const auto parsed = MetricsServer::parseListenAddress(text, &error);
    if (address.isEmpty()) {
        QVERIFY(!parsed);
        QVERIFY2(error.startsWith(QLatin1String("--listen: ")), qPrintable(error));
        return;
    }
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->address, QHostAddress(address));
    QCOMPARE(int(parsed->port), port);
    QCOMPARE(parsed->exposed(), exposed);
}

void tst_MetricsServer::answers_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("bodyHas"); // empty = the body is empty
    const QByteArray text = "text/plain; version=0.0.4; charset=utf-8";
    const QByteArray om = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    QTest::newRow("metrics, text") << QByteArray("GET") << "/metrics" << QByteArray() << 200 << text
                                   << QByteArray("# TYPE inferscope_requests_total counter");
    QTest::newRow("metrics, openmetrics")
        << QByteArray("GET") << "/metrics"
        << QByteArray("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
        << 200 << om << QByteArray("# TYPE inferscope_requests counter");
    QTest::newRow("metrics with a query") << QByteArray("GET") << "/metrics?x=1" << QByteArray()
                                          << 200 << text << QByteArray("inferscope_build_info");
    QTest::newRow("metrics, HEAD")
        << QByteArray("HEAD") << "/metrics" << QByteArray() << 200 << text << QByteArray();
    QTest::newRow("metrics, POST")
        << QByteArray("POST") << "/metrics" << QByteArray() << 405
        << QByteArray("text/plain; charset=utf-8") << QByteArray("Only GET and HEAD");
    QTest::newRow("healthz") << QByteArray("GET") << "/healthz" << QByteArray() << 200
                             << QByteArray("application/json; charset=utf-8")
                             << QByteArray("\"status\":\"ok\"");
    QTest::newRow("healthz, DELETE")
        << QByteArray("DELETE") << "/healthz" << QByteArray() << 405
        << QByteArray("text/plain; charset=utf-8") << QByteArray("Only GET and HEAD");
    QTest::newRow("another path") << QByteArray("GET") << "/metrics/x" << QByteArray() << 404
                                  << QByteArray("text/plain; charset=utf-8")
                                  << QByteArray("/metrics and /healthz");
    QTest::newRow("root") << QByteArray("GET") << "/" << QByteArray() << 404
                          << QByteArray("text/plain; charset=utf-8") << QByteArray("/healthz");
}

void tst_MetricsServer::answers()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, accept);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, bodyHas);
    CollectorMetrics metrics(kStart);
    metrics.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
    MetricsServer server(&metrics);
    server.setClock([] { return kStart + 10; });
    QString error;
    QVERIFY2(server.listen({QHostAddress::LocalHost, 0}, &error), qPrintable(error));
    QVERIFY(server.url().port() > 0);
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    const Answer a = fetch(nam, method, server.url().resolved(QUrl(path)), accept);
    QCOMPARE(a.status, status);
    QCOMPARE(a.contentType, contentType);
    if (status == 405)
        QCOMPARE(a.allow, QByteArray("GET, HEAD"));
    if (bodyHas.isEmpty())
        QVERIFY(a.body.isEmpty());
    else
        QVERIFY2(a.body.contains(bodyHas), a.body.constData());
    if (contentType.startsWith("application/openmetrics-text"))
        QVERIFY(a.body.endsWith("# EOF\n"));
    QCOMPARE(server.scrapes(), path.startsWith(QLatin1String("/metrics")) && status == 200 ? 1 : 0);
}

void tst_MetricsServer::healthzSays503WhenFailing()
{
    CollectorMetrics metrics(kStart);
    metrics.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
    MetricsServer server(&metrics);
    qint64 now = kStart + 10;
    server.setClock([&now] { return now; });
    QString error;
    QVERIFY2(server.listen({QHostAddress::LocalHost, 0}, &error), qPrintable(error));
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    const QUrl healthz = server.url().resolved(QUrl(QStringLiteral("/healthz")));
    QCOMPARE(fetch(nam, "GET", healthz).status, 200);
    metrics.recordStoreFailure(QStringLiteral("east"));
    Answer a = fetch(nam, "GET", healthz);
    QCOMPARE(a.status, 503);
    QVERIFY2(a.body.contains("history store"), a.body.constData());
    metrics.recordStored(QStringLiteral("east"), {});
    QCOMPARE(fetch(nam, "GET", healthz).status, 200);
    now = kStart + 3600; // no source ever polled well
    a = fetch(nam, "GET", healthz);
    QCOMPARE(a.status, 503);
    QVERIFY2(a.body.contains("no source had a good poll"), a.body.constData());
}

void tst_MetricsServer::addressInUseIsSaidInWords()
{
    CollectorMetrics metrics(kStart);
    MetricsServer first(&metrics), second(&metrics);
    QString error;
    QVERIFY2(first.listen({QHostAddress::LocalHost, 0}, &error), qPrintable(error));
    const quint16 port = quint16(first.url().port());
    QVERIFY(!second.listen({QHostAddress::LocalHost, port}, &error));
    QCOMPARE(error, QStringLiteral("cannot serve metrics on 127.0.0.1:%1: the address is already "
                                   "in use (another collector or exporter?); pick another port "
                                   "with --listen")
                        .arg(port));
    QVERIFY(second.url().isEmpty());
}

QTEST_GUILESS_MAIN(tst_MetricsServer)
#include "tst_metricsserver.moc"
