#include "replaytestdata.h"
#include "routing/replayengine.h"

#include <QFutureWatcher>
#include <QJsonArray>
#include <QSignalSpy>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

Q_DECLARE_METATYPE(isc::RoutingPolicy)

namespace {

const QString kSource = QStringLiteral("demo-azure");

bool close(double a, double b, double rel = 1e-9)
{
    return std::abs(a - b) <= rel * std::max(1.0, std::max(std::abs(a), std::abs(b)));
}

RoutingRule rule(const QString& target, RuleCondition when = {})
{
    return RoutingRule{QString(), when, target};
}

RoutingPolicy policy(const QString& name, QVector<RoutingRule> rules)
{
    RoutingPolicy p;
    p.name = name;
    p.rules = std::move(rules);
    return p;
}

RuleCondition fromDeployment(const QString& name)
{
    RuleCondition c;
    c.tags = QStringList{name};
    return c;
}

/// The demo fleet plus a local llama server that recorded nothing (a target to route to).
TrafficWindow demoWindow(int minutes, qint64 from = test::kReplayTuesday)
{
    TrafficWindow w = test::windowFromModel(emu::TrafficModel(42), kSource, from, minutes);
    DeploymentTraffic& llama = w.addDeployment(QStringLiteral("vllm"), QStringLiteral("llama"));
    llama.connectionKind = QStringLiteral("prometheus");
    llama.routeClass = RouteClass::Local;
    for (double& v : llama.ttftMs)
        v = 120;
    w.derive();
    return w;
}

/// Three minutes of gpt-4o-mini traffic (100, 20 and 50 requests of 500 + 100 tokens) beside a
/// second cloud deployment and a local server that recorded nothing in the window but whose
/// busiest minute over its history processed `peakTokens` tokens.
TrafficWindow capWindow(double peakTokens)
{
    TrafficWindow w;
    w.range = {test::kReplayTuesday, test::kReplayTuesday + 3 * 60};
    const double demand[] = {100, 20, 50};
    DeploymentTraffic& mini = w.addDeployment(kSource, QStringLiteral("mini"));
    mini.model = QStringLiteral("gpt-4o-mini");
    mini.sku = QStringLiteral("GlobalStandard");
    mini.routeClass = RouteClass::PayPerToken;
    for (int m = 0; m < 3; ++m) {
        mini.requests[m] = demand[m];
        mini.promptTokens[m] = demand[m] * 500;
        mini.outputTokens[m] = demand[m] * 100;
    }
    DeploymentTraffic& other = w.addDeployment(kSource, QStringLiteral("other"));
    other.model = QStringLiteral("gpt-4.1");
    other.sku = QStringLiteral("GlobalStandard");
    other.routeClass = RouteClass::PayPerToken;
    DeploymentTraffic& llama = w.addDeployment(QStringLiteral("vllm"), QStringLiteral("llama"));
    llama.connectionKind = QStringLiteral("prometheus");
    llama.routeClass = RouteClass::Local;
    llama.peakTokensPerMinute = peakTokens;
    w.derive();
    return w;
}

const TargetFigures& target(const ReplaySummary& s, const QString& name)
{
    for (const TargetFigures& t : s.targets) {
        if (t.name == name)
            return t;
    }
    static const TargetFigures none;
    return none;
}

} // namespace

