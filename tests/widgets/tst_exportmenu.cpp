#include "kit/exportmenu.h"

#include "charts/barchart.h"
#include "charts/chartexport.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QMenu>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QVBoxLayout>
#include <QtTest/QtTest>

using namespace isc;

namespace {

BarChartData spend()
{
    BarChartData d;
    d.title = QStringLiteral("Spend over time");
    d.valueAxisTitle = QStringLiteral("USD");
    d.categoryAxisTitle = QStringLiteral("UTC day");
    d.categories = {QStringLiteral("Jan 1"), QStringLiteral("Jan 2")};
    d.sets = {{QStringLiteral("gpt-4o"), {10, 20}, {}}, {QStringLiteral("Other"), {1, 2}, {}}};
    d.threshold = 25;
    return d;
}

} // namespace

class tst_ExportMenu : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // A bar chart exports its categories and sets, the unit and the threshold.
    void barChartExportIsItsData()
    {
        BarChart chart;
        chart.setData(spend());
        const ExportTable t = exportChart(chart);
        QCOMPARE(t.title, QStringLiteral("Spend over time"));
        QCOMPARE(t.columns, (QStringList{"UTC day", "gpt-4o", "Other"}));
        QCOMPARE(t.rows.size(), 2);
        QCOMPARE(t.rows.at(1), (QVariantList{QStringLiteral("Jan 2"), 20.0, 2.0}));
        QCOMPARE(t.meta.value(QStringLiteral("unit")).toString(), QStringLiteral("USD"));
        QCOMPARE(t.meta.value(QStringLiteral("threshold")).toDouble(), 25.0);
        BarChart empty;
        QVERIFY(exportChart(empty).rows.isEmpty());
    }

    // The menu: Copy Image (at 2x), Save PNG, Save CSV, Save JSON.
    void menuCopiesTheImageAt2x()
    {
        BarChart chart;
        chart.setData(spend());
        chart.resize(400, 240);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        QMenu* menu = createExportMenu(
            &chart, [&chart] { return exportChart(chart); }, &chart);
        QStringList texts;
        for (QAction* a : menu->actions()) {
            if (!a->isSeparator())
                texts << a->text();
        }
        QCOMPARE(texts, (QStringList{"Copy Image", "Save PNG…", "Save CSV…", "Save JSON…"}));
        menu->actions().first()->trigger();
        const QImage copied = QApplication::clipboard()->image();
        QCOMPARE(copied.size(), QSize(800, 480));
        const QImage direct = renderAt2x(&chart);
        QCOMPARE(direct.size(), QSize(800, 480));
        QCOMPARE(direct.devicePixelRatio(), 2.0);
    }

    void writesFilesOrSaysWhy()
    {
        QTemporaryDir dir;
        QString error;
        const QString path = dir.filePath(QStringLiteral("spend.csv"));
        QVERIFY(writeExport(path, "a,b\r\n", &error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("a,b\r\n"));
        QVERIFY(!writeExport(dir.filePath(QStringLiteral("no/such/dir/x.csv")), "x", &error));
        QVERIFY2(error.contains(QLatin1String("Could not write")), qPrintable(error));
    }

    // A page's charts and tables get the menu; a combo box's popup list does not.
    void installedOnChartsAndTables()
    {
        QWidget page;
        auto* layout = new QVBoxLayout(&page);
        auto* chart = new BarChart;
        chart->setData(spend());
        auto* model = new QStandardItemModel(2, 2, &page);
        model->setItem(0, 0, new QStandardItem(QStringLiteral("gpt-4o-ptu")));
        auto* table = new QTableView;
        table->setModel(model);
        table->setAccessibleName(QStringLiteral("Provisioned deployments"));
        auto* combo = new QComboBox;
        combo->addItems({QStringLiteral("a"), QStringLiteral("b")});
        layout->addWidget(chart);
        layout->addWidget(table);
        layout->addWidget(combo);
        installExportMenus(&page);
        QCOMPARE(chart->contextMenuPolicy(), Qt::CustomContextMenu);
        QCOMPARE(table->contextMenuPolicy(), Qt::CustomContextMenu);
        QVERIFY(combo->view()->contextMenuPolicy() != Qt::CustomContextMenu);
    }
};

QTEST_MAIN(tst_ExportMenu)
#include "tst_exportmenu.moc"
