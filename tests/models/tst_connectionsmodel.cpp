#include "itemmodels/connectionsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;

namespace {

Connection make(const QString& id, const QString& kind)
{
    Connection c;
    c.id = id;
    c.kind = kind;
    c.displayName = id.toUpper();
    c.endpoint = QUrl(QStringLiteral("http://localhost:8000/metrics"));
    c.resourceId = QStringLiteral("/subscriptions/s/resourceGroups/g/providers/"
                                  "Microsoft.CognitiveServices/accounts/acct-") +
                   id;
    c.pollIntervalSeconds = 30;
    return c;
}

} // namespace

class tst_ConnectionsModel : public QObject
{
    Q_OBJECT
private slots:
    void editsAndHealth()
    {
        ConnectionsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setConnections({make(QStringLiteral("a"), QStringLiteral("azure-openai")),
                              make(QStringLiteral("v"), QStringLiteral("prometheus"))});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, ConnectionsModel::Endpoint).data().toString(),
                 QStringLiteral("acct-a"));
        QCOMPARE(model.index(1, ConnectionsModel::Endpoint).data().toString(),
                 QStringLiteral("http://localhost:8000/metrics"));
        QCOMPARE(model.index(1, ConnectionsModel::Status).data().toString(),
                 QStringLiteral("not polled"));
        QCOMPARE(model.index(1, ConnectionsModel::Interval).data().toString(),
                 QStringLiteral("30 s"));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        SourceHealth h;
        h.source = QStringLiteral("v");
        h.state = SourceHealth::State::Failing;
        h.lastError = QStringLiteral("Cannot reach localhost");
        h.latencyMs = 12;
        model.updateHealth(h);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(1, ConnectionsModel::Error).data().toString(), h.lastError);
        QCOMPARE(model.index(1, ConnectionsModel::Latency).data().toString(),
                 QStringLiteral("12 ms"));
        QCOMPARE(model.index(1, 0).data(ConnectionsModel::HealthyRole).toBool(), false);
        QCOMPARE(model.index(0, 0).data(ConnectionsModel::HealthyRole).toBool(), true);

        Connection edited = make(QStringLiteral("v"), QStringLiteral("prometheus"));
        edited.displayName = QStringLiteral("GPU box");
        model.setConnection(edited);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1, ConnectionsModel::Name).data().toString(),
                 QStringLiteral("GPU box"));

        model.setConnection(make(QStringLiteral("o"), QStringLiteral("ollama")));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowOf(QStringLiteral("o")), 2);

        model.removeConnection(QStringLiteral("v"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(QStringLiteral("v")), -1);
        QCOMPARE(model.rowOf(QStringLiteral("o")), 1);
    }

    void errorColumnShowsTheErrorElseTheWarning_data()
    {
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("warning");
        QTest::addColumn<QString>("shown");
        QTest::newRow("none") << ""
                              << ""
                              << "";
        QTest::newRow("warning only") << ""
                                      << "unknown metric Foo"
                                      << "Warning: unknown metric Foo";
        QTest::newRow("error wins") << "HTTP 500"
                                    << "unknown metric Foo"
                                    << "HTTP 500";
    }

    void errorColumnShowsTheErrorElseTheWarning()
    {
        QFETCH(QString, error);
        QFETCH(QString, warning);
        QFETCH(QString, shown);
        ConnectionsModel model;
        model.setConnections({make(QStringLiteral("a"), QStringLiteral("azure-monitor"))});
        SourceHealth h;
        h.source = QStringLiteral("a");
        h.state = SourceHealth::State::Polling;
        h.lastError = error;
        h.warning = warning;
        model.updateHealth(h);
        QCOMPARE(model.index(0, ConnectionsModel::Error).data().toString(), shown);
        QCOMPARE(model.index(0, ConnectionsModel::Error).data(Qt::ToolTipRole).toString(), shown);
    }

    void kindTitles()
    {
        for (const QString& kind : connectionKinds())
            QVERIFY2(ConnectionsModel::kindTitle(kind) != kind, qPrintable(kind));
    }
};

QTEST_GUILESS_MAIN(tst_ConnectionsModel)
#include "tst_connectionsmodel.moc"
