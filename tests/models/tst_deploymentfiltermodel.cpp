#include "itemmodels/deploymentfiltermodel.h"
#include "store/samplestore.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

Deployment dep(const QString& name, const QString& sku, const QString& source = QStringLiteral("a"))
{
    Deployment d;
    d.source = source;
    d.name = name;
    d.model = QStringLiteral("gpt-4o");
    d.version = QStringLiteral("2024-11-20");
    d.sku = sku;
    return d;
}

} // namespace

class tst_DeploymentFilterModel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void rowsAndSelection()
    {
        DeploymentFilterModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("All deployments"));
        QVERIFY(model.labelFilter().isEmpty());

        model.setSelected(QStringLiteral("zeta")); // before the inventory: kept
        model.setDeployments({dep("zeta", "GlobalStandard"), dep("alpha", "ProvisionedManaged"),
                              dep("zeta", "GlobalStandard", "b")});
        QCOMPARE(model.rowCount(), 3); // duplicates across sources shown once
        QCOMPARE(model.index(1).data(DeploymentFilterModel::NameRole).toString(),
                 QStringLiteral("alpha"));
        QVERIFY(model.index(1).data(DeploymentFilterModel::ProvisionedRole).toBool());
        QCOMPARE(model.index(1).data(DeploymentFilterModel::ModelRole).toString(),
                 QStringLiteral("gpt-4o 2024-11-20"));
        QCOMPARE(model.selectedRow(), 2);

        QSignalSpy changed(&model, &DeploymentFilterModel::selectedChanged);
        model.setSelectedRow(1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.selected(), QStringLiteral("alpha"));
        QCOMPARE(model.labelFilter().value(QStringLiteral("ModelDeploymentName")),
                 QStringLiteral("alpha"));
        model.setSelectedRow(0);
        QVERIFY(model.selected().isEmpty());
        QVERIFY(model.labelFilter().isEmpty());
    }

    void reloadFromStore()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("d.sqlite"))).result().usable());
        store
            .saveDeployments(QStringLiteral("a"),
                             {dep("b-dep", "GlobalStandard"), dep("a-dep", "GlobalBatch")})
            .waitForFinished();
        DeploymentFilterModel model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reloaded(&model, &DeploymentFilterModel::reloaded);
        model.reload();
        QVERIFY(reloaded.wait(5000));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(1).data().toString(), QStringLiteral("a-dep"));
    }
};

QTEST_GUILESS_MAIN(tst_DeploymentFilterModel)
#include "tst_deploymentfiltermodel.moc"