class tst_ReplayEngine : public QObject
{
    Q_OBJECT
private:
    TrafficWindow m_window = demoWindow(2 * 1440);

private slots:
    void identityReproducesTheRecord()
    {
        const ReplaySummary actual = ReplayEngine::actual(m_window, ReplayPricing::builtin());
        ReplayOptions opt;
        const ReplaySummary replayed = ReplayEngine::replay(m_window, opt);
        QVERIFY(actual.total.cost.micros > 0);
        // Equal to the micro-dollar, up to one per target from rounding.
        QVERIFY2(std::abs(actual.total.cost.micros - replayed.total.cost.micros) <=
                     m_window.deployments.size(),
                 qPrintable(QStringLiteral("%1 vs %2")
                                .arg(actual.total.cost.micros)
                                .arg(replayed.total.cost.micros)));
        QCOMPARE(actual.targets.size(), replayed.targets.size());
        for (int i = 0; i < actual.targets.size(); ++i) {
            const RouteFigures& a = actual.targets[i].figures;
            const RouteFigures& r = replayed.targets[i].figures;
            const QByteArray name = actual.targets[i].name.toUtf8();
            QVERIFY2(close(a.requests, r.requests), name);
            QVERIFY2(close(a.servedRequests, r.servedRequests), name);
            QVERIFY2(close(a.requests429, r.requests429), name);
            QVERIFY2(close(a.spilloverOut, r.spilloverOut), name);
            QVERIFY2(close(a.spilloverIn, r.spilloverIn), name);
            QVERIFY2(close(a.promptTokens, r.promptTokens), name);
            QVERIFY2(close(a.outputTokens, r.outputTokens), name);
            QVERIFY2(close(a.ttftMs, r.ttftMs), name);
            QVERIFY2(close(a.ttltMs, r.ttltMs), name);
            QCOMPARE(a.minutes429, r.minutes429);
        }
        QVERIFY(target(actual, QStringLiteral("gpt-4o-ptu")).figures.requests429 > 0);
        QVERIFY(target(actual, QStringLiteral("gpt-4o-std")).figures.spilloverIn > 0);
        QVERIFY(close(actual.spilloverRate, replayed.spilloverRate));
        QCOMPARE(replayed.requestsPerRule.size(), 1);
        QVERIFY(close(replayed.requestsPerRule[0], actual.total.requests));
    }

    void conservation_data()
    {
        QTest::addColumn<RoutingPolicy>("policy");
        RuleCondition small;
        small.maxPromptTokens = 1000;
        RuleCondition busy;
        busy.utilizationTarget = QStringLiteral("gpt-4o-ptu");
        busy.utilizationAbovePct = 95;
        busy.models = QStringList{QStringLiteral("gpt-4o")};
        RuleCondition night;
        night.fromMinute = 0;
        night.toMinute = 6 * 60;
        QTest::newRow("identity") << RoutingPolicy::identity();
        QTest::newRow("all to mini") << policy("mini", {rule(QStringLiteral("gpt-4o-mini"))});
        QTest::newRow("std onto ptu") << policy(
            "ptu",
            {rule(QStringLiteral("gpt-4o-ptu"), fromDeployment(QStringLiteral("gpt-4o-std")))});
        QTest::newRow("small prompts local")
            << policy("local", {rule(QStringLiteral("vllm/llama"), small)});
        QTest::newRow("spill early") << policy("spill", {rule(QStringLiteral("gpt-41-dz"), busy)});
        QTest::newRow("nights to batch")
            << policy("night", {rule(QStringLiteral("gpt-4o-mini-batch"), night)});
    }
    void conservation()
    {
        QFETCH(RoutingPolicy, policy);
        ReplayOptions opt;
        opt.policy = policy;
        const ReplaySummary s = ReplayEngine::replay(m_window, opt);
        const ReplaySummary actual = ReplayEngine::actual(m_window, opt.pricing);
        // Tokens in equal tokens routed, and each routed token is served, rejected or failed.
        QVERIFY(s.demandPromptTokens > 0);
        QVERIFY(close(s.demandPromptTokens, actual.demandPromptTokens));
        QVERIFY(close(s.routedPromptTokens, s.demandPromptTokens));
        QVERIFY(close(s.routedOutputTokens, s.demandOutputTokens));
        QVERIFY(close(s.total.promptTokens + s.rejectedPromptTokens + s.failedPromptTokens,
                      s.demandPromptTokens));
        QVERIFY(close(s.total.outputTokens + s.rejectedOutputTokens + s.failedOutputTokens,
                      s.demandOutputTokens));
        // Requests too, and the rules account for every one.
        QVERIFY(close(s.total.requests, actual.total.requests));
        double perRule = 0;
        for (double r : s.requestsPerRule)
            perRule += r;
        QVERIFY(close(perRule, s.total.requests));
        // The per-minute series add up to the totals.
        double perMinute = 0;
        for (const QVector<float>& route : s.requestsPerMinute) {
            QCOMPARE(route.size(), m_window.minutes());
            for (float v : route)
                perMinute += v;
        }
        QVERIFY(close(perMinute, s.total.requests, 1e-5));
        double routeCost = 0;
        for (const RouteFigures& r : s.routes)
            routeCost += r.cost.toUnits();
        QVERIFY(close(routeCost, s.total.cost.toUnits()));
    }

