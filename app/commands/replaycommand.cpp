#include "commands/replaycommand.h"

#include "commands.h"
#include "core/timerange.h"
#include "core/workspace.h"
#include "cost/costengine.h"
#include "databasepassword.h"
#include "net/secretstore.h"
#include "routing/policyvalidator.h"
#include "routing/replayengine.h"
#include "store/samplestore.h"
#include "store/storebackend.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>

namespace isc::app {

namespace {

QString money(const Money& m)
{
    return m.format(2);
}

QString count(double v)
{
    return QString::number(v, 'f', 0);
}

QString percent(double share)
{
    return QStringLiteral("%1 %").arg(100.0 * share, 0, 'f', 1);
}

QString ms(double v)
{
    return v > 0 ? QStringLiteral("%1 ms").arg(v, 0, 'f', 0) : QStringLiteral("-");
}

QByteArray textReport(const TrafficWindow& w, const ReplaySummary& a, const ReplaySummary& r)
{
    QString out;
    auto line = [&out](const QString& label, const QString& actual, const QString& replayed) {
        out += QStringLiteral("  %1 %2 %3\n").arg(label, -26).arg(actual, 16).arg(replayed, 16);
    };
    out += QStringLiteral("Replay of \"%1\" over %2 .. %3 (%4 minutes, %5 deployments)\n")
               .arg(r.policyName.isEmpty() ? QStringLiteral("(unnamed policy)") : r.policyName,
                    formatIsoUtc(w.range.from), formatIsoUtc(w.range.to))
               .arg(w.minutes())
               .arg(w.deployments.size());
    out += QStringLiteral("Prices: %1\n\n").arg(r.pricingNote);
    line(QString(), QStringLiteral("actual"), QStringLiteral("replayed"));
    line(QStringLiteral("Cost"), money(a.total.cost), money(r.total.cost));
    line(QStringLiteral("Cost per 1k requests"),
         Money::fromUnits(a.total.costPer1kRequests()).format(4),
         Money::fromUnits(r.total.costPer1kRequests()).format(4));
    line(QStringLiteral("Requests"), count(a.total.requests), count(r.total.requests));
    line(QStringLiteral("429s"), count(a.total.requests429), count(r.total.requests429));
    line(QStringLiteral("Spillover rate"), percent(a.spilloverRate), percent(r.spilloverRate));
    line(QStringLiteral("Local share"), percent(a.localShare), percent(r.localShare));
    line(QStringLiteral("TTFT"), ms(a.total.ttftMs), ms(r.total.ttftMs));
    line(QStringLiteral("TTLT"), ms(a.total.ttltMs), ms(r.total.ttltMs));
    if (!a.baseline.isEmpty()) {
        line(QStringLiteral("Cost avoided vs baseline"), money(a.costAvoided()),
             money(r.costAvoided()));
        out += QStringLiteral("  Baseline: %1 (%2)\n").arg(a.baseline, money(a.baselineCost));
    }
    out += QStringLiteral("\nPer route (actual -> replayed):\n");
    for (int c = 0; c < kRouteClassCount; ++c) {
        const RouteFigures &ra = a.routes[c], &rr = r.routes[c];
        if (ra.requests == 0 && rr.requests == 0 && ra.cost.micros == 0 && rr.cost.micros == 0)
            continue;
        out += QStringLiteral("  %1 requests %2 -> %3, cost %4 -> %5, 429s %6 -> %7, "
                              "TTFT %8 -> %9\n")
                   .arg(routeClassName(static_cast<RouteClass>(c)), -15)
                   .arg(count(ra.requests), count(rr.requests), money(ra.cost), money(rr.cost),
                        count(ra.requests429), count(rr.requests429), ms(ra.ttftMs), ms(rr.ttftMs));
    }
    if (!r.localCaps.isEmpty()) {
        out += QStringLiteral("\nLocal servers (capped at their busiest recorded minute):\n");
        for (const LocalCap& c : r.localCaps)
            out += QStringLiteral("  %1.\n").arg(c.describe());
    }
    if (!r.requestsPerRule.isEmpty()) {
        out += QStringLiteral("\nRequests per rule:\n");
        for (int i = 0; i < r.requestsPerRule.size(); ++i)
            out += QStringLiteral("  %1 %2\n")
                       .arg(i + 1 < r.requestsPerRule.size() ? QStringLiteral("rule %1").arg(i + 1)
                                                             : QStringLiteral("fallback"),
                            -10)
                       .arg(count(r.requestsPerRule[i]));
    }
    return out.toUtf8();
}

} // namespace

int replayReport(const Invocation& inv, QByteArray* out, QStringList* warnings, QString* error)
{
    if (!isDatabaseAddress(inv.dbPath) && !QFileInfo::exists(inv.dbPath)) {
        *error =
            QStringLiteral("no database at %1 (run `inferscope collect` first)").arg(inv.dbPath);
        return 1;
    }
    const auto policy = RoutingPolicy::load(inv.policyPath, error);
    if (!policy)
        return 1;
    QVector<Connection> connections;
    QJsonArray priceOverrides;
    QJsonObject costSettings; // the workspace's budget object: its PTU pricing basis
    if (!inv.workspacePath.isEmpty()) {
        const auto ws = Workspace::load(inv.workspacePath, error);
        if (!ws)
            return 1;
        connections = ws->connections;
        priceOverrides = ws->priceOverrides;
        costSettings = ws->budget;
    }

    SampleStore store;
    const OpenReport report =
        store.open(inv.dbPath, DatabasePassword::settingsFor(inv.dbPath, SecretStore::shared()))
            .result();
    if (!report.usable()) {
        *error = report.message;
        return 1;
    }
    if (!report.message.isEmpty())
        warnings->append(report.message);

    TimeRange range{inv.from, inv.to};
    if (inv.from <= 0) {
        // --last counts back from the newest stored minute, so an old database replays too.
        QStringList sources;
        for (const Deployment& d : store.deployments().result())
            sources << d.source;
        for (const Connection& c : connections)
            sources << c.id;
        qint64 newest = 0;
        for (const QString& s : sources)
            newest = qMax(newest, store.extent(s).result().newest);
        if (newest <= 0) {
            *error = QStringLiteral("the database %1 holds no traffic to replay (run `inferscope "
                                    "collect` first)")
                         .arg(displayAddress(inv.dbPath));
            return 3;
        }
        const qint64 end = floorTo(newest, 60) + 60;
        range = {end - inv.last, end};
    }
    TrafficWindow window;
    if (!TrafficWindow::load(store, range, connections, &window, error))
        return 1;
    if (window.deployments.isEmpty()) {
        *error = QStringLiteral("no deployments with traffic in %1 .. %2")
                     .arg(formatIsoUtc(range.from), formatIsoUtc(range.to));
        return 3;
    }

    const QVector<PolicyIssue> issues = PolicyValidator(window.targetNames()).validate(*policy);
    QStringList fatal;
    for (const PolicyIssue& i : issues) {
        if (i.kind == PolicyIssue::Kind::UnknownTarget || i.kind == PolicyIssue::Kind::NoFallback)
            fatal << i.message;
        else
            warnings->append(i.message);
    }
    if (!fatal.isEmpty()) {
        *error = QStringLiteral("the policy %1 cannot be replayed: %2")
                     .arg(inv.policyPath, fatal.join(QLatin1Char(' ')));
        return 2;
    }

    // Priced like the Cost page: the catalog with the workspace's overrides, PTUs on the
    // workspace's basis (a monthly reservation unless it says otherwise).
    QString pricingWarning;
    const PriceCatalog catalog = catalogWithOverrides(priceOverrides, &pricingWarning);
    if (!pricingWarning.isEmpty())
        warnings->append(pricingWarning);
    ReplayOptions options;
    options.policy = *policy;
    const PtuBilling billing = ptuBillingOf(costSettings, &pricingWarning);
    if (!pricingWarning.isEmpty() && !warnings->contains(pricingWarning))
        warnings->append(pricingWarning);
    options.pricing = ReplayPricing::fromCatalog(CostEngine(catalog), billing);
    options.sizing = [catalog](const QString& model, const QString& version, const QString& sku) {
        return catalogSizing(catalog, model, version, sku);
    };
    const ReplaySummary actual = ReplayEngine::actual(window, options.pricing);
    const ReplaySummary replayed = ReplayEngine::replay(window, options);
    if (inv.format == QLatin1String("json")) {
        QJsonArray issuesJson;
        for (const PolicyIssue& i : issues)
            issuesJson.append(i.message);
        const QJsonObject doc{{QStringLiteral("policy"), policy->name},
                              {QStringLiteral("from"), formatIsoUtc(window.range.from)},
                              {QStringLiteral("to"), formatIsoUtc(window.range.to)},
                              {QStringLiteral("minutes"), window.minutes()},
                              {QStringLiteral("deployments"), int(window.deployments.size())},
                              {QStringLiteral("issues"), issuesJson},
                              {QStringLiteral("actual"), actual.toJson()},
                              {QStringLiteral("replayed"), replayed.toJson()}};
        *out = QJsonDocument(doc).toJson(QJsonDocument::Indented);
    } else {
        *out = textReport(window, actual, replayed);
    }
    return 0;
}

int runReplay(const Invocation& inv)
{
    QByteArray out;
    QStringList warnings;
    QString error;
    const int code = replayReport(inv, &out, &warnings, &error);
    for (const QString& w : warnings)
        printError(w);
    if (code != 0) {
        printError(error);
        return code;
    }
    std::fwrite(out.constData(), 1, static_cast<size_t>(out.size()), stdout);
    return 0;
}

} // namespace isc::app
