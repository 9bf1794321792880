#include "core/deployment.h"
#include "core/workspace.h"
#include "routing/routeclass.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_RouteClass : public QObject
{
    Q_OBJECT
private slots:
    void classify_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("sku");
        QTest::addColumn<QString>("override");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ptu") << "azure-openai"
                             << "ProvisionedManaged"
                             << ""
                             << "provisioned";
        QTest::newRow("global ptu") << "azure-openai"
                                    << "GlobalProvisionedManaged"
                                    << ""
                                    << "provisioned";
        QTest::newRow("data zone ptu") << "azure-openai"
                                       << "DataZoneProvisionedManaged"
                                       << ""
                                       << "provisioned";
        QTest::newRow("standard") << "azure-openai"
                                  << "Standard"
                                  << ""
                                  << "pay-per-token";
        QTest::newRow("global standard") << "azure-openai"
                                         << "GlobalStandard"
                                         << ""
                                         << "pay-per-token";
        QTest::newRow("data zone") << "azure-openai"
                                   << "DataZoneStandard"
                                   << ""
                                   << "pay-per-token";
        QTest::newRow("developer") << "azure-openai"
                                   << "DeveloperTier"
                                   << ""
                                   << "pay-per-token";
        QTest::newRow("global batch") << "azure-openai"
                                      << "GlobalBatch"
                                      << ""
                                      << "batch";
        QTest::newRow("data zone batch") << "azure-openai"
                                         << "DataZoneBatch"
                                         << ""
                                         << "batch";
        QTest::newRow("unknown sku") << "azure-openai"
                                     << ""
                                     << ""
                                     << "unknown";
        QTest::newRow("openai") << "openai"
                                << ""
                                << ""
                                << "other-provider";
        QTest::newRow("anthropic") << "anthropic"
                                   << ""
                                   << ""
                                   << "other-provider";
        QTest::newRow("vllm") << "prometheus"
                              << ""
                              << ""
                              << "local";
        QTest::newRow("ollama") << "ollama"
                                << ""
                                << ""
                                << "local";
        QTest::newRow("compatible") << "openai-compatible"
                                    << ""
                                    << ""
                                    << "local";
        QTest::newRow("container group") << "azure-monitor"
                                         << ""
                                         << ""
                                         << "local";
        QTest::newRow("override") << "azure-openai"
                                  << "GlobalStandard"
                                  << "local"
                                  << "local";
        QTest::newRow("override case") << "prometheus"
                                       << ""
                                       << "Provisioned"
                                       << "provisioned";
        QTest::newRow("bad override ignored") << "openai"
                                              << ""
                                              << "cheap"
                                              << "other-provider";
    }
    void classify()
    {
        QFETCH(QString, kind);
        QFETCH(QString, sku);
        QFETCH(QString, override);
        QFETCH(QString, expected);
        QCOMPARE(routeClassName(classifyRoute(kind, sku, override)), expected);
    }

    void connectionOverrides()
    {
        Connection c;
        c.kind = QStringLiteral("azure-openai");
        Deployment d;
        d.sku = QStringLiteral("GlobalStandard");
        QCOMPARE(classifyRoute(c, d), RouteClass::PayPerToken);
        c.routeClass = QStringLiteral("batch");
        QCOMPARE(classifyRoute(c, d), RouteClass::Batch);
        // A deployment's own class wins over the connection's; others keep the connection's.
        d.name = QStringLiteral("phi-in-house");
        c.deploymentRouteClasses.insert(d.name, QStringLiteral("local"));
        QCOMPARE(classifyRoute(c, d), RouteClass::Local);
        d.name = QStringLiteral("gpt-4o-mini");
        QCOMPARE(classifyRoute(c, d), RouteClass::Batch);
    }

    void namesRoundTrip()
    {
        const QStringList names = routeClassNames();
        QCOMPARE(names.size(), kRouteClassCount);
        for (const QString& n : names) {
            const auto c = routeClassFromName(n);
            QVERIFY(c.has_value());
            QCOMPARE(routeClassName(*c), n);
            QVERIFY(!routeClassTitle(*c).isEmpty());
        }
        QVERIFY(!routeClassFromName(QStringLiteral("spillover")).has_value());
        QVERIFY(isCloud(RouteClass::Provisioned));
        QVERIFY(!isCloud(RouteClass::Local));
    }
};

QTEST_APPLESS_MAIN(tst_RouteClass)
#include "tst_routeclass.moc"
