#include "itemmodels/sourcehealthmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QtTest/QtTest>

using namespace isc;

class tst_SourceHealthModel : public QObject
{
    Q_OBJECT
private slots:
    void updatesRows()
    {
        SourceHealthModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);

        SourceHealth h;
        h.source = QStringLiteral("demo-azure");
        h.displayName = QStringLiteral("Contoso (demo)");
        h.state = SourceHealth::State::Backfilling;
        h.backfillDone = 3;
        h.backfillTotal = 12;
        model.update(h);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex i = model.index(0);
        QCOMPARE(i.data().toString(), QStringLiteral("Contoso (demo)"));
        QCOMPARE(i.data(SourceHealthModel::BackfillProgressRole).toDouble(), 0.25);
        QVERIFY(!i.data(SourceHealthModel::LastSuccessRole).toDateTime().isValid());
        QCOMPARE(i.data(SourceHealthModel::StateTextRole).toString(),
                 stateName(SourceHealth::State::Backfilling));

        h.state = SourceHealth::State::Failing;
        h.lastError = QStringLiteral("Azure Monitor refused the token (401).");
        h.lastSuccess = 1772323200;
        h.backfillTotal = 0;
        model.update(h);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(i.data(SourceHealthModel::LastErrorRole).toString(), h.lastError);
        QCOMPARE(i.data(Qt::ToolTipRole).toString(), h.lastError);
        QCOMPARE(i.data(SourceHealthModel::HealthyRole).toBool(), false);
        QCOMPARE(i.data(SourceHealthModel::BackfillProgressRole).toDouble(), -1.0);
        QCOMPARE(i.data(SourceHealthModel::LastSuccessRole).toDateTime().toSecsSinceEpoch(),
                 qint64(1772323200));

        SourceHealth other;
        other.source = QStringLiteral("b");
        model.update(other);
        QCOMPARE(model.rowCount(), 2);
        model.setHealth({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_SourceHealthModel)
#include "tst_sourcehealthmodel.moc"
