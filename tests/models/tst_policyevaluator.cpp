#include "routing/policyevaluator.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

RoutingRule rule(const QString& name, const QString& target, RuleCondition when = {})
{
    return RoutingRule{name, when, target};
}

// A policy exercising every condition kind, in a sensible order.
RoutingPolicy samplePolicy()
{
    RoutingPolicy p;
    p.name = QStringLiteral("sample");
    RuleCondition health;
    health.healthTarget = QStringLiteral("gpt-4o-ptu");
    health.errorRateAbovePct = 10;
    p.rules << rule(QStringLiteral("ptu sick"), QStringLiteral("gpt-4o-std"), health);
    RuleCondition night;
    night.fromMinute = 22 * 60;
    night.toMinute = 6 * 60;
    night.tags = QStringList{QStringLiteral("batchable")};
    p.rules << rule(QStringLiteral("night batch"), QStringLiteral("gpt-4o-mini-batch"), night);
    RuleCondition small;
    small.maxPromptTokens = 1000;
    small.models = QStringList{QStringLiteral("gpt-4o")};
    p.rules << rule(QStringLiteral("small local"), QStringLiteral("llama"), small);
    RuleCondition busy;
    busy.utilizationTarget = QStringLiteral("gpt-4o-ptu");
    busy.utilizationAbovePct = 90;
    busy.models = QStringList{QStringLiteral("gpt-4o")};
    p.rules << rule(QStringLiteral("spill"), QStringLiteral("gpt-4o-std"), busy);
    RuleCondition big;
    big.minPromptTokens = 8000;
    p.rules << rule(QString(), QStringLiteral("gpt-41-dz"), big);
    p.fallbackTarget = RoutingPolicy::kOrigin;
    return p;
}

} // namespace

