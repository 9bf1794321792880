#include "emulator/metriccatalog.h"

#include <QSet>
#include <QtTest/QtTest>

using namespace isc::emu;
using namespace isc::emu::detail;

namespace {

FleetDeployment deploymentWithSku(const QString& sku)
{
    FleetDeployment d;
    d.name = QStringLiteral("d");
    d.sku = sku;
    return d;
}

} // namespace

class tst_MetricCatalog : public QObject
{
    Q_OBJECT
private slots:
    void everyMetricIsWellFormed()
    {
        QSet<QString> names;
        QSet<int> ids;
        const QStringList units = {QStringLiteral("Count"), QStringLiteral("MilliSeconds"),
                                   QStringLiteral("Percent")};
        for (const auto& def : metricDefs()) {
            const QString name = QLatin1String(def.name);
            QVERIFY2(!names.contains(name.toLower()), qPrintable(name));
            names.insert(name.toLower());
            ids.insert(static_cast<int>(def.id));
            QVERIFY2(units.contains(QLatin1String(def.unit)), qPrintable(name));
            QVERIFY2(aggregationNames().contains(QString::fromLatin1(def.primary).toLower()),
                     qPrintable(name));
            QVERIFY2(def.dims.contains(QStringLiteral("ModelDeploymentName")), qPrintable(name));
            QVERIFY(!QString::fromLatin1(def.display).isEmpty());
            QVERIFY(!QString::fromLatin1(def.description).isEmpty());
            QVERIFY(QString::fromLatin1(def.category).startsWith(QLatin1String("Azure OpenAI - ")));
        }
        QCOMPARE(names.size(), 14);
        QCOMPARE(ids.size(), 14);
    }

