#include "reports/routingreport.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

ReplaySummary summary(double requests, bool baseline)
{
    ReplaySummary s;
    s.total.requests = requests;
    s.total.requests429 = requests / 10;
    s.total.spilloverOut = requests / 20;
    s.total.cost = Money::fromUnits(40);
    s.spilloverRate = 0.05;
    s.localShare = 0.25;
    s.cloudShare = 0.75;
    s.pricingNote = QStringLiteral("catalog of 2026-11-25");
    s.demandPromptTokens = 1500000;
    s.demandOutputTokens = 250000;
    if (baseline) {
        s.baseline = QStringLiteral("everything on gpt-4o <dearest>.");
        s.baselineCost = Money::fromUnits(100);
        s.baselineName = QStringLiteral("own models, pay-per-token");
    }
    return s;
}

} // namespace

class tst_RoutingReport : public QObject
{
    Q_OBJECT
private slots:
    void tiles_data()
    {
        QTest::addColumn<double>("requests");
        QTest::addColumn<QString>("error");
        QTest::addColumn<bool>("baseline");
        QTest::addColumn<QString>("cost");
        QTest::addColumn<QString>("avoided");
        QTest::addColumn<int>("avoidedSentiment");
        QTest::addColumn<int>("status");
        QTest::newRow("with a baseline") << 1000.0 << "" << true << "$40.00"
                                         << "$60.00" << 1 << int(KpiFigure::Status::Normal);
        QTest::newRow("no baseline") << 1000.0 << "" << false << "$40.00"
                                     << "–" << 0 << int(KpiFigure::Status::Normal);
        QTest::newRow("no traffic") << 0.0 << "" << true << "No data"
                                    << "No data" << 1 << int(KpiFigure::Status::NoData);
        QTest::newRow("read failed") << 1000.0 << "The store is closed." << true << "No data"
                                     << "No data" << 1 << int(KpiFigure::Status::NoData);
    }
    void tiles()
    {
        QFETCH(double, requests);
        QFETCH(QString, error);
        QFETCH(bool, baseline);
        QFETCH(QString, cost);
        QFETCH(QString, avoided);
        QFETCH(int, avoidedSentiment);
        QFETCH(int, status);
        const RoutingReport r = RoutingReport::build(summary(requests, baseline), error);
        QCOMPARE(r.tiles.size(), 5);
        QCOMPARE(r.tiles.at(0).title, QStringLiteral("Cost"));
        QCOMPARE(r.tiles.at(0).value, cost);
        QCOMPARE(r.tiles.at(1).value, avoided);
        QCOMPARE(r.tiles.at(1).sentiment, avoidedSentiment);
        for (const KpiFigure& f : r.tiles)
            QCOMPARE(int(f.status), status);
        if (status == int(KpiFigure::Status::Normal)) {
            QCOMPARE(r.tiles.at(0).trend, QStringLiteral("$40.000 per 1k requests"));
            QCOMPARE(r.tiles.at(2).value, QStringLiteral("5.0 %"));
            QCOMPARE(r.tiles.at(3).trend, QStringLiteral("cloud 75.0 %"));
            QCOMPARE(r.tiles.at(4).value, QStringLiteral("100"));
            QCOMPARE(r.tiles.at(4).trend, QStringLiteral("10.0 % of requests"));
            QCOMPARE(r.tiles.at(4).sentiment, -1);
        } else {
            QVERIFY(r.tiles.at(0).trend.isEmpty());
        }
        if (baseline && status == int(KpiFigure::Status::Normal))
            QCOMPARE(r.tiles.at(1).trend,
                     QStringLiteral("60 % below own models, pay-per-token ($100)")); // named
    }

    void baselineNote_data()
    {
        QTest::addColumn<bool>("baseline");
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("prices");
        QTest::newRow("with a baseline")
            << true
            << "<b>Cost avoided</b> is the actual cost against a baseline: everything on "
               "gpt-4o &lt;dearest&gt;. That would have cost $100.00"
            << "Prices: catalog of 2026-11-25";
        QTest::newRow("without") << false
                                 << "<b>Cost avoided</b> needs a model with a pay-per-token"
                                 << "";
    }
    void baselineNote()
    {
        QFETCH(bool, baseline);
        QFETCH(QString, start);
        QFETCH(QString, prices);
        const RoutingReport r = RoutingReport::build(summary(1000, baseline), {});
        QVERIFY2(r.baselineNote.startsWith(start), qPrintable(r.baselineNote));
        QCOMPARE(r.pricesNote, prices);
    }

    void words()
    {
        QCOMPARE(RoutingReport::chartTitle(true), QStringLiteral("Tokens served per route"));
        QCOMPARE(RoutingReport::chartUnit(false), QStringLiteral("requests/min"));
    }
};

QTEST_GUILESS_MAIN(tst_RoutingReport)
#include "tst_routingreport.moc"
