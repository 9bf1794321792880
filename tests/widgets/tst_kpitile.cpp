#include "itemmodels/kpimodel.h"
#include "kpitile.h"

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