    void findsMetricsByName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("found");
        QTest::newRow("exact") << "AzureOpenAIRequests"
                               << "AzureOpenAIRequests";
        QTest::newRow("any case") << "generatedtokens"
                                  << "GeneratedTokens";
        QTest::newRow("unknown") << "Requests" << QString();
        QTest::newRow("empty") << QString() << QString();
    }
    void findsMetricsByName()
    {
        QFETCH(QString, name);
        QFETCH(QString, found);
        const MetricDef* def = findMetric(name);
        QCOMPARE(def ? QString::fromLatin1(def->name) : QString(), found);
    }

    void describesMetrics_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<QString>("primary");
        QTest::addColumn<bool>("countsZero");
        QTest::addColumn<int>("dims");
        QTest::newRow("requests") << "AzureOpenAIRequests"
                                  << "Count"
                                  << "Total" << true << 7;
        QTest::newRow("tokens") << "ProcessedPromptTokens"
                                << "Count"
                                << "Total" << true << 2;
        QTest::newRow("latency") << "AzureOpenAINormalizedTTFTInMS"
                                 << "MilliSeconds"
                                 << "Average" << false << 3;
        QTest::newRow("speed") << "AzureOpenAITokenPerSecond"
                               << "Count"
                               << "Average" << false << 3;
        QTest::newRow("utilization") << "AzureOpenAIProvisionedManagedUtilizationV2"
                                     << "Percent"
                                     << "Average" << false << 3;
        QTest::newRow("active tokens") << "ActiveTokens"
                                       << "Count"
                                       << "Total" << true << 3;
        QTest::newRow("availability") << "AzureOpenAIAvailabilityRate"
                                      << "Percent"
                                      << "Average" << false << 4;
        QTest::newRow("fine-tune training") << "FineTunedTrainingHours"
                                            << "Count"
                                            << "Total" << true << 2;
    }
    void describesMetrics()
    {
        QFETCH(QString, name);
        QFETCH(QString, unit);
        QFETCH(QString, primary);
        QFETCH(bool, countsZero);
        QFETCH(int, dims);
        const MetricDef* def = findMetric(name);
        QVERIFY(def);
        QCOMPARE(QString::fromLatin1(def->unit), unit);
        QCOMPARE(QString::fromLatin1(def->primary), primary);
        QCOMPARE(detail::countsZero(*def), countsZero);
        QCOMPARE(def->dims.size(), dims);
    }

    void timeGrains_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("minute") << "PT1M" << qint64(60);
        QTest::newRow("lower case") << "pt5m" << qint64(300);
        QTest::newRow("hour") << "PT1H" << qint64(3600);
        QTest::newRow("12 hours") << "PT12H" << qint64(43200);
        QTest::newRow("day") << "P1D" << qint64(86400);
        QTest::newRow("unsupported") << "PT2M" << qint64(0);
        QTest::newRow("empty") << QString() << qint64(0);
    }
    void timeGrains()
    {
        QFETCH(QString, name);
        QFETCH(qint64, seconds);
        QCOMPARE(grainSeconds(name), seconds);
        if (seconds > 0)
            QCOMPARE(grainName(seconds), name.toUpper());
    }

    void grainsRoundTripInOrder()
    {
        qint64 previous = 0;
        for (const auto& grain : detail::timeGrains()) {
            QVERIFY(grain.seconds > previous);
            previous = grain.seconds;
            QCOMPARE(grainSeconds(QLatin1String(grain.name)), grain.seconds);
            QCOMPARE(grainName(grain.seconds), QLatin1String(grain.name));
        }
        QCOMPARE(detail::timeGrains().size(), 8);
        QCOMPARE(grainName(7), QStringLiteral("P1D"));
    }

    void scopes_data()
    {
        QTest::addColumn<QString>("sku");
        QTest::addColumn<bool>("all");
        QTest::addColumn<bool>("interactive");
        QTest::addColumn<bool>("provisioned");
        QTest::newRow("standard") << "Standard" << true << true << false;
        QTest::newRow("global standard") << "GlobalStandard" << true << true << false;
        QTest::newRow("provisioned") << "ProvisionedManaged" << true << true << true;
        QTest::newRow("global provisioned") << "GlobalProvisionedManaged" << true << true << true;
        QTest::newRow("batch") << "GlobalBatch" << true << false << false;
    }
    void scopes()
    {
        QFETCH(QString, sku);
        QFETCH(bool, all);
        QFETCH(bool, interactive);
        QFETCH(bool, provisioned);
        const FleetDeployment d = deploymentWithSku(sku);
        QCOMPARE(inScope(Scope::All, d), all);
        QCOMPARE(inScope(Scope::Interactive, d), interactive);
        QCOMPARE(inScope(Scope::Provisioned, d), provisioned);
        QCOMPARE(isProvisionedSku(sku), provisioned);
        QCOMPARE(isBatchSku(sku), !interactive);
        QVERIFY(!inScope(Scope::FineTuned, d)); // its model is no fine-tune
    }

    // Only fine-tunes ("<base>-<version>.ft-<id>") report FineTunedTrainingHours.
    void fineTunedScope_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("fineTuned");
        QTest::newRow("azure fine-tune") << "gpt-4o-mini-2024-07-18.ft-0a1b2c" << true;
        QTest::newRow("base model") << "gpt-4o-mini" << false;
        QTest::newRow("no base name") << ".ft-0a1b2c" << false;
    }
    void fineTunedScope()
    {
        QFETCH(QString, model);
        QFETCH(bool, fineTuned);
        FleetDeployment d = deploymentWithSku(QStringLiteral("Standard"));
        d.model = model;
        QCOMPARE(inScope(Scope::FineTuned, d), fineTuned);
        QVERIFY(inScope(Scope::All, d));
        const MetricDef* def = findMetric(QStringLiteral("FineTunedTrainingHours"));
        QVERIFY(def);
        QCOMPARE(inScope(def->scope, d), fineTuned);
    }
};

QTEST_GUILESS_MAIN(tst_MetricCatalog)
#include "tst_metriccatalog.moc"
