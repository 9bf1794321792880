#include "alerttestdata.h"

#include "alerts/alertevaluator.h"
#include "alerts/alertsignal.h"

#include <QSet>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

namespace {

const QByteArray kPtu =
    "{\"id\": \"ptu\", \"metric\": \"AzureOpenAIProvisionedManagedUtilizationV2\", "
    "\"aggregation\": \"average\", \"op\": \">=\", \"threshold\": 90, ";

AlertEvaluatorOptions fromStart(qint64 start)
{
    AlertEvaluatorOptions o;
    o.origin = start;
    return o;
}

int minutesOf(const AlertFixture& f)
{
    int n = 0;
    for (const auto& s : f.series)
        n = std::max(n, int(s.samples.size() ? (s.samples.constLast().ts - f.start) / 60 + 1 : 0));
    return n;
}

// Evaluates every minute from the fixture's start to its end (data landing `delay` s late).
QVector<AlertTransition> everyMinute(AlertEvaluator& e, const AlertFixture& f, qint64 delay = 0,
                                     const QVector<AlertSilence>& silences = {},
                                     int extraMinutes = 0)
{
    QVector<AlertTransition> out;
    const int n = minutesOf(f) + extraMinutes;
    for (qint64 now = f.start + 60; now <= f.start + 60 * n; now += 60)
        out +=
            e.evaluate(now, composeAlertSeries(e.rule(), storedBy(f.series, now, delay)), silences);
    return out;
}

QString ptuInstance()
{
    return labels::canonical(
        {{QStringLiteral("connection"), QStringLiteral("demo-azure")},
         {QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o-ptu")}});
}

} // namespace

class tst_AlertEvaluator : public QObject
{
    Q_OBJECT
private slots:
    void transitions_data();
    void transitions();
    void evaluatingTwiceEmitsNothing();
    void lateMinutes_data();
    void lateMinutes();
    void lateRevision();
    void rateLimit_data();
    void rateLimit();
    void silence_data();
    void silence();
    void acknowledge();
    void restart_data();
    void restart();
    void restoreRefusesForeignState();
    void inputsHoldBetweenEvaluations();
};

void tst_AlertEvaluator::transitions_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QByteArray>("rule");
    QTest::addColumn<QStringList>("expected");
    const auto ptu = [](const char* rest) { return kPtu + QByteArray(rest); };
    QTest::newRow("for 5m, clear margin 5")
        << "ptu-episode.json" << ptu("\"clearMargin\": 5, \"for\": \"5m\"}")
        << QStringList{"pending@5", "firing@10", "resolved@14"};
    QTest::newRow("for 5m, no margin: resolves at the first value under 90")
        << "ptu-episode.json" << ptu("\"clearMargin\": 0, \"for\": \"5m\"}")
        << QStringList{"pending@5", "firing@10", "resolved@12"};
    QTest::newRow("for 0: fires at once")
        << "ptu-episode.json" << ptu("\"clearMargin\": 5, \"for\": \"0m\"}")
        << QStringList{"firing@5", "resolved@14"};
    QTest::newRow("for 10m: cancelled after 7 minutes")
        << "ptu-episode.json" << ptu("\"clearMargin\": 5, \"for\": \"10m\"}")
        << QStringList{"pending@5", "cancelled@12"};
    QTest::newRow("3-minute average")
        << "ptu-episode.json" << ptu("\"clearMargin\": 0, \"window\": \"3m\", \"for\": \"0m\"}")
        << QStringList{"firing@6", "resolved@14"};
    QTest::newRow("below, one deployment, margin raises the clear line")
        << "ptu-episode.json"
        << QByteArray(
               "{\"id\": \"low\", \"metric\": \"AzureOpenAIProvisionedManagedUtilizationV2\", "
               "\"deployments\": [\"gpt-4o-ptu-eu\"], \"op\": \"<\", \"threshold\": 55, "
               "\"clearMargin\": 2}")
        << QStringList{"firing@0", "resolved@17"};
    QTest::newRow("hovering without margin flaps")
        << "hover.json" << ptu("\"clearMargin\": 0}")
        << QStringList{"firing@1", "resolved@2", "firing@3", "resolved@4",
                       "firing@5", "resolved@6", "firing@7", "resolved@8"};
    QTest::newRow("hovering with margin 5 fires once")
        << "hover.json" << ptu("\"clearMargin\": 5}") << QStringList{"firing@1", "resolved@9"};
    QTest::newRow("429 share with a minimum of requests")
        << "share-429.json"
        << QByteArray("{\"id\": \"s429\", \"metric\": \"AzureOpenAIRequests\", \"aggregation\": "
                      "\"total\", \"labels\": [\"StatusCode=\\\"429\\\"\"], \"share\": "
                      "{\"minDenominator\": 10}, \"op\": \">=\", \"threshold\": 2, "
                      "\"clearMargin\": 1, \"for\": \"5m\"}")
        << QStringList{"pending@3",  "firing@8",  "resolved@10",
                       "pending@11", "firing@16", "resolved@17"};
}

void tst_AlertEvaluator::transitions()
{
    QFETCH(QString, fixture);
    QFETCH(QByteArray, rule);
    QFETCH(QStringList, expected);
    const AlertFixture f = loadAlertFixture(fixture);
    // Minute by minute, as collection does after each poll...
    AlertEvaluator live(alertRule(rule), fromStart(f.start));
    QStringList got = transitionTexts(everyMinute(live, f), f.start);
    QCOMPARE(got, expected);
    // ...and once over the whole fixture: the same transitions at the same times.
    AlertEvaluator once(alertRule(rule), fromStart(f.start));
    const qint64 end = f.start + 60 * minutesOf(f);
    got = transitionTexts(once.evaluate(end, composeAlertSeries(once.rule(), f.series)), f.start);
    QCOMPARE(got, expected);
}

void tst_AlertEvaluator::evaluatingTwiceEmitsNothing()
{
    const AlertFixture f = loadAlertFixture(QStringLiteral("ptu-episode.json"));
    AlertEvaluator e(alertRule(kPtu + "\"clearMargin\": 5, \"for\": \"5m\"}"), fromStart(f.start));
    int total = 0;
    for (qint64 now = f.start + 60; now <= f.start + 60 * minutesOf(f); now += 60) {
        const auto data = composeAlertSeries(e.rule(), storedBy(f.series, now));
        total += int(e.evaluate(now, data).size());
        QVERIFY2(e.evaluate(now, data).isEmpty(), qPrintable(formatIsoUtc(now)));
        QVERIFY(e.evaluate(now + 30, data).isEmpty()); // later in the same minute
    }
    QCOMPARE(total, 3);
}

void tst_AlertEvaluator::lateMinutes_data()
{
    QTest::addColumn<qint64>("delay");
    QTest::newRow("on time") << qint64(0);
    QTest::newRow("2 minutes late") << qint64(120);
    QTest::newRow("5 minutes late (Azure)") << qint64(300);
    QTest::newRow("14 minutes late") << qint64(840);
}

void tst_AlertEvaluator::lateMinutes()
{
    QFETCH(qint64, delay);
    const AlertFixture f = loadAlertFixture(QStringLiteral("late.json"));
    AlertEvaluator e(alertRule(kPtu + "\"clearMargin\": 5, \"for\": \"5m\"}"), fromStart(f.start));
    const auto got = everyMinute(e, f, delay, {}, int(delay / 60) + 1);
    QCOMPARE(transitionTexts(got, f.start),
             (QStringList{"pending@10", "firing@15", "resolved@17"}));
    QSet<QString> keys;
    for (const auto& t : got) {
        QVERIFY2(!keys.contains(t.key()), qPrintable(t.key()));
        keys.insert(t.key());
        // Known one evaluation after the deciding minute landed.
        const qint64 decidedBy = t.kind == AlertTransition::Kind::Firing ? t.at : t.at + 60;
        QCOMPARE(t.emittedAt, decidedBy + delay);
    }
}

void tst_AlertEvaluator::lateRevision()
{
    AlertFixture f = loadAlertFixture(QStringLiteral("late.json"));
    AlertEvaluator e(alertRule(kPtu + "\"clearMargin\": 5, \"for\": \"5m\"}"), fromStart(f.start));
    auto at = [&](int minute) {
        const qint64 now = f.start + 60 * minute;
        return transitionTexts(
            e.evaluate(now, composeAlertSeries(e.rule(), storedBy(f.series, now))), f.start);
    };
    QStringList got;
    for (int m = 1; m <= 16; ++m)
        got += at(m);
    QCOMPARE(got, (QStringList{"pending@10", "firing@15"}));
    // A late correction inside the episode already announced changes nothing announced.
    f.series[0].samples[12].value = 50;
    for (int m = 17; m <= 20; ++m)
        got += at(m);
    QCOMPARE(got, (QStringList{"pending@10", "firing@15", "resolved@17"}));
    QCOMPARE(at(20), QStringList());
    // A late value after the last transition is evaluated where it belongs.
    f.series[0].samples[19].value = 97;
    QCOMPARE(at(22), (QStringList{"pending@19", "cancelled@20"}));
    QCOMPARE(at(22), QStringList());
    QCOMPARE(at(23), QStringList());
}

void tst_AlertEvaluator::rateLimit_data()
{
    QTest::addColumn<QByteArray>("limit");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("3 per 10 minutes")
        << QByteArray("{\"count\": 3, \"per\": \"10m\"}")
        << QStringList{"firing@1!", "resolved@2!", "firing@3!", "resolved@4",
                       "firing@5",  "resolved@6",  "firing@7",  "resolved@8"};
    QTest::newRow("1 per 2 minutes")
        << QByteArray("{\"count\": 1, \"per\": \"2m\"}")
        << QStringList{"firing@1!", "resolved@2", "firing@3!", "resolved@4",
                       "firing@5!", "resolved@6", "firing@7!", "resolved@8"};
    QTest::newRow("10 per hour: never reached")
        << QByteArray("{\"count\": 10, \"per\": \"1h\"}")
        << QStringList{"firing@1!", "resolved@2!", "firing@3!", "resolved@4!",
                       "firing@5!", "resolved@6!", "firing@7!", "resolved@8!"};
}

void tst_AlertEvaluator::rateLimit()
{
    QFETCH(QByteArray, limit);
    QFETCH(QStringList, expected);
    const AlertFixture f = loadAlertFixture(QStringLiteral("hover.json"));
    AlertEvaluator e(alertRule(kPtu + "\"clearMargin\": 0, \"rateLimit\": " + limit + "}"),
                     fromStart(f.start));
    const auto got = everyMinute(e, f);
    QCOMPARE(transitionTexts(got, f.start, true), expected);
    for (const auto& t : got) {
        if (!t.notify)
            QVERIFY2(t.suppressed.startsWith(QLatin1String("rate limit")) ||
                         t.suppressed == QLatin1String("its firing was not announced"),
                     qPrintable(t.suppressed));
    }
}

void tst_AlertEvaluator::silence_data()
{
    QTest::addColumn<QString>("ruleId");
    QTest::addColumn<QString>("matcher");
    QTest::addColumn<qint64>("endsAfter"); ///< s after the fixture's start
    QTest::addColumn<QStringList>("expected");
    const QStringList all{"firing@1!", "resolved@2!", "firing@3!", "resolved@4!",
                          "firing@5!", "resolved@6!", "firing@7!", "resolved@8!"};
    QTest::newRow("matching, until 4.5 min")
        << "ptu"
        << "ModelDeploymentName=\"gpt-4o-ptu\"" << qint64(270)
        << QStringList{"firing@1",  "resolved@2",  "firing@3",  "resolved@4",
                       "firing@5!", "resolved@6!", "firing@7!", "resolved@8!"};
    QTest::newRow("any rule, by connection")
        << ""
        << "connection=\"demo-azure\"" << qint64(270)
        << QStringList{"firing@1",  "resolved@2",  "firing@3",  "resolved@4",
                       "firing@5!", "resolved@6!", "firing@7!", "resolved@8!"};
    QTest::newRow("another rule") << "ttft"
                                  << "ModelDeploymentName=\"gpt-4o-ptu\"" << qint64(270) << all;
    QTest::newRow("another deployment")
        << "ptu"
        << "ModelDeploymentName=\"gpt-4o-mini\"" << qint64(270) << all;
    QTest::newRow("ended before") << "ptu"
                                  << "ModelDeploymentName=~\"gpt-.*\"" << qint64(60) << all;
}

void tst_AlertEvaluator::silence()
{
    QFETCH(QString, ruleId);
    QFETCH(QString, matcher);
    QFETCH(qint64, endsAfter);
    QFETCH(QStringList, expected);
    const AlertFixture f = loadAlertFixture(QStringLiteral("hover.json"));
    AlertSilence s;
    s.id = QStringLiteral("maintenance");
    s.ruleId = ruleId;
    QString error;
    s.matchers.append(*parseLabelMatcher(matcher, &error));
    s.startsAt = f.start;
    s.endsAt = f.start + endsAfter;
    AlertEvaluator e(alertRule(kPtu + "\"clearMargin\": 0}"), fromStart(f.start));
    const auto got = everyMinute(e, f, 0, {s});
    QCOMPARE(transitionTexts(got, f.start, true), expected);
    if (!got.isEmpty() && !got.constFirst().notify)
        QVERIFY(got.constFirst().suppressed.startsWith(QLatin1String("silenced (maintenance)")));
}

void tst_AlertEvaluator::acknowledge()
{
    const AlertFixture f = loadAlertFixture(QStringLiteral("ptu-episode.json"));
    AlertEvaluator e(alertRule(kPtu + "\"clearMargin\": 5, \"for\": \"5m\"}"), fromStart(f.start));
    auto evaluateTo = [&](int minute) {
        for (qint64 now = f.start + 60; now <= f.start + 60 * minute; now += 60)
            e.evaluate(now, composeAlertSeries(e.rule(), storedBy(f.series, now)));
    };
    evaluateTo(8);
    QVERIFY(!e.acknowledge(ptuInstance(), QStringLiteral("ana"), f.start + 480)); // pending
    evaluateTo(12);
    const qint64 ackAt = f.start + 12 * 60 + 5;
    QVERIFY(e.acknowledge(ptuInstance(), QStringLiteral("ana"), ackAt));
    QVERIFY(
        !e.acknowledge(QStringLiteral("connection=demo-azure;ModelDeploymentName=gpt-4o-ptu-eu"),
                       QStringLiteral("ana"), ackAt));
    QVERIFY(!e.acknowledge(QStringLiteral("nobody"), QStringLiteral("ana"), ackAt));
    auto stateOf = [](const AlertEvaluator& ev) {
        for (const auto& s : ev.instances()) {
            if (s.instance == ptuInstance())
                return s;
        }
        return AlertInstanceState();
    };
    QCOMPARE(stateOf(e).phase, AlertPhase::Firing);
    QCOMPARE(stateOf(e).firingSince, f.start + 600);
    QVERIFY(stateOf(e).acknowledged);
    QCOMPARE(stateOf(e).acknowledgedBy, QStringLiteral("ana"));
    QCOMPARE(stateOf(e).acknowledgedAt, ackAt);
    // The acknowledgement is state: it survives a restart...
    AlertEvaluator restored(e.rule(), fromStart(f.start));
    QString error;
    QVERIFY2(restored.restoreState(e.stateJson(), &error), qPrintable(error));
    QVERIFY(stateOf(restored).acknowledged);
    // ...and ends with the episode.
    evaluateTo(15);
    QCOMPARE(stateOf(e).phase, AlertPhase::Inactive);
    QVERIFY(!stateOf(e).acknowledged);
}

void tst_AlertEvaluator::restart_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QByteArray>("rule");
    QTest::addColumn<qint64>("delay");
    QTest::addColumn<int>("split"); ///< minutes evaluated before the restart
    const QByteArray pending = kPtu + "\"clearMargin\": 5, \"for\": \"5m\"}";
    const QByteArray limited =
        kPtu + "\"clearMargin\": 0, \"rateLimit\": {\"count\": 3, \"per\": \"10m\"}}";
    for (int split : {3, 7, 11, 13, 16}) {
        QTest::addRow("pending rule, restart after minute %d", split)
            << "ptu-episode.json" << pending << qint64(0) << split;
        QTest::addRow("late data, restart after minute %d", split + 5)
            << "late.json" << pending << qint64(300) << split + 5;
    }
    for (int split : {1, 3, 5, 6, 8})
        QTest::addRow("rate limited, restart after minute %d", split)
            << "hover.json" << limited << qint64(0) << split;
}

void tst_AlertEvaluator::restart()
{
    QFETCH(QString, fixture);
    QFETCH(QByteArray, rule);
    QFETCH(qint64, delay);
    QFETCH(int, split);
    const AlertFixture f = loadAlertFixture(fixture);
    const int n = minutesOf(f) + int(delay / 60) + 1;
    auto step = [&](AlertEvaluator& e, int minute) {
        const qint64 now = f.start + 60 * minute;
        return e.evaluate(now, composeAlertSeries(e.rule(), storedBy(f.series, now, delay)));
    };
    AlertEvaluator continuous(alertRule(rule), fromStart(f.start));
    QVector<AlertTransition> expected;
    for (int m = 1; m <= n; ++m)
        expected += step(continuous, m);
    QVERIFY(!expected.isEmpty());

    QVector<AlertTransition> got;
    AlertEvaluator before(alertRule(rule), fromStart(f.start));
    for (int m = 1; m <= split; ++m)
        got += step(before, m);
    // Through the bytes a store would keep.
    const QByteArray saved = QJsonDocument(before.stateDocument().body).toJson();
    AlertEvaluator after(alertRule(rule), fromStart(f.start));
    QString error;
    QVERIFY2(after.restoreState(QJsonDocument::fromJson(saved).object(), &error),
             qPrintable(error));
    QCOMPARE(after.stateJson(), before.stateJson());
    for (int m = split + 1; m <= n; ++m)
        got += step(after, m);
    QCOMPARE(transitionTexts(got, f.start, true), transitionTexts(expected, f.start, true));
    QVERIFY(got == expected); // every field: times, emission, notify and why not
    QCOMPARE(after.stateJson(), continuous.stateJson());
}

void tst_AlertEvaluator::restoreRefusesForeignState()
{
    AlertEvaluator ptu(alertRule(kPtu + "\"for\": \"5m\"}"));
    AlertEvaluator other(alertRule("{\"id\": \"other\", \"metric\": \"X\", \"threshold\": 1}"));
    const QJsonObject before = other.stateJson();
    QString error;
    QVERIFY(!other.restoreState(ptu.stateJson(), &error));
    QCOMPARE(error, QStringLiteral("alert state of rule \"ptu\" was handed to rule \"other\""));
    QJsonObject future = other.stateJson();
    future.insert(QStringLiteral("version"), 99);
    QVERIFY(!other.restoreState(future, &error));
    QVERIFY2(error.contains(QLatin1String("version 99")), qPrintable(error));
    QCOMPARE(other.stateJson(), before);
}

void tst_AlertEvaluator::inputsHoldBetweenEvaluations()
{
    // A source that stopped answering, evaluated every 5 minutes (an input has no history: only
    // the minute before each evaluation has a value).
    struct Inputs : AlertInputs
    {
        qint64 lastSuccess = 0;
        std::optional<Spend> spend(qint64) const override { return std::nullopt; }
        QVector<Source> sources(qint64) const override
        {
            return {{QStringLiteral("demo-azure"), lastSuccess, 60}};
        }
        QVector<Retirement> retirements(qint64) const override { return {}; }
    } inputs;
    const qint64 t0 = 1788271200; // 2026-09-01T14:00:00Z
    inputs.lastSuccess = t0;
    AlertEvaluator e(alertRule("{\"id\": \"stale\", \"input\": \"pollsMissed\", \"op\": \">\", "
                               "\"threshold\": 3, \"clearMargin\": 0, \"for\": \"10m\"}"),
                     fromStart(t0));
    QStringList got;
    for (qint64 now = t0 + 300; now <= t0 + 1800; now += 300) {
        if (now >= t0 + 1500)
            inputs.lastSuccess = now - 30; // it answers again
        got += transitionTexts(e.evaluate(now, inputSeries(e.rule(), inputs, now)), t0);
    }
    QCOMPARE(got, (QStringList{"pending@4", "firing@14", "resolved@24"}));
}

QTEST_GUILESS_MAIN(tst_AlertEvaluator)
#include "tst_alertevaluator.moc"