    void movingLoadChangesTheOutcome()
    {
        const ReplaySummary actual = ReplayEngine::actual(m_window, ReplayPricing::builtin());
        ReplayOptions opt;
        // Off the PTU: no 429s there any more, the standard deployment serves (and costs) more.
        opt.policy = policy("off ptu", {rule(QStringLiteral("gpt-4o-std"),
                                             fromDeployment(QStringLiteral("gpt-4o-ptu")))});
        const ReplaySummary off = ReplayEngine::replay(m_window, opt);
        QCOMPARE(target(off, QStringLiteral("gpt-4o-ptu")).figures.requests, 0.0);
        QCOMPARE(target(off, QStringLiteral("gpt-4o-ptu")).figures.requests429, 0.0);
        QCOMPARE(target(off, QStringLiteral("gpt-4o-ptu")).figures.cost,
                 target(actual, QStringLiteral("gpt-4o-ptu")).figures.cost); // reserved anyway
        QVERIFY(target(off, QStringLiteral("gpt-4o-std")).figures.cost >
                target(actual, QStringLiteral("gpt-4o-std")).figures.cost);
        QVERIFY(off.total.cost > actual.total.cost);

        // Onto the PTU: the capacity model projects more 429 minutes than recorded.
        opt.policy = policy("onto ptu", {rule(QStringLiteral("gpt-4o-ptu"),
                                              fromDeployment(QStringLiteral("gpt-4o-std")))});
        const ReplaySummary onto = ReplayEngine::replay(m_window, opt);
        QVERIFY(target(onto, QStringLiteral("gpt-4o-ptu")).figures.minutes429 >
                target(actual, QStringLiteral("gpt-4o-ptu")).figures.minutes429);
        QVERIFY(onto.total.spilloverOut > actual.total.spilloverOut);
    }

    void localRouteAndShares()
    {
        RuleCondition small;
        small.maxPromptTokens = 1000;
        ReplayOptions opt;
        opt.policy = policy("local", {rule(QStringLiteral("llama"), small)});
        const ReplaySummary actual = ReplayEngine::actual(m_window, opt.pricing);
        const ReplaySummary s = ReplayEngine::replay(m_window, opt);
        QCOMPARE(actual.localShare, 0.0);
        // gpt-4o-mini (900-token prompts) and the batch deployment (600) move; the rest stay.
        QVERIFY(s.localShare > 0.5);
        QVERIFY(close(s.localShare + s.cloudShare, 1.0));
        QCOMPARE(s.routes[int(RouteClass::Local)].cost.micros, 0);
        QVERIFY(s.total.cost < actual.total.cost);
        QVERIFY(s.routes[int(RouteClass::Local)].ttftMs > 0);
        QCOMPARE(s.routes[int(RouteClass::Local)].ttftMs, 120.0);
    }

