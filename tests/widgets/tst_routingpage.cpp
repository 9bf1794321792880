#include "../models/replaytestdata.h"
#include "itemmodels/routingtablemodel.h"
#include "kit/kpitile.h"
#include "pages/routingpage.h"
#include "routeflowdiagram.h"
#include "routestackchart.h"
#include "store/samplestore.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

const QString kSource = QStringLiteral("demo-azure");

QVector<Connection> connections()
{
    Connection c;
    c.id = kSource;
    c.kind = QStringLiteral("azure-openai");
    return {c};
}

} // namespace

class tst_RoutingPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SampleStore m_store;
    const TimeRange m_day{test::kReplayTuesday, test::kReplayTuesday + 86400};

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(QStringLiteral("routing/baseline")); // the default baseline
        QVERIFY(m_dir.isValid());
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("h.sqlite"))).result().usable());
        const emu::TrafficModel tm(42);
        m_store.saveDeployments(kSource, test::fleetInventory(tm, kSource)).waitForFinished();
        QVERIFY(m_store.write(test::batchFromModel(tm, kSource, m_day.from, 1440)).result().ok);
    }

    void showsTheRangesRoutes()
    {
        RoutingPage page(&m_store, connections(), ReplayPricing::builtin());
        page.resize(1300, 900);
        QSignalSpy loaded(&page, &RoutingPage::loaded);
        page.setTimeRange(m_day);
        QTRY_VERIFY_WITH_TIMEOUT(page.isLoaded() && page.summary().range == m_day, 20000);
        QVERIFY2(page.errorText().isEmpty(), qPrintable(page.errorText()));

        // The demo fleet: provisioned, pay-per-token (3 deployments) and batch.
        RouteStackChart* chart = page.stackChart();
        QCOMPARE(chart->seriesCount(), 3);
        QCOMPARE(chart->seriesNames(), QStringList({routeClassTitle(RouteClass::Provisioned),
                                                    routeClassTitle(RouteClass::PayPerToken),
                                                    routeClassTitle(RouteClass::Batch)}));
        QVERIFY(chart->bucketCount() > 20 && chart->bucketCount() <= 120);
        QCOMPARE(chart->valueAxisTitle(), QStringLiteral("requests/min"));
        page.setShareMode(true);
        QVERIFY(chart->shareMode());
        QCOMPARE(chart->valueAxisTitle(), QStringLiteral("% of requests"));
        page.setShowTokens(true);
        QCOMPARE(chart->seriesCount(), 3);
        QVERIFY(chart->valueAxisTitle().contains(QLatin1String("tokens")));

        RoutingTableModel* table = page.tableModel();
        QAbstractItemModelTester tester(table);
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->index(0, RoutingTableModel::Name).data().toString(),
                 routeClassTitle(RouteClass::Provisioned));
        QVERIFY(table->index(0, RoutingTableModel::Requests429)
                    .data(RoutingTableModel::ValueRole)
                    .toDouble() > 0);
        QVERIFY(
            table->index(0, RoutingTableModel::Ttft).data(RoutingTableModel::ValueRole).toDouble() >
            0);
        table->setLevel(RoutingTableModel::Level::Targets);
        QCOMPARE(table->rowCount(), 5);

        QCOMPARE(page.flowDiagram()->routeNodeCount(), 3);
        QCOMPARE(page.flowDiagram()->deploymentNodeCount(), 5);
        QCOMPARE(page.flowDiagram()->spilloverBandCount(), 1); // gpt-4o-ptu -> gpt-4o-std

        // Cost and cost avoided, with the baseline stated.
        const QVector<KpiTile*> tiles = page.tiles();
        QCOMPARE(tiles.size(), 5);
        QCOMPARE(tiles[0]->valueText(), page.summary().total.cost.format(2));
        QVERIFY(!page.summary().baseline.isEmpty());
        QCOMPARE(tiles[1]->valueText(), page.summary().costAvoided().format(2));
        QVERIFY(page.summary().spilloverRate > 0);
        QVERIFY(tiles[2]->valueText().endsWith(QLatin1String(" %")));
        // The default baseline: each request on its own model, named on the tile.
        QVERIFY2(tiles[1]->trendText().contains(QLatin1String("own models, pay-per-token")),
                 qPrintable(tiles[1]->trendText()));

        // Choosing a deployment instead prices all the demand there, and is remembered.
        QComboBox* choice = page.baselineChoice();
        QCOMPARE(choice->itemData(0).toString(), QString());
        const int stdIndex = choice->findData(kSource + QStringLiteral("/gpt-4o-std"));
        QVERIFY(stdIndex > 0);
        const Money before = page.summary().baselineCost;
        choice->setCurrentIndex(stdIndex);
        emit choice->activated(stdIndex);
        QTRY_VERIFY_WITH_TIMEOUT(
            tiles[1]->trendText().contains(QLatin1String("everything on gpt-4o")), 20000);
        QVERIFY(page.summary().baselineCost != before);
        QCOMPARE(QSettings().value(QStringLiteral("routing/baseline")).toString(),
                 kSource + QStringLiteral("/gpt-4o-std"));
        QCOMPARE(choice->currentIndex(), stdIndex);
        QSettings().remove(QStringLiteral("routing/baseline"));
    }

    void emptyRange()
    {
        RoutingPage page(&m_store, connections(), ReplayPricing::builtin());
        page.setTimeRange({m_day.from - 7 * 86400, m_day.from - 6 * 86400});
        QTRY_VERIFY_WITH_TIMEOUT(
            page.isLoaded() && page.summary().range.from == m_day.from - 7 * 86400, 20000);
        QCOMPARE(page.stackChart()->seriesCount(), 0);
        QCOMPARE(page.stackChart()->message(), QStringLiteral("No routed traffic in this range"));
        QCOMPARE(page.tableModel()->rowCount(), 1); // the PTU deployment costs anyway
        QCOMPARE(page.tiles()[0]->status(), KpiTile::Status::NoData);
    }
};

QTEST_MAIN(tst_RoutingPage)
#include "tst_routingpage.moc"