class tst_PolicyEvaluator : public QObject
{
    Q_OBJECT
private slots:
    void evaluate_data()
    {
        QTest::addColumn<double>("prompt");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QStringList>("tags");
        QTest::addColumn<int>("minute");
        QTest::addColumn<double>("ptuUtil");
        QTest::addColumn<double>("ptuErrors");
        QTest::addColumn<int>("rule");
        QTest::addColumn<QString>("target");

        const QStringList none;
        const QStringList batchable{QStringLiteral("batchable")};
        QTest::newRow("fallback to origin")
            << 3000.0 << "gpt-4o" << none << 600 << 50.0 << 0.0 << -1 << "origin-dep";
        QTest::newRow("health first")
            << 300.0 << "gpt-4o" << batchable << 23 * 60 << 95.0 << 12.0 << 0 << "gpt-4o-std";
        QTest::newRow("health at threshold is healthy")
            << 3000.0 << "gpt-4o" << none << 600 << 50.0 << 10.0 << -1 << "origin-dep";
        QTest::newRow("night window wraps (23:00)") << 3000.0 << "gpt-4o" << batchable << 23 * 60
                                                    << 50.0 << 0.0 << 1 << "gpt-4o-mini-batch";
        QTest::newRow("night window wraps (05:59)") << 3000.0 << "gpt-4o" << batchable << 6 * 60 - 1
                                                    << 50.0 << 0.0 << 1 << "gpt-4o-mini-batch";
        QTest::newRow("night window ends at 06:00")
            << 3000.0 << "gpt-4o" << batchable << 6 * 60 << 50.0 << 0.0 << -1 << "origin-dep";
        QTest::newRow("night needs the tag")
            << 3000.0 << "gpt-4o" << none << 23 * 60 << 50.0 << 0.0 << -1 << "origin-dep";
        QTest::newRow("small prompt")
            << 999.0 << "gpt-4o" << none << 600 << 95.0 << 0.0 << 2 << "llama";
        QTest::newRow("max is exclusive")
            << 1000.0 << "gpt-4o" << none << 600 << 50.0 << 0.0 << -1 << "origin-dep";
        QTest::newRow("model is case-insensitive")
            << 10.0 << "GPT-4o" << none << 600 << 50.0 << 0.0 << 2 << "llama";
        QTest::newRow("unknown prompt size never matches a range")
            << -1.0 << "gpt-4o" << none << 600 << 50.0 << 0.0 << -1 << "origin-dep";
        QTest::newRow("spill when busy")
            << 3000.0 << "gpt-4o" << none << 600 << 91.0 << 0.0 << 3 << "gpt-4o-std";
        QTest::newRow("no spill at threshold")
            << 3000.0 << "gpt-4o" << none << 600 << 90.0 << 0.0 << -1 << "origin-dep";
        QTest::newRow("other model not spilled")
            << 3000.0 << "gpt-4o-mini" << none << 600 << 99.0 << 0.0 << -1 << "origin-dep";
        QTest::newRow("big prompt min inclusive")
            << 8000.0 << "gpt-4o-mini" << none << 600 << 50.0 << 0.0 << 4 << "gpt-41-dz";
    }
    void evaluate()
    {
        QFETCH(double, prompt);
        QFETCH(QString, model);
        QFETCH(QStringList, tags);
        QFETCH(int, minute);
        QFETCH(double, ptuUtil);
        QFETCH(double, ptuErrors);
        QFETCH(int, rule);
        QFETCH(QString, target);

        const PolicyEvaluator ev(samplePolicy());
        RequestContext ctx;
        ctx.promptTokens = prompt;
        ctx.model = model;
        ctx.tags = tags;
        ctx.minuteOfDay = minute;
        ctx.origin = QStringLiteral("origin-dep");
        ctx.utilizationPct.insert(QStringLiteral("gpt-4o-ptu"), ptuUtil);
        ctx.errorRatePct.insert(QStringLiteral("gpt-4o-ptu"), ptuErrors);

        const RoutingDecision d = ev.evaluate(ctx);
        QCOMPARE(d.ruleIndex, rule);
        QCOMPARE(d.target, target);
        QCOMPARE(ev.matchRule(ctx), rule);
        QVERIFY(!d.reason.isEmpty());
        if (rule >= 0)
            QVERIFY2(d.reason.startsWith(QStringLiteral("Rule %1").arg(rule + 1)),
                     qPrintable(d.reason));
        else
            QVERIFY2(d.reason.contains(QLatin1String("fallback")), qPrintable(d.reason));
    }

    void missingMetricDoesNotMatch()
    {
        // A router without a utilization reading must not spill.
        const PolicyEvaluator ev(samplePolicy());
        RequestContext ctx;
        ctx.promptTokens = 3000;
        ctx.model = QStringLiteral("gpt-4o");
        ctx.origin = QStringLiteral("o");
        QCOMPARE(ev.matchRule(ctx), -1);
    }

    void describeInWords()
    {
        const RoutingPolicy p = samplePolicy();
        QCOMPARE(PolicyEvaluator::describe(p.rules[2].when),
                 QStringLiteral("prompt under 1000 tokens, model gpt-4o"));
        QCOMPARE(PolicyEvaluator::describe(p.rules[1].when),
                 QStringLiteral("tag batchable, between 22:00 and 06:00 UTC"));
        QCOMPARE(PolicyEvaluator::describe(RuleCondition{}), QStringLiteral("always"));
    }

    void emptyPolicyIsIdentity()
    {
        const PolicyEvaluator ev(RoutingPolicy::identity());
        RequestContext ctx;
        ctx.origin = QStringLiteral("gpt-4o-ptu");
        const RoutingDecision d = ev.evaluate(ctx);
        QCOMPARE(d.target, QStringLiteral("gpt-4o-ptu"));
        QCOMPARE(d.ruleIndex, -1);
    }
};

QTEST_APPLESS_MAIN(tst_PolicyEvaluator)
#include "tst_policyevaluator.moc"
