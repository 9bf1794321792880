#include "routing/policyvalidator.h"

#include <QtTest/QtTest>

using namespace isc;

Q_DECLARE_METATYPE(isc::RuleCondition)
Q_DECLARE_METATYPE(isc::RoutingPolicy)

namespace {

RuleCondition prompt(double min, double max)
{
    RuleCondition c;
    c.minPromptTokens = min;
    c.maxPromptTokens = max;
    return c;
}

RuleCondition models(QStringList m)
{
    RuleCondition c;
    c.models = std::move(m);
    return c;
}

RuleCondition window(int from, int to)
{
    RuleCondition c;
    c.fromMinute = from;
    c.toMinute = to;
    return c;
}

RuleCondition busy(const QString& target, double pct)
{
    RuleCondition c;
    c.utilizationTarget = target;
    c.utilizationAbovePct = pct;
    return c;
}

RuleCondition with(RuleCondition a, const RuleCondition& b)
{
    if (b.hasPromptRange()) {
        a.minPromptTokens = b.minPromptTokens;
        a.maxPromptTokens = b.maxPromptTokens;
    }
    a.models += b.models;
    if (b.hasTimeWindow()) {
        a.fromMinute = b.fromMinute;
        a.toMinute = b.toMinute;
    }
    if (b.hasUtilization()) {
        a.utilizationTarget = b.utilizationTarget;
        a.utilizationAbovePct = b.utilizationAbovePct;
    }
    return a;
}

const QStringList kKnown{QStringLiteral("gpt-4o-ptu"), QStringLiteral("gpt-4o-std"),
                         QStringLiteral("llama"), QStringLiteral("demo/llama")};

} // namespace

class tst_PolicyValidator : public QObject
{
    Q_OBJECT
private slots:
    void subsumes_data()
    {
        QTest::addColumn<RuleCondition>("earlier");
        QTest::addColumn<RuleCondition>("later");
        QTest::addColumn<bool>("expected");
        QTest::newRow("unconditional covers all") << RuleCondition{} << prompt(0, 10) << true;
        QTest::newRow("conditional does not cover unconditional")
            << prompt(0, 10) << RuleCondition{} << false;
        QTest::newRow("wider prompt range") << prompt(0, 1000) << prompt(100, 500) << true;
        QTest::newRow("open-ended range") << prompt(500, -1) << prompt(800, 900) << true;
        QTest::newRow("overlapping range") << prompt(0, 1000) << prompt(500, 1500) << false;
        QTest::newRow("model superset")
            << models({"gpt-4o", "gpt-4.1"}) << models({"GPT-4o"}) << true;
        QTest::newRow("model not covered")
            << models({"gpt-4o"}) << models({"gpt-4o", "x"}) << false;
        QTest::newRow("fewer conditions is wider")
            << models({"gpt-4o"}) << with(models({"gpt-4o"}), prompt(0, 100)) << true;
        QTest::newRow("more conditions is narrower")
            << with(models({"gpt-4o"}), prompt(0, 100)) << models({"gpt-4o"}) << false;
        QTest::newRow("wrapping window covers part")
            << window(22 * 60, 6 * 60) << window(23 * 60, 2 * 60) << true;
        QTest::newRow("window not covered")
            << window(22 * 60, 6 * 60) << window(5 * 60, 7 * 60) << false;
        QTest::newRow("lower utilization threshold covers higher")
            << busy("gpt-4o-ptu", 80) << busy("gpt-4o-ptu", 90) << true;
        QTest::newRow("higher threshold does not cover lower")
            << busy("gpt-4o-ptu", 90) << busy("gpt-4o-ptu", 80) << false;
        QTest::newRow("other utilization target") << busy("a", 80) << busy("b", 90) << false;
    }
    void subsumes()
    {
        QFETCH(RuleCondition, earlier);
        QFETCH(RuleCondition, later);
        QFETCH(bool, expected);
        QCOMPARE(PolicyValidator::subsumes(earlier, later), expected);
    }

