#include "sources/azure/metrictally.h"

#include <QtTest/QtTest>

using namespace isc;
using azure::MetricTally;

namespace {
const QStringList kPlanned = {
    QStringLiteral("AzureOpenAIRequests"), QStringLiteral("GeneratedTokens"),
    QStringLiteral("AzureOpenAITTLTInMS"), QStringLiteral("AzureOpenAITokenPerSecond")};
} // namespace

class tst_MetricTally : public QObject
{
    Q_OBJECT
private slots:
    void words_data()
    {
        QTest::addColumn<QStringList>("failed"); // "metric=reason", in the order they came
        QTest::addColumn<bool>("allFailed");
        QTest::addColumn<QString>("summary");
        QTest::addColumn<QString>("wholeReason");

        QTest::newRow("none") << QStringList() << false << QString() << QString();
        QTest::newRow("one metric of four")
            << QStringList{QStringLiteral("AzureOpenAITokenPerSecond=InvalidSamplingType: nope")}
            << false
            << QStringLiteral("1 of 4 metrics failing: AzureOpenAITokenPerSecond: "
                              "InvalidSamplingType: nope")
            << QStringLiteral("InvalidSamplingType: nope");
        QTest::newRow("a call's metrics share their reason, in plan order")
            << QStringList{QStringLiteral("AzureOpenAITokenPerSecond=HTTP 400"),
                           QStringLiteral("AzureOpenAITTLTInMS=HTTP 400"),
                           QStringLiteral("AzureOpenAIRequests=Throttled: wait")}
            << false
            << QStringLiteral("3 of 4 metrics failing: AzureOpenAIRequests: Throttled: wait; "
                              "AzureOpenAITTLTInMS, AzureOpenAITokenPerSecond: HTTP 400")
            << QStringLiteral("Throttled: wait; HTTP 400");
        QTest::newRow("every metric, one reason")
            << QStringList{QStringLiteral("GeneratedTokens=401"),
                           QStringLiteral("AzureOpenAIRequests=401"),
                           QStringLiteral("AzureOpenAITTLTInMS=401"),
                           QStringLiteral("AzureOpenAITokenPerSecond=401")}
            << true
            << QStringLiteral("4 of 4 metrics failing: AzureOpenAIRequests, GeneratedTokens, "
                              "AzureOpenAITTLTInMS, AzureOpenAITokenPerSecond: 401")
            << QStringLiteral("401");
        QTest::newRow("the first reason of a metric stands")
            << QStringList{QStringLiteral("GeneratedTokens=first"),
                           QStringLiteral("GeneratedTokens=second")}
            << false << QStringLiteral("1 of 4 metrics failing: GeneratedTokens: first")
            << QStringLiteral("first");
    }
    void words()
    {
        QFETCH(QStringList, failed);
        QFETCH(bool, allFailed);
        QFETCH(QString, summary);
        QFETCH(QString, wholeReason);
        MetricTally tally(kPlanned);
        for (const QString& f : failed)
            tally.fail(f.section(QLatin1Char('='), 0, 0), f.section(QLatin1Char('='), 1));
        QCOMPARE(tally.allFailed(), allFailed);
        QCOMPARE(tally.summary(), summary);
        QCOMPARE(tally.wholeReason(), wholeReason);
    }

    // One gap per failed metric, naming it, over the poll's window.
    void gapsNameTheirMetric()
    {
        MetricTally tally(kPlanned);
        tally.fail(QStringList{QStringLiteral("AzureOpenAITTLTInMS"),
                               QStringLiteral("AzureOpenAITokenPerSecond")},
                   QStringLiteral("Azure Monitor rejected the request (HTTP 400 BadRequest): x"));
        const TimeRange window{1788264000, 1788264600};
        const QVector<GapMarker> gaps = tally.gaps(QStringLiteral("acc"), window, 1788264630);
        QCOMPARE(gaps.size(), 2);
        QCOMPARE(gaps.at(0).metric, QStringLiteral("AzureOpenAITTLTInMS"));
        QCOMPARE(gaps.at(1).metric, QStringLiteral("AzureOpenAITokenPerSecond"));
        for (const GapMarker& g : gaps) {
            QCOMPARE(g.source, QStringLiteral("acc"));
            QCOMPARE(g.window, window);
            QCOMPARE(g.recordedAt, qint64(1788264630));
            QCOMPARE(g.reason, g.metric + QStringLiteral(": Azure Monitor rejected the request "
                                                         "(HTTP 400 BadRequest): x"));
        }
    }

    void nothingPlannedNeverAllFailed()
    {
        MetricTally tally;
        QVERIFY(!tally.allFailed());
        QVERIFY(tally.gaps(QStringLiteral("acc"), {0, 60}, 60).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_MetricTally)
#include "tst_metrictally.moc"