    // A local server serves at most its busiest recorded minute (in tokens); what is over it
    // spills to the next rule that matches, or the fallback, or is not served.
    void localServerCappedAtItsPeak_data()
    {
        QTest::addColumn<double>("peakTokens");
        QTest::addColumn<RoutingPolicy>("policy");
        QTest::addColumn<double>("capped");
        QTest::addColumn<QString>("spilledTo");
        QTest::addColumn<double>("spilled");
        QTest::addColumn<double>("dropped");
        QTest::addColumn<double>("servedLocally");
        RuleCondition mini = fromDeployment(QStringLiteral("mini"));
        RuleCondition miniModel;
        miniModel.models = QStringList{QStringLiteral("gpt-4o-mini")};
        RuleCondition g41;
        g41.models = QStringList{QStringLiteral("gpt-4.1")};
        const QString llama = QStringLiteral("vllm/llama");
        const QString other = QStringLiteral("other");
        // 30 requests of 600 tokens a minute: minutes of 100, 20 and 50 lose 70, 0 and 20.
        QTest::newRow("over the peak: next rule")
            << 18000.0 << policy("next", {rule(llama, mini), rule(other, miniModel)}) << 90.0
            << other << 90.0 << 0.0 << 80.0;
        QTest::newRow("next rule skipped when it does not match: fallback")
            << 18000.0 << policy("fallback", {rule(llama, mini), rule(other, g41)}) << 90.0
            << QStringLiteral("mini") << 90.0 << 0.0 << 80.0;
        QTest::newRow("a later rule to the same server is no way out")
            << 18000.0 << policy("same", {rule(llama, mini), rule(llama), rule(other)}) << 90.0
            << other << 90.0 << 0.0 << 80.0;
        RoutingPolicy onlyLocal = policy("only local", {rule(llama, mini)});
        onlyLocal.fallbackTarget = llama;
        QTest::newRow("nothing after it: not served")
            << 18000.0 << onlyLocal << 90.0 << QString() << 0.0 << 90.0 << 80.0;
        RoutingPolicy viaFallback = policy("via fallback", {});
        viaFallback.fallbackTarget = llama;
        QTest::newRow("sent by the fallback: not served")
            << 18000.0 << viaFallback << 90.0 << QString() << 0.0 << 90.0 << 80.0;
        QTest::newRow("under the peak: no spill")
            << 60000.0 << policy("next", {rule(llama, mini), rule(other, miniModel)}) << 0.0
            << QString() << 0.0 << 0.0 << 170.0;
        QTest::newRow("no recorded peak: not capped")
            << 0.0 << policy("next", {rule(llama, mini), rule(other, miniModel)}) << 0.0
            << QString() << 0.0 << 0.0 << 170.0;
    }
    void localServerCappedAtItsPeak()
    {
        QFETCH(double, peakTokens);
        QFETCH(RoutingPolicy, policy);
        QFETCH(double, capped);
        QFETCH(QString, spilledTo);
        QFETCH(double, spilled);
        QFETCH(double, dropped);
        QFETCH(double, servedLocally);
        const TrafficWindow w = capWindow(peakTokens);
        ReplayOptions opt;
        opt.policy = policy;
        const ReplaySummary s = ReplayEngine::replay(w, opt);
        const RouteFigures& local = target(s, QStringLiteral("llama")).figures;
        QVERIFY(close(local.requests, 170));
        QVERIFY2(close(local.capped, capped), qPrintable(QString::number(local.capped)));
        QVERIFY(close(local.servedRequests, servedLocally));
        QVERIFY(close(local.spilloverOut, spilled));
        QCOMPARE(local.requests429, 0.0); // capped before it is sent: no 429 from the server
        if (!spilledTo.isEmpty())
            QVERIFY(close(target(s, spilledTo).figures.spilloverIn, spilled));
        // Every request and token is served, spilled and served, or counted as not served.
        QVERIFY(close(s.total.servedRequests + dropped, 170));
        QVERIFY(close(s.total.promptTokens + s.rejectedPromptTokens, 170 * 500));
        QVERIFY(close(s.total.outputTokens + s.rejectedOutputTokens, 170 * 100));
        QVERIFY(close(s.total.capped, capped));

        // Said in words, per local server that had traffic.
        QCOMPARE(s.localCaps.size(), 1);
        const LocalCap& cap = s.localCaps.first();
        QCOMPARE(cap.key, QStringLiteral("vllm/llama"));
        QVERIFY(close(cap.cappedRequests, capped));
        QVERIFY(close(cap.droppedRequests, dropped));
        QCOMPARE(cap.minutesCapped, capped > 0 ? 2.0 : 0.0);
        const QString words = cap.describe();
        if (peakTokens <= 0) {
            QVERIFY2(words.contains(QLatin1String("not capped")), qPrintable(words));
        } else {
            QVERIFY2(words.startsWith(QStringLiteral("llama capped at %L1 tokens/min (its busiest "
                                                     "recorded minute)")
                                          .arg(peakTokens, 0, 'f', 0)),
                     qPrintable(words));
        }
        if (spilled > 0) {
            QCOMPARE(cap.spilledTo.size(), 1);
            QCOMPARE(cap.spilledTo.first().key, spilledTo == QLatin1String("mini")
                                                    ? QStringLiteral("demo-azure/mini")
                                                    : QStringLiteral("demo-azure/other"));
            QVERIFY2(words.contains(QStringLiteral("90 requests spilled to %1").arg(spilledTo)),
                     qPrintable(words));
        }
        if (dropped > 0)
            QVERIFY2(words.contains(QLatin1String("90 requests not served")), qPrintable(words));
        QCOMPARE(s.toJson().value(QLatin1String("localCaps")).toArray().size(), 1);
    }

