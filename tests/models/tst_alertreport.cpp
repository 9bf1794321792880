#include "alerts/alertbacktest.h"
#include "alerts/alertreport.h"
#include "alerttestdata.h"

#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

namespace {

constexpr qint64 kNow = 1'780'000'000 / 60 * 60;

AlertRule ptuRule()
{
    return alertRule(R"({"id": "ptu", "name": "PTU hot",
                         "metric": "AzureOpenAIProvisionedManagedUtilizationV2",
                         "op": ">=", "threshold": 90, "for": "5m", "window": "5m", "unit": "%",
                         "severity": "critical"})");
}

AlertRule latencyRule()
{
    return alertRule(R"({"id": "ttft", "name": "Slow first token",
                         "metric": "AzureOpenAINormalizedTTFTInMS", "op": ">", "threshold": 800,
                         "unit": "ms"})");
}

ActiveAlert active(const AlertRule& rule, AlertPhase phase, const QString& deployment, qint64 since,
                   double value)
{
    ActiveAlert a;
    a.rule = rule;
    a.state.labels = {{"connection", "east"}, {"ModelDeploymentName", deployment}};
    a.state.instance = labels::canonical(a.state.labels);
    a.state.phase = phase;
    a.state.activeSince = since;
    a.state.firingSince = phase == AlertPhase::Firing ? since + rule.forSeconds : 0;
    a.state.lastValue = value;
    return a;
}

AlertTransition transition(const AlertRule& rule, AlertTransition::Kind kind, qint64 at,
                           qint64 episodeStart, bool notify, const QString& suppressed = {})
{
    AlertTransition t;
    t.ruleId = rule.id;
    t.labels = {{"connection", "east"}, {"ModelDeploymentName", "gpt-4o-ptu"}};
    t.instance = labels::canonical(t.labels);
    t.kind = kind;
    t.at = at;
    t.episodeStart = episodeStart;
    t.value = 95.5;
    t.threshold = rule.threshold;
    t.notify = notify;
    t.suppressed = suppressed;
    return t;
}

} // namespace

class tst_AlertReport : public QObject
{
    Q_OBJECT
private slots:
    void nowFiringFirstWithWords()
    {
        const AlertRule ptu = ptuRule();
        const AlertRule ttft = latencyRule();
        const AlertReport r =
            AlertReport::build({ptu, ttft},
                               {active(ttft, AlertPhase::Pending, "gpt-4o-mini", kNow - 120, 950),
                                active(ptu, AlertPhase::Firing, "gpt-4o-ptu", kNow - 3900, 97.25)},
                               {}, {}, {}, kNow, QTimeZone::utc());
        QCOMPARE(r.firing, 1);
        QCOMPARE(r.pending, 1);
        QCOMPARE(r.summary(), QStringLiteral("1 firing, 1 pending"));
        QCOMPARE(r.now.size(), 2);
        QCOMPARE(r.now[0].state, QStringLiteral("Firing"));
        QCOMPARE(r.now[0].rule, QStringLiteral("PTU hot"));
        QCOMPARE(r.now[0].target, QStringLiteral("gpt-4o-ptu (east)"));
        QCOMPARE(r.now[0].condition, QStringLiteral("≥ 90 %"));
        // Firing since the episode's start plus `for`: 3900 - 300 s ago.
        QCOMPARE(r.now[0].duration, QStringLiteral("1 h"));
        QVERIFY2(r.now[0].value.startsWith(QLatin1String("97.")), qPrintable(r.now[0].value));
        QCOMPARE(r.now[1].state, QStringLiteral("Pending"));
        QCOMPARE(r.now[1].condition, QStringLiteral("> 800 ms"));
        QCOMPARE(r.now[1].duration, QStringLiteral("2 min"));
        QCOMPARE(r.rules.size(), 2);
        QCOMPARE(r.rules[0].name, QStringLiteral("PTU hot")); // by name
        QCOMPARE(r.rules[0].firing, 1);
        QCOMPARE(r.rules[0].origin, QStringLiteral("custom"));
        QVERIFY2(r.rules[0].condition.contains(QLatin1String("for 5 min")),
                 qPrintable(r.rules[0].condition));
    }

