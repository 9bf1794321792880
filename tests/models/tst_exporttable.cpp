#include "reports/exporttable.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringListModel>
#include <QtTest/QtTest>

using namespace isc;

class tst_ExportTable : public QObject
{
    Q_OBJECT
private slots:
    // RFC 4180: quoted where needed, CRLF, numbers in full precision.
    void csv()
    {
        ExportTable t;
        t.title = QStringLiteral("Spend");
        t.columns = {QStringLiteral("group"), QStringLiteral("cost (USD)")};
        t.rows = {{QStringLiteral("gpt-4o, PTU"), 1234.5678901234},
                  {QStringLiteral("say \"hi\""), 0.1},
                  {QStringLiteral("two\\nlines"), 3}};
        t.rows[2][0] = QStringLiteral("two\nlines");
        QCOMPARE(t.toCsv(), QStringLiteral("group,cost (USD)\r\n"
                                           "\"gpt-4o, PTU\",1234.5678901234\r\n"
                                           "\"say \"\"hi\"\"\",0.1\r\n"
                                           "\"two\nlines\",3\r\n"));
    }

    // JSON keeps numbers as numbers, and carries the meta (unit, range) beside the rows.
    void json()
    {
        ExportTable t;
        t.title = QStringLiteral("Latency");
        t.columns = {QStringLiteral("series"), QStringLiteral("value (ms)")};
        t.rows = {{QStringLiteral("a"), 12.5}};
        t.meta.insert(QStringLiteral("unit"), QStringLiteral("ms"));
        const QJsonObject o = QJsonDocument::fromJson(t.toJson()).object();
        QCOMPARE(o.value(QStringLiteral("title")).toString(), QStringLiteral("Latency"));
        QCOMPARE(o.value(QStringLiteral("unit")).toString(), QStringLiteral("ms"));
        QCOMPARE(o.value(QStringLiteral("columns")).toArray().size(), 2);
        const QJsonArray row = o.value(QStringLiteral("rows")).toArray().at(0).toArray();
        QCOMPARE(row.at(0).toString(), QStringLiteral("a"));
        QVERIFY(row.at(1).isDouble());
        QCOMPARE(row.at(1).toDouble(), 12.5);
    }

    // A table's rows as shown.
    void fromModel()
    {
        QStringListModel model({QStringLiteral("gpt-4o-ptu"), QStringLiteral("gpt-4o-mini")});
        model.setHeaderData(0, Qt::Horizontal, QStringLiteral("Deployment"));
        const ExportTable t = exportModel(model, QStringLiteral("Deployments"));
        QCOMPARE(t.title, QStringLiteral("Deployments"));
        QCOMPARE(t.rows.size(), 2);
        QCOMPARE(t.rows.at(1).at(0).toString(), QStringLiteral("gpt-4o-mini"));
        QCOMPARE(t.columns.size(), 1);
    }
};

QTEST_MAIN(tst_ExportTable)
#include "tst_exporttable.moc"
