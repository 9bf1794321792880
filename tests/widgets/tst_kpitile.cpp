#include "itemmodels/kpimodel.h"
#include "kit/kpitile.h"

#include <QStandardItemModel>
#include <QtTest/QtTest>

using namespace isc;

class tst_KpiTile : public QObject
{
    Q_OBJECT
private slots:
    void setters()
    {
        KpiTile tile;
        tile.setTitle(QStringLiteral("Requests"));
        tile.setValueText(QStringLiteral("1.25k requests/min"));
        tile.setTrend(QStringLiteral("+12 % vs previous hour"), 0);
        tile.setStatus(KpiTile::Status::Warning);
        QCOMPARE(tile.title(), QStringLiteral("Requests"));
        QCOMPARE(tile.valueText(), QStringLiteral("1.25k requests/min"));
        QCOMPARE(tile.trendText(), QStringLiteral("+12 % vs previous hour"));
        QCOMPARE(tile.status(), KpiTile::Status::Warning);
        QCOMPARE(tile.accessibleName(), QStringLiteral("Requests"));
        QVERIFY(tile.accessibleDescription().contains(QStringLiteral("1.25k requests/min")));
    }

    void fromFigure_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("shown");
        QTest::newRow("normal") << int(KpiFigure::Status::Normal) << int(KpiTile::Status::Normal);
        QTest::newRow("warning") << int(KpiFigure::Status::Warning)
                                 << int(KpiTile::Status::Warning);
        QTest::newRow("critical") << int(KpiFigure::Status::Critical)
                                  << int(KpiTile::Status::Critical);
        QTest::newRow("no data") << int(KpiFigure::Status::NoData) << int(KpiTile::Status::NoData);
    }
    void fromFigure()
    {
        QFETCH(int, status);
        QFETCH(int, shown);
        KpiTile tile;
        KpiFigure f;
        f.title = QStringLiteral("Month to date");
        f.value = QStringLiteral("$4,671.40");
        f.trend = QStringLiteral("8 % of the budget");
        f.sentiment = -1;
        f.status = KpiFigure::Status(status);
        f.detail = QStringLiteral("The current UTC month so far.");
        tile.setFigure(f);
        QCOMPARE(tile.title(), f.title);
        QCOMPARE(tile.valueText(), f.value);
        QCOMPARE(tile.trendText(), f.trend);
        QCOMPARE(tile.trendSentiment(), -1);
        QCOMPARE(int(tile.status()), shown);
        QCOMPARE(tile.toolTip(), f.detail);
        QVERIFY(tile.accessibleDescription().contains(f.value));
    }

    void fromModelRoles()
    {
        QStandardItemModel model(1, 1);
        QStandardItem* item = model.item(0, 0) ? model.item(0, 0) : new QStandardItem;
        model.setItem(0, 0, item);
        item->setData(QStringLiteral("Throttled (429)"), KpiModel::TitleRole);
        item->setData(QStringLiteral("3.1 %"), KpiModel::TextRole);
        item->setData(QStringLiteral("+3.1 pts vs previous hour"), KpiModel::TrendTextRole);
        item->setData(-1, KpiModel::TrendSentimentRole);
        item->setData(QVariant::fromValue(KpiModel::Status::Critical), KpiModel::StatusRole);
        item->setData(QStringLiteral("share of requests answered 429"), KpiModel::DetailRole);
        KpiTile tile;
        tile.setFromIndex(model.index(0, 0));
        QCOMPARE(tile.title(), QStringLiteral("Throttled (429)"));
        QCOMPARE(tile.valueText(), QStringLiteral("3.1 %"));
        QCOMPARE(tile.trendText(), QStringLiteral("+3.1 pts vs previous hour"));
        QCOMPARE(tile.trendSentiment(), -1);
        QCOMPARE(tile.status(), KpiTile::Status::Critical);
        QCOMPARE(tile.toolTip(), QStringLiteral("share of requests answered 429"));
    }
};

QTEST_MAIN(tst_KpiTile)
#include "tst_kpitile.moc"