    void retiredAndBudgetInWords()
    {
        const AlertRule retirement = alertRule(R"({"id": "retirement", "input": "daysToRetirement",
                                                    "op": "<=", "threshold": 60, "unit": "days"})");
        QCOMPARE(AlertReport::quantity(retirement, 12), QStringLiteral("12 days"));
        QCOMPARE(AlertReport::quantity(retirement, -53), QStringLiteral("retired 53 days ago"));
        ActiveAlert budget;
        budget.rule = retirement;
        budget.state.labels = {{"budget", "monthly"}};
        budget.state.phase = AlertPhase::Firing;
        const AlertReport r =
            AlertReport::build({retirement}, {budget}, {}, {}, {}, kNow, QTimeZone::utc());
        QCOMPARE(r.now.first().target, QStringLiteral("budget: monthly"));
    }

    void nothingFiring()
    {
        const AlertReport r = AlertReport::build({ptuRule()}, {}, {}, {},
                                                 {"alerts.rules[2].for: "
                                                  "bad"},
                                                 kNow, QTimeZone::utc());
        QCOMPARE(r.summary(), QStringLiteral("Nothing is firing"));
        QCOMPARE(r.configErrors.size(), 1);
        QCOMPARE(r.rules.first().firing, 0);
    }

    void historyNewestFirstWithDurationsAndDelivery()
    {
        const AlertRule ptu = ptuRule();
        const qint64 start = kNow - 7200;
        const AlertReport r = AlertReport::build(
            {ptu}, {},
            {transition(ptu, AlertTransition::Kind::Pending, start, start, false),
             transition(ptu, AlertTransition::Kind::Resolved, start + 5700, start, true),
             transition(ptu, AlertTransition::Kind::Firing, start + 300, start, false,
                        "silenced until 15:00")},
            {}, {}, kNow, QTimeZone::utc());
        QCOMPARE(r.history.size(), 3);
        QCOMPARE(r.history[0].transition, QStringLiteral("Resolved"));
        QCOMPARE(r.history[0].duration, QStringLiteral("1 h 35 min"));
        QCOMPARE(r.history[0].delivery, QStringLiteral("notified"));
        QCOMPARE(r.history[1].transition, QStringLiteral("Firing"));
        QCOMPARE(r.history[1].delivery, QStringLiteral("silenced until 15:00"));
        QVERIFY(r.history[1].duration.isEmpty());
        QCOMPARE(r.history[2].transition, QStringLiteral("Pending"));
        QVERIFY(r.history[2].delivery.isEmpty());
        QCOMPARE(r.history[2].time, QDateTime::fromSecsSinceEpoch(start, QTimeZone::utc())
                                        .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    }

    // Bands: each Firing to its Resolved, a firing one to now, overlaps merged.
    void firingBandsUnionThePeriods()
    {
        const AlertRule ptu = ptuRule();
        const qint64 t = kNow - 10 * 3600;
        AlertTransition other = transition(ptu, AlertTransition::Kind::Firing, t + 1800, t, true);
        other.instance = QStringLiteral("other");
        AlertTransition otherResolved =
            transition(ptu, AlertTransition::Kind::Resolved, t + 7200, t, true);
        otherResolved.instance = QStringLiteral("other");
        const QVector<AlertTransition> history{
            transition(ptu, AlertTransition::Kind::Pending, t - 300, t - 300, false),
            transition(ptu, AlertTransition::Kind::Firing, t, t - 300, true),
            transition(ptu, AlertTransition::Kind::Resolved, t + 3600, t - 300, true),
            other,
            otherResolved,
        };
        ActiveAlert now = active(ptu, AlertPhase::Firing, "gpt-4o-ptu", kNow - 1200, 97);
        const QVector<TimeRange> bands = AlertReport::firingBands(history, {now}, kNow);
        QCOMPARE(bands.size(), 2);
        QCOMPARE(bands[0].from, t);
        QCOMPARE(bands[0].to, t + 7200); // two instances overlapping: one band
        QCOMPARE(bands[1].from, now.state.firingSince);
        QCOMPARE(bands[1].to, kNow);
        QVERIFY(AlertReport::firingBands({}, {}, kNow).isEmpty());
    }

    void silencesActiveFirst()
    {
        const AlertRule ptu = ptuRule();
        AlertSilence ended;
        ended.id = "a";
        ended.ruleId = ptu.id;
        ended.startsAt = kNow - 7200;
        ended.endsAt = kNow - 3600;
        AlertSilence going;
        going.id = "b";
        going.startsAt = kNow - 600;
        going.endsAt = kNow + 3000;
        going.createdBy = "ops";
        going.comment = "maintenance";
        const AlertReport r =
            AlertReport::build({ptu}, {}, {}, {ended, going}, {}, kNow, QTimeZone::utc());
        QCOMPARE(r.silences.size(), 2);
        QCOMPARE(r.silences[0].id, QStringLiteral("b"));
        QVERIFY(r.silences[0].active);
        QCOMPARE(r.silences[0].rule, QStringLiteral("every rule"));
        QCOMPARE(r.silences[0].matches, QStringLiteral("every instance"));
        QCOMPARE(r.silences[0].remaining, QStringLiteral("50 min"));
        QCOMPARE(r.silences[1].rule, QStringLiteral("PTU hot"));
        QCOMPARE(r.silences[1].remaining, QStringLiteral("ended"));
    }

    // The sentence counts what the backtest counted.
    void backtestSummaryCounts()
    {
        const AlertRule rule = alertRule(R"({"id": "hot", "metric": "m", "op": ">=",
                                              "threshold": 90, "for": "2m", "unit": "%"})");
        SeriesSamples s;
        s.key = {"east", "m", "average", labels::canonical({{"ModelDeploymentName", "d"}})};
        const qint64 t0 = kNow - 60 * 60;
        // Two hot stretches of 10 minutes in an hour.
        for (int i = 0; i < 60; ++i)
            s.samples.append(
                {t0 + 60 * i, (i >= 10 && i < 20) || (i >= 40 && i < 50) ? 95.0 : 50.0});
        const AlertBacktestResult b = AlertBacktest::run(rule, {s}, {t0, kNow});
        QCOMPARE(b.firing.size(), 2);
        const QString text = AlertReport::backtestSummary(b, QStringLiteral("over the last hour"));
        QVERIFY2(text.startsWith(QLatin1String("Over the last hour it would have fired 2 times on "
                                               "1 series")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("sent %1 notifications").arg(b.notifications)),
                 qPrintable(text));
        QVERIFY(b.notifications >= 2);

        const AlertBacktestResult none =
            AlertBacktest::run(rule, QVector<SeriesSamples>{}, {t0, kNow});
        QVERIFY(AlertReport::backtestSummary(none, QStringLiteral("over the last hour"))
                    .startsWith(QLatin1String("No stored minutes")));
    }
};

QTEST_GUILESS_MAIN(tst_AlertReport)
#include "tst_alertreport.moc"
