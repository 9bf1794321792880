// What-if replay benchmark: 30 days x 10 deployments of per-minute traffic through a policy.
//   replay:   ReplayEngine::replay with a four-rule policy (prompt size, model, time of day,
//             PTU utilization), and with the identity policy
//   baseline: ReplayEngine::actual, one pass summing the recorded figures (the floor)
// Target: 30 days replayed in <= 1 s.
#include "../models/replaytestdata.h"
#include "routing/replayengine.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <functional>

using namespace isc;

namespace {

constexpr int kDays = 30;
constexpr int kRuns = 5;

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double timeMs(const std::function<void()>& f)
{
    QElapsedTimer t;
    t.start();
    f();
    return double(t.nsecsElapsed()) / 1e6;
}

RoutingPolicy benchPolicy()
{
    RoutingPolicy p;
    p.name = QStringLiteral("bench");
    RoutingRule busy;
    busy.when.utilizationTarget = QStringLiteral("east/gpt-4o-ptu");
    busy.when.utilizationAbovePct = 95;
    busy.when.models = QStringList{QStringLiteral("gpt-4o")};
    busy.target = QStringLiteral("west/gpt-4o-ptu");
    RoutingRule small;
    small.when.maxPromptTokens = 1000;
    small.target = QStringLiteral("west/gpt-4o-mini");
    RoutingRule night;
    night.when.fromMinute = 0;
    night.when.toMinute = 6 * 60;
    night.when.tags = QStringList{QStringLiteral("gpt-4o-mini")};
    night.target = QStringLiteral("east/gpt-4o-mini-batch");
    RoutingRule big;
    big.when.minPromptTokens = 2000;
    big.target = QStringLiteral("east/gpt-41-dz");
    p.rules = {busy, small, night, big};
    return p;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QElapsedTimer built;
    built.start();
    // Two accounts of the demo fleet (5 deployments each, different seeds): 10 deployments.
    const int minutes = kDays * 1440;
    TrafficWindow window = test::windowFromModel(emu::TrafficModel(42), QStringLiteral("east"),
                                                 test::kReplayTuesday, minutes);
    const TrafficWindow west = test::windowFromModel(emu::TrafficModel(7), QStringLiteral("west"),
                                                     test::kReplayTuesday, minutes);
    window.deployments += west.deployments;
    window.derive();
    const double buildMs = double(built.elapsed());

    ReplayOptions policy;
    policy.policy = benchPolicy();
    const ReplayOptions identity;
    QVector<double> replayMs, identityMs, actualMs;
    double cost = 0;
    for (int run = 0; run < kRuns; ++run) {
        actualMs << timeMs(
            [&] { cost = ReplayEngine::actual(window, identity.pricing).total.cost.toUnits(); });
        identityMs << timeMs([&] { ReplayEngine::replay(window, identity); });
        replayMs << timeMs([&] { ReplayEngine::replay(window, policy); });
    }
    const ReplaySummary s = ReplayEngine::replay(window, policy);
    const double r = median(replayMs), i = median(identityMs), a = median(actualMs);
    std::printf("bench_replay: %d deployments x %d days of 1-minute traffic (%d minutes), built "
                "in %.0f ms; %d runs\n",
                int(window.deployments.size()), kDays, minutes, buildMs, kRuns);
    std::printf("  replay, 4-rule policy:  median %.1f ms (target <= 1000 ms)\n", r);
    std::printf("  replay, identity:       median %.1f ms\n", i);
    std::printf("  baseline (recorded sums, one pass): median %.1f ms\n", a);
    std::printf("  ratio replay/baseline: %.1fx; recorded cost $%.2f, replayed $%.2f\n", r / a,
                cost, s.total.cost.toUnits());
    return 0;
}
