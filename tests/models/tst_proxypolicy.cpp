#include "net/proxypolicy.h"

#include <QHash>
#include <QNetworkProxy>
#include <QtTest/QtTest>

using namespace isc;

class tst_ProxyPolicy : public QObject
{
    Q_OBJECT
private slots:
    void loopback_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("loopback");
        QTest::newRow("localhost") << "localhost" << true;
        QTest::newRow("LOCALHOST") << "LOCALHOST" << true;
        QTest::newRow("sub.localhost") << "emu.localhost" << true;
        QTest::newRow("127.0.0.1") << "127.0.0.1" << true;
        QTest::newRow("127.1.2.3") << "127.1.2.3" << true;
        QTest::newRow("::1") << "::1" << true;
        QTest::newRow("[::1]") << "[::1]" << true;
        QTest::newRow("lan") << "192.168.1.10" << false;
        QTest::newRow("name") << "api.openai.com" << false;
        QTest::newRow("localhost.evil.com") << "localhost.evil.com" << false;
    }
    void loopback()
    {
        QFETCH(QString, host);
        QFETCH(bool, loopback);
        QCOMPARE(isLoopbackHost(host), loopback);
    }

    void noProxy_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("noProxy");
        QTest::addColumn<bool>("matches");
        QTest::newRow("empty") << "https://api.openai.com/v1"
                               << "" << false;
        QTest::newRow("star") << "https://api.openai.com/v1"
                              << "*" << true;
        QTest::newRow("exact") << "https://api.openai.com/v1"
                               << "api.openai.com" << true;
        QTest::newRow("domain suffix") << "https://api.openai.com/v1"
                                       << "openai.com" << true;
        QTest::newRow("dot suffix") << "https://api.openai.com/v1"
                                    << ".openai.com" << true;
        QTest::newRow("dot suffix, bare") << "https://openai.com/v1"
                                          << ".openai.com" << true;
        QTest::newRow("wildcard suffix") << "https://api.openai.com/v1"
                                         << "*.openai.com" << true;
        QTest::newRow("not a suffix") << "https://api.notopenai.com/"
                                      << "openai.com" << false;
        QTest::newRow("list with spaces") << "http://prom.corp:9090/metrics"
                                          << "example.com, prom.corp" << true;
        QTest::newRow("port matches") << "http://prom.corp:9090/"
                                      << "prom.corp:9090" << true;
        QTest::newRow("port differs") << "http://prom.corp:9091/"
                                      << "prom.corp:9090" << false;
        QTest::newRow("https default port") << "https://a.corp/"
                                            << "a.corp:443" << true;
        QTest::newRow("case") << "https://API.OpenAI.com/"
                              << "api.openai.COM" << true;
    }
    void noProxy()
    {
        QFETCH(QString, url);
        QFETCH(QString, noProxy);
        QFETCH(bool, matches);
        QCOMPARE(matchesNoProxy(QUrl(url), noProxy), matches);
    }

    void environmentProxy_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected"); // empty = direct
        QTest::newRow("https uses https_proxy") << "https://api.openai.com/v1"
                                                << "http://secure.proxy:3128";
        QTest::newRow("http uses http_proxy") << "http://prom.example:9090/metrics"
                                              << "http://plain.proxy:8080";
        QTest::newRow("no_proxy") << "https://login.corp.example/x"
                                  << "";
        QTest::newRow("loopback never") << "http://127.0.0.1:8000/metrics"
                                        << "";
        QTest::newRow("localhost never") << "http://localhost:11434/api/ps"
                                         << "";
    }
    void environmentProxy()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        const QHash<QString, QString> env{{"https_proxy", "http://secure.proxy:3128"},
                                          {"HTTP_PROXY", "plain.proxy:8080"},
                                          {"no_proxy", ".corp.example"}};
        const auto read = [&env](const char* name) { return env.value(QLatin1String(name)); };
        QCOMPARE(environmentProxyFor(QUrl(url), read), QUrl(expected));
    }

    void allProxyFallback()
    {
        const auto read = [](const char* name) {
            return QByteArray(name) == "ALL_PROXY" ? QStringLiteral("socks5://s.proxy:1080")
                                                   : QString();
        };
        QCOMPARE(environmentProxyFor(QUrl(QStringLiteral("https://x.example/")), read),
                 QUrl(QStringLiteral("socks5://s.proxy:1080")));
    }

    void factoryNeverProxiesLoopback()
    {
        qputenv("http_proxy", "http://proxy.example:3128");
        NetworkProxyFactory factory;
        const QList<QNetworkProxy> local =
            factory.queryProxy(QNetworkProxyQuery(QUrl(QStringLiteral("http://localhost:1/x"))));
        const QList<QNetworkProxy> remote = factory.queryProxy(
            QNetworkProxyQuery(QUrl(QStringLiteral("http://prom.example:9090/x"))));
        qunsetenv("http_proxy");
        QCOMPARE(local.size(), 1);
        QCOMPARE(local.first().type(), QNetworkProxy::NoProxy);
        QCOMPARE(remote.size(), 1);
        QCOMPARE(remote.first().type(), QNetworkProxy::HttpProxy);
        QCOMPARE(remote.first().hostName(), QStringLiteral("proxy.example"));
        QCOMPARE(remote.first().port(), quint16(3128));
    }
};

QTEST_GUILESS_MAIN(tst_ProxyPolicy)
#include "tst_proxypolicy.moc"