    // The server's own traffic has nowhere else to go: the rerouted requests give way first.
    void localServerKeepsItsOwnTraffic()
    {
        TrafficWindow w = capWindow(18000);
        DeploymentTraffic& llama = w.deployments[w.indexOf(QStringLiteral("vllm/llama"))];
        for (int m = 0; m < 3; ++m) {
            llama.requests[m] = 10;
            llama.promptTokens[m] = 10 * 300;
            llama.outputTokens[m] = 10 * 300;
        }
        w.derive();
        RuleCondition miniModel;
        miniModel.models = QStringList{QStringLiteral("gpt-4o-mini")};
        ReplayOptions opt;
        opt.policy = policy(
            "next", {rule(QStringLiteral("vllm/llama"), fromDeployment(QStringLiteral("mini"))),
                     rule(QStringLiteral("other"), miniModel)});
        const ReplaySummary s = ReplayEngine::replay(w, opt);
        // 18,000 tokens a minute, 6,000 its own: 20 of the mini's 600-token requests fit.
        const RouteFigures& local = target(s, QStringLiteral("llama")).figures;
        QVERIFY2(close(local.capped, 80 + 0 + 30), qPrintable(QString::number(local.capped)));
        QVERIFY(close(target(s, QStringLiteral("other")).figures.spilloverIn, 110));
        QVERIFY(close(local.servedRequests, 30 + 170 - 110));
        QVERIFY(close(local.promptTokens, 30 * 300 + 60 * 500));
        QCOMPARE(s.localCaps.value(0).droppedRequests, 0.0);
        QVERIFY(close(s.total.promptTokens + s.rejectedPromptTokens, 170 * 500 + 30 * 300));
        // Charted where they were served: the local route got what fits.
        const auto& local0 = s.requestsPerMinute[int(RouteClass::Local)];
        QVERIFY(close(local0[0], 30, 1e-6));
        QVERIFY(close(local0[1], 30, 1e-6));
        QVERIFY(close(local0[2], 30, 1e-6));
    }

    // The identity replays what a local server recorded, however busy it was.
    void localServerUnchangedIsNotCapped()
    {
        TrafficWindow w = capWindow(1000);
        DeploymentTraffic& llama = w.deployments[w.indexOf(QStringLiteral("vllm/llama"))];
        for (int m = 0; m < 3; ++m) {
            llama.requests[m] = 40;
            llama.promptTokens[m] = 40 * 300;
            llama.outputTokens[m] = 40 * 200;
        }
        w.derive();
        QCOMPARE(llama.peakTokensPerMinute, 20000.0); // the window's own busiest minute
        const ReplaySummary s = ReplayEngine::replay(w, ReplayOptions{});
        QCOMPARE(target(s, QStringLiteral("llama")).figures.capped, 0.0);
        QVERIFY(close(target(s, QStringLiteral("llama")).figures.servedRequests, 120));
    }

