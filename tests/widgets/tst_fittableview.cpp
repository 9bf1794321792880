#include "itemmodels/costtablemodel.h"
#include "kit/fittableview.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QtTest/QtTest>

using namespace isc;

namespace {

void fill(CostTableModel* model, int rows, const QString& text)
{
    QVector<QVector<TableCell>> cells;
    for (int r = 0; r < rows; ++r)
        cells << QVector<TableCell>{TableCell::plain(text),
                                    TableCell::number(QString::number(r), r)};
    model->setTable({QStringLiteral("Name"), QStringLiteral("Value")}, cells);
}

} // namespace

class tst_FitTableView : public QObject
{
    Q_OBJECT
private slots:
    // As tall as its rows up to the cap, then it scrolls itself; never shorter than one row.
    void height_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("shown");
        QTest::newRow("empty") << 0 << 1;
        QTest::newRow("three") << 3 << 3;
        QTest::newRow("over the cap") << 12 << 8;
    }
    void height()
    {
        QFETCH(int, rows);
        QFETCH(int, shown);
        CostTableModel model;
        FitTableView view(&model, 8);
        fill(&model, rows, QStringLiteral("gpt-4o"));
        view.resize(600, 400);
        view.fit();
        const int expected = 2 * view.frameWidth() + view.horizontalHeader()->sizeHint().height() +
                             shown * FitTableView::kRowHeight;
        QCOMPARE(view.sizeHint().height(), expected);
        QCOMPARE(view.minimumSizeHint().height(), expected);
    }

    // A long cell is capped (elided, whole in the tooltip); the room left is shared out.
    void columns()
    {
        CostTableModel model;
        FitTableView view(&model, 8);
        fill(&model, 2, QString(400, QLatin1Char('x')));
        view.resize(1200, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.fit();
        QVERIFY(view.columnWidth(0) >= FitTableView::kMaxColumnWidth);
        QCOMPARE(view.columnWidth(0) + view.columnWidth(1), view.viewport()->width());
        QVERIFY(!view.horizontalScrollBar()->isVisible());
    }
};

QTEST_MAIN(tst_FitTableView)
#include "tst_fittableview.moc"
