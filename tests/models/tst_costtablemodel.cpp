#include "itemmodels/costtablemodel.h"

#include <QAbstractItemModelTester>
#include <QtTest/QtTest>

using namespace isc;

class tst_CostTableModel : public QObject
{
    Q_OBJECT
private slots:
    void rolesAndCsv()
    {
        CostTableModel m;
        QAbstractItemModelTester tester(&m);
        TableCell warn = TableCell::number(QStringLiteral("90 %"), 0.9);
        warn.warning = true;
        TableCell over = TableCell::plain(QStringLiteral("$1,234.50"));
        over.override = true;
        m.setTable({QStringLiteral("Name"), QStringLiteral("Used"), QStringLiteral("Cost")},
                   {{TableCell::plain(QStringLiteral("a, \"b\"")), warn, over},
                    {TableCell::plain(QStringLiteral("c"))}});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.columnCount(), 3);
        QCOMPARE(m.warningRows(), 1);
        QCOMPARE(m.index(0, 1).data(CostTableModel::SortRole).toDouble(), 0.9);
        QCOMPARE(m.index(0, 0).data(CostTableModel::SortRole).toString(),
                 QStringLiteral("a, \"b\""));
        QVERIFY(m.index(0, 2).data(CostTableModel::OverrideRole).toBool());
        QCOMPARE(m.text(1, 2), QString()); // short rows are padded
        QCOMPARE(m.text(5, 0), QString());
        QCOMPARE(m.toCsv(),
                 QStringLiteral("Name,Used,Cost\r\n\"a, \"\"b\"\"\",90 %,\"$1,234.50\"\r\n"
                                "c,,\r\n"));
    }
};

QTEST_GUILESS_MAIN(tst_CostTableModel)
#include "tst_costtablemodel.moc"