    void promptSizeDistribution()
    {
        // Half the mini's prompts are a fifth of the mean, half 1.8x: only the small half moves.
        TrafficWindow w = m_window;
        const int mini = w.indexOf(QStringLiteral("gpt-4o-mini"));
        w.deployments[mini].promptSizes = {{0.5, 0.2}, {0.5, 1.8}};
        RuleCondition small;
        small.maxPromptTokens = 800;
        small.models = QStringList{QStringLiteral("gpt-4o-mini")};
        ReplayOptions opt;
        opt.policy = policy("small", {rule(QStringLiteral("llama"), small)});
        opt.policy.rules[0].when.tags = QStringList{QStringLiteral("gpt-4o-mini")};
        const ReplaySummary s = ReplayEngine::replay(w, opt);
        const double miniRequests =
            ReplayEngine::actual(w, opt.pricing).targets[mini].figures.requests;
        QVERIFY(close(target(s, QStringLiteral("llama")).figures.requests, miniRequests / 2));
        QVERIFY(close(s.routedPromptTokens, s.demandPromptTokens));
        // The small half carries 10 % of the mini's prompt tokens.
        const double llamaPrompt = target(s, QStringLiteral("llama")).figures.promptTokens;
        const double miniPrompt =
            ReplayEngine::actual(w, opt.pricing).targets[mini].figures.promptTokens;
        QVERIFY2(std::abs(llamaPrompt / miniPrompt - 0.1) < 0.01,
                 qPrintable(QString::number(llamaPrompt / miniPrompt)));
    }

    // Cost avoided's default baseline: each request on its own model at pay-per-token list
    // prices (the PTU's gpt-4o at gpt-4o's, the batch deployment at the full rate), by hand.
    void baselineIsEachRequestOnItsOwnModel()
    {
        const ReplaySummary actual = ReplayEngine::actual(m_window, test::listPricing());
        double expected = 0, local = 0;
        for (const DeploymentTraffic& d : m_window.deployments) {
            double requests = 0, prompt = 0, output = 0;
            for (int m = 0; m < d.requests.size(); ++m) {
                requests += d.requests[m];
                prompt += d.requests[m] * d.promptPerRequest[m];
                output += d.requests[m] * d.outputPerRequest[m];
            }
            if (d.routeClass == RouteClass::Local) {
                local += requests; // no pay-per-token price: left out
                continue;
            }
            const bool mini = d.model.startsWith(QLatin1String("gpt-4o-mini"));
            const bool g41 = d.model.startsWith(QLatin1String("gpt-4.1"));
            QVERIFY2(mini || g41 || d.model.startsWith(QLatin1String("gpt-4o")),
                     qPrintable(d.model));
            const double in = mini ? 0.15 : g41 ? 2.00 : 2.50;
            const double out = mini ? 0.60 : g41 ? 8.00 : 10.00;
            expected += (prompt * in + output * out) / 1e6;
        }
        QVERIFY(close(actual.baselineCost.toUnits(), expected, 1e-6));
        QCOMPARE(actual.baselineName, QStringLiteral("own models, pay-per-token"));
        QVERIFY2(actual.baseline.startsWith(QLatin1String("Each request on its own model")),
                 qPrintable(actual.baseline));
        QVERIFY(close(actual.baselineUnpricedRequests, local, 1e-6));
        QCOMPARE(actual.costAvoided(), actual.baselineCost - actual.total.cost);
        // The replay compares with the same baseline: the demand does not move.
        ReplayOptions opt;
        opt.pricing = test::listPricing();
        const ReplaySummary replayed = ReplayEngine::replay(m_window, opt);
        QCOMPARE(replayed.baselineCost, actual.baselineCost);
        QVERIFY(!actual.pricingNote.isEmpty());
        const QJsonObject json = actual.toJson();
        QVERIFY(json.contains(QLatin1String("costAvoidedUsd")));
        QVERIFY(
            json.value(QLatin1String("routes")).toObject().contains(QLatin1String("provisioned")));
    }