    void validate_data()
    {
        QTest::addColumn<RoutingPolicy>("policy");
        QTest::addColumn<QStringList>("expected"); // "kind@rule" per issue

        auto policy = [](QVector<RoutingRule> rules, const QString& fallback) {
            RoutingPolicy p;
            p.rules = std::move(rules);
            p.fallbackTarget = fallback;
            return p;
        };
        const QString standard = QStringLiteral("gpt-4o-std");
        QTest::newRow("clean") << policy({{"small", prompt(0, 1000), "llama"},
                                          {"busy", busy("gpt-4o-ptu", 90), standard}},
                                         RoutingPolicy::kOrigin)
                               << QStringList{};
        QTest::newRow("qualified target is known")
            << policy({{"", prompt(0, 1000), "demo/llama"}}, standard) << QStringList{};
        QTest::newRow("unknown rule target")
            << policy({{"", prompt(0, 1000), "gpt-5"}}, standard) << QStringList{"unknown@0"};
        QTest::newRow("unknown fallback") << policy({}, "nowhere") << QStringList{"unknown@-1"};
        QTest::newRow("unknown utilization target")
            << policy({{"", busy("gpt-9-ptu", 90), standard}}, standard)
            << QStringList{"unknown@0"};
        QTest::newRow("no fallback") << policy({}, QString()) << QStringList{"nofallback@-1"};
        QTest::newRow("after unconditional")
            << policy({{"all", RuleCondition{}, standard}, {"small", prompt(0, 10), "llama"}},
                      RoutingPolicy::kOrigin)
            << QStringList{"unreachable@1"};
        QTest::newRow("subsumed by earlier") << policy({{"", prompt(0, 2000), standard},
                                                        {"", prompt(100, 500), "llama"},
                                                        {"", prompt(1500, 3000), "llama"}},
                                                       standard)
                                             << QStringList{"unreachable@1"};
        QTest::newRow("empty prompt range")
            << policy({{"", prompt(500, 500), "llama"}}, standard) << QStringList{"empty@0"};
        QTest::newRow("empty time window")
            << policy({{"", window(600, 600), "llama"}}, standard) << QStringList{"empty@0"};
        QTest::newRow("empty rule does not hide later ones")
            << policy({{"", prompt(9, 1), "llama"}, {"", prompt(2, 5), "llama"}}, standard)
            << QStringList{"empty@0"};
    }
    void validate()
    {
        QFETCH(RoutingPolicy, policy);
        QFETCH(QStringList, expected);
        const QVector<PolicyIssue> issues = PolicyValidator(kKnown).validate(policy);
        QStringList got;
        for (const PolicyIssue& i : issues) {
            QString kind;
            switch (i.kind) {
            case PolicyIssue::Kind::UnknownTarget:
                kind = QStringLiteral("unknown");
                break;
            case PolicyIssue::Kind::UnreachableRule:
                kind = QStringLiteral("unreachable");
                break;
            case PolicyIssue::Kind::EmptyCondition:
                kind = QStringLiteral("empty");
                break;
            case PolicyIssue::Kind::NoFallback:
                kind = QStringLiteral("nofallback");
                break;
            }
            got << QStringLiteral("%1@%2").arg(kind).arg(i.ruleIndex);
            QVERIFY(i.message.endsWith(QLatin1Char('.')));
        }
        QCOMPARE(got, expected);
    }

    void messagesNameTheRule()
    {
        RoutingPolicy p;
        p.rules << RoutingRule{QStringLiteral("everything"), {}, QStringLiteral("gpt-4o-std")}
                << RoutingRule{QStringLiteral("never"), prompt(0, 10), QStringLiteral("llama")};
        const auto issues = PolicyValidator(kKnown).validate(p);
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues[0].message,
                 QStringLiteral("Rule 2 (\"never\") is unreachable: Rule 1 (\"everything\") "
                                "before it matches every request."));
    }
};

QTEST_APPLESS_MAIN(tst_PolicyValidator)
#include "tst_policyvalidator.moc"
