#include "sources/azure/azuremetricplan.h"

#include <QtTest/QtTest>

using namespace isc;
using azure::MetricDefinition;
using azure::MetricGroup;

namespace {

QStringList names(const QString& prefix, int count)
{
    QStringList out;
    for (int i = 0; i < count; ++i)
        out << prefix + QString::number(i);
    return out;
}

QVector<MetricDefinition> offered(const QStringList& names,
                                  const QString& primary = QStringLiteral("Average"))
{
    QVector<MetricDefinition> defs;
    for (const auto& n : names)
        defs.append({n, QString(), QStringLiteral("Count"), primary, {}});
    return defs;
}

} // namespace

class tst_AzureMetricPlan : public QObject
{
    Q_OBJECT
private slots:
    // Azure Monitor takes at most 20 names a call: longer groups are split, order kept.
    void splitsIntoCallsOfTwenty_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<QVector<int>>("sizes");
        QTest::newRow("1") << 1 << QVector<int>{1};
        QTest::newRow("20") << 20 << QVector<int>{20};
        QTest::newRow("21") << 21 << QVector<int>{20, 1};
        QTest::newRow("45") << 45 << QVector<int>{20, 20, 5};
        QTest::newRow("0") << 0 << QVector<int>{};
    }
    void splitsIntoCallsOfTwenty()
    {
        QFETCH(int, count);
        QFETCH(QVector<int>, sizes);
        const QStringList all = names(QStringLiteral("M"), count);
        const QVector<MetricGroup> groups{
            {all, QStringLiteral("Total"), {QStringLiteral("ModelDeploymentName")}}};
        QStringList skipped;
        const auto calls = azure::planMetricCalls(groups, std::nullopt, &skipped);
        QCOMPARE(calls.size(), sizes.size());
        QStringList joined;
        for (int i = 0; i < calls.size(); ++i) {
            QCOMPARE(calls.at(i).metrics.size(), sizes.at(i));
            QVERIFY(calls.at(i).metrics.size() <= azure::maxMetricsPerCall);
            QCOMPARE(calls.at(i).aggregations, QStringLiteral("Total"));
            QCOMPARE(calls.at(i).splitBy, QStringList{QStringLiteral("ModelDeploymentName")});
            joined += calls.at(i).metrics;
        }
        QCOMPARE(joined, all);
        QVERIFY(skipped.isEmpty());
    }

    void dropsNamesNotOffered()
    {
        const QVector<MetricGroup> groups{
            {{QStringLiteral("AzureOpenAIRequests")}, QStringLiteral("Total"), {}},
            {{QStringLiteral("azureopenaittltinms"), QStringLiteral("NoSuchMetric")},
             QStringLiteral("Average,Maximum"),
             {}},
            {{QStringLiteral("GoneToo")}, QStringLiteral("Average"), {}}};
        QStringList skipped;
        const auto calls = azure::planMetricCalls(
            groups,
            offered({QStringLiteral("AzureOpenAIRequests"), QStringLiteral("AzureOpenAITTLTInMS")}),
            &skipped);
        QCOMPARE(calls.size(), 2); // the group with nothing offered makes no call
        QCOMPARE(calls.at(0).metrics, QStringList{QStringLiteral("AzureOpenAIRequests")});
        // Matched case-insensitively, sent with the resource's spelling.
        QCOMPARE(calls.at(1).metrics, QStringList{QStringLiteral("AzureOpenAITTLTInMS")});
        QCOMPARE(skipped, (QStringList{QStringLiteral("NoSuchMetric"), QStringLiteral("GoneToo")}));
    }

    void monitorGroupsByPrimaryAggregation()
    {
        QVector<MetricDefinition> defs = offered(
            {QStringLiteral("CpuUsage"), QStringLiteral("MemoryUsage")}, QStringLiteral("Average"));
        defs += offered({QStringLiteral("RequestCount")}, QStringLiteral("Total"));
        defs += offered({QStringLiteral("Odd")}, QStringLiteral("None"));
        QStringList skipped;
        const auto groups = azure::monitorGroups(
            {QStringLiteral("cpuusage"), QStringLiteral("RequestCount"),
             QStringLiteral("MemoryUsage"), QStringLiteral("Unknown"), QStringLiteral("Odd")},
            defs, &skipped);
        QCOMPARE(groups.size(), 2);
        QCOMPARE(groups.at(0).aggregations, QStringLiteral("Average"));
        QCOMPARE(groups.at(0).metrics,
                 (QStringList{QStringLiteral("CpuUsage"), QStringLiteral("MemoryUsage"),
                              QStringLiteral("Odd")}));
        QCOMPARE(groups.at(1).aggregations, QStringLiteral("Total"));
        QCOMPARE(groups.at(1).metrics, QStringList{QStringLiteral("RequestCount")});
        QVERIFY(groups.at(0).splitBy.isEmpty());
        QCOMPARE(skipped, QStringList{QStringLiteral("Unknown")});
    }

    void monitorWithoutDefinitionsReadsAverages()
    {
        QStringList skipped;
        const auto groups =
            azure::monitorGroups({QStringLiteral("A"), QStringLiteral(" "), QStringLiteral("B")},
                                 std::nullopt, &skipped);
        QCOMPARE(groups.size(), 1);
        QCOMPARE(groups.at(0).metrics, (QStringList{QStringLiteral("A"), QStringLiteral("B")}));
        QCOMPARE(groups.at(0).aggregations, QStringLiteral("Average"));
        QVERIFY(skipped.isEmpty());
    }

    void message()
    {
        QCOMPARE(azure::skippedMetricMessage(QStringLiteral("Foo"), QStringLiteral("contoso-aoai")),
                 QStringLiteral("metric Foo is not offered by contoso-aoai; skipped"));
    }
};

QTEST_GUILESS_MAIN(tst_AzureMetricPlan)
#include "tst_azuremetricplan.moc"