    // A local model has no pay-per-token price: its requests are left out, and counted.
    void baselineLeavesLocalModelsOut()
    {
        TrafficWindow w = m_window;
        DeploymentTraffic& local =
            w.addDeployment(QStringLiteral("demo-vllm"), QStringLiteral("llama"));
        local.model = QStringLiteral("meta-llama/Llama-3.1-8B-Instruct");
        local.connectionKind = QStringLiteral("prometheus");
        local.routeClass = RouteClass::Local;
        for (int m = 0; m < local.requests.size(); ++m) {
            local.requests[m] = 10;
            local.promptTokens[m] = 10 * 500;
            local.outputTokens[m] = 10 * 100;
        }
        w.derive();
        const ReplaySummary withLocal = ReplayEngine::actual(w, test::listPricing());
        const ReplaySummary without = ReplayEngine::actual(m_window, test::listPricing());
        QCOMPARE(withLocal.baselineCost, without.baselineCost);
        QVERIFY(close(withLocal.baselineUnpricedRequests,
                      without.baselineUnpricedRequests + 10.0 * local.requests.size(), 1e-6));
        QVERIFY2(withLocal.baseline.contains(QLatin1String("are left out")),
                 qPrintable(withLocal.baseline));
    }

    // Chosen by the user: all the demand on one pay-per-token deployment.
    void baselineOnAChosenDeployment()
    {
        ReplayPricing pricing = test::listPricing();
        pricing.baselineTarget = QStringLiteral("demo-azure/gpt-4o-std");
        const ReplaySummary actual = ReplayEngine::actual(m_window, pricing);
        QVERIFY2(
            actual.baseline.contains(QLatin1String("gpt-4o (deployment demo-azure/gpt-4o-std)")),
            qPrintable(actual.baseline));
        QCOMPARE(actual.baselineName, QStringLiteral("everything on gpt-4o"));
        const double expected =
            (actual.demandPromptTokens * 2.5 + actual.demandOutputTokens * 10.0) / 1e6;
        QVERIFY(close(actual.baselineCost.toUnits(), expected, 1e-6));
        pricing.baselineTarget = QStringLiteral("demo-azure/no-such-deployment");
        QVERIFY(ReplayEngine::actual(m_window, pricing).baseline.isEmpty());
    }

    void cancelViaProgress()
    {
        int calls = 0;
        const ReplaySummary s = ReplayEngine::replay(m_window, ReplayOptions{}, [&](int permille) {
            ++calls;
            return permille < 400;
        });
        QVERIFY(s.cancelled);
        QCOMPARE(calls, 2); // at 0 and 500 permille of a two-day window
    }

    void runsOnTheThreadPool()
    {
        auto window = std::make_shared<const TrafficWindow>(m_window);
        QFutureWatcher<ReplayResult> watcher;
        QSignalSpy finished(&watcher, &QFutureWatcher<ReplayResult>::finished);
        QSignalSpy progress(&watcher, &QFutureWatcher<ReplayResult>::progressValueChanged);
        watcher.setFuture(ReplayEngine::start(window, ReplayOptions{}));
        QVERIFY(finished.wait(30000));
        QVERIFY(!watcher.isCanceled());
        QCOMPARE(watcher.future().resultCount(), 1);
        const ReplayResult r = watcher.result();
        QVERIFY(std::abs(r.actual.total.cost.micros - r.replayed.total.cost.micros) <= 10);
        QCOMPARE(watcher.progressMaximum(), 1000);
        QCOMPARE(watcher.progressValue(), 1000);
    }

    void cancelOnTheThreadPool()
    {
        auto window = std::make_shared<const TrafficWindow>(demoWindow(20 * 1440));
        QFutureWatcher<ReplayResult> watcher;
        QSignalSpy finished(&watcher, &QFutureWatcher<ReplayResult>::finished);
        // Cancel at the first progress report: the replay stops at its next day boundary.
        connect(&watcher, &QFutureWatcher<ReplayResult>::progressValueChanged, &watcher,
                [&watcher](int) { watcher.cancel(); });
        watcher.setFuture(ReplayEngine::start(window, ReplayOptions{}));
        QVERIFY(finished.wait(30000));
        QVERIFY(watcher.isCanceled());
        QCOMPARE(watcher.future().resultCount(), 0);
    }
};

QTEST_MAIN(tst_ReplayEngine)
#include "tst_replayengine.moc"
