#include "itemmodels/routingrulesmodel.h"

#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;

namespace {

RoutingPolicy toTarget(const QString& target)
{
    RoutingPolicy p;
    p.name = QStringLiteral("one rule");
    RoutingRule r;
    r.name = QStringLiteral("PTU traffic");
    r.when.tags = QStringList{QStringLiteral("gpt-4o-ptu")};
    r.target = target;
    p.rules = {r};
    return p;
}

} // namespace

class tst_RoutingRulesModel : public QObject
{
    Q_OBJECT
private slots:
    void blocking_data()
    {
        QTest::addColumn<QStringList>("known");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("fallback");
        QTest::addColumn<bool>("blocking");
        const QStringList both{QStringLiteral("gpt-4o-std"), QStringLiteral("gpt-4o-ptu")};
        QTest::newRow("known target") << both << "gpt-4o-std" << RoutingPolicy::kOrigin << false;
        QTest::newRow("unknown target") << both << "gpt-5" << RoutingPolicy::kOrigin << true;
        QTest::newRow("nothing known yet")
            << QStringList() << "gpt-4o-std" << RoutingPolicy::kOrigin << true;
        QTest::newRow("origin needs no inventory")
            << QStringList() << RoutingPolicy::kOrigin << RoutingPolicy::kOrigin << false;
        QTest::newRow("unknown fallback") << both << "gpt-4o-std"
                                          << "gone" << true;
    }

    void blocking()
    {
        QFETCH(QStringList, known);
        QFETCH(QString, target);
        QFETCH(QString, fallback);
        QFETCH(bool, blocking);
        RoutingRulesModel model;
        model.setKnownTargets(known);
        RoutingPolicy p = toTarget(target);
        p.fallbackTarget = fallback;
        model.setPolicy(p);
        QCOMPARE(model.hasBlockingIssue(), blocking);
    }

    // The targets are read after the policy is shown: learning them clears the blocking issue,
    // and says so (issuesChanged) without claiming the policy was edited (policyChanged).
    void knownTargetsArrivingLaterClearTheIssue()
    {
        RoutingRulesModel model;
        model.setPolicy(toTarget(QStringLiteral("gpt-4o-std")));
        QVERIFY(model.hasBlockingIssue());
        QSignalSpy issues(&model, &RoutingRulesModel::issuesChanged);
        QSignalSpy edited(&model, &RoutingRulesModel::policyChanged);
        model.setKnownTargets({QStringLiteral("gpt-4o-std")});
        QCOMPARE(issues.size(), 1);
        QCOMPARE(edited.size(), 0);
        QVERIFY(!model.hasBlockingIssue());
        QVERIFY(model.issues().isEmpty());
    }

    void editsCheckTheIssuesAgain()
    {
        RoutingRulesModel model;
        model.setKnownTargets({QStringLiteral("gpt-4o-std")});
        model.setPolicy(toTarget(QStringLiteral("gpt-4o-std")));
        QSignalSpy issues(&model, &RoutingRulesModel::issuesChanged);
        model.setFallbackTarget(QStringLiteral("nowhere"));
        QCOMPARE(issues.size(), 1);
        QVERIFY(model.hasBlockingIssue());
        model.setFallbackTarget(RoutingPolicy::kOrigin);
        QCOMPARE(issues.size(), 2);
        QVERIFY(!model.hasBlockingIssue());
    }
};

QTEST_GUILESS_MAIN(tst_RoutingRulesModel)
#include "tst_routingrulesmodel.moc"
