#include "collectalerts.h"
#include "commands.h"
#include "session.h"
#include "stopsignals.h"

#include "core/timerange.h"
#include "core/whenready.h"
#include "cost/costengine.h"
#include "cost/ptucost.h"
#include "exposition/collectormetrics.h"
#include "exposition/metricsserver.h"
#include "sources/collector.h"
#include "store/samplestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTimer>
#include <cstdio>

namespace isc::app {
namespace {

// Everything the collector reports reaches the exposition; the server is the connections'
// context, so none fires into metrics that are gone.
void feed(Collector* collector, CollectorMetrics* metrics, MetricsServer* server)
{
    for (const SourceHealth& h : collector->health())
        metrics->recordHealth(h);
    QObject::connect(collector, &Collector::batchStored, server,
                     [metrics](const PollBatch& b) { metrics->recordStored(b.source, b.series); });
    QObject::connect(collector, &Collector::inventoryStored, server,
                     [metrics](const QString& source, const Deployments& deployments) {
                         metrics->recordInventory(source, deployments, nowUtc());
                     });
    QObject::connect(collector, &Collector::sourceFailed, server,
                     [metrics](const GapMarker& gap) { metrics->recordFailure(gap.source); });
    QObject::connect(collector, &Collector::storeWriteFailed, server,
                     [metrics](const QString& source) { metrics->recordStoreFailure(source); });
    QObject::connect(collector, &Collector::healthChanged, server,
                     [metrics](const SourceHealth& h) { metrics->recordHealth(h); });
    QObject::connect(collector, &Collector::pollCycleFinished, server,
                     [metrics] { metrics->recordPollCycle(); });
}

// The Cost page's prices: the catalog with the workspace's overrides, PTUs at its basis.
CostAccrual pricingFor(const Workspace& workspace)
{
    PriceCatalog catalog = PriceCatalog::builtin();
    QString warning;
    if (!workspace.priceOverrides.isEmpty() &&
        !catalog.applyOverrides(QJsonDocument(workspace.priceOverrides).toJson(), &warning))
        std::fprintf(stderr, "inferscope: the workspace's price overrides were ignored: %s\n",
                     qPrintable(warning));
    QString billingWarning;
    const PtuBilling billing = ptuBillingOf(workspace.budget, &billingWarning);
    if (!billingWarning.isEmpty())
        std::fprintf(stderr, "inferscope: %s\n", qPrintable(billingWarning));
    return CostAccrual(CostEngine(catalog), billing, workspace.demo);
}

// "http://127.0.0.1:9464", or the named address ("http://0.0.0.0:9464"), with the bound port.
QString servedUrl(const ListenAddress& where, int port)
{
    const QString host = where.address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + where.address.toString() + QLatin1Char(']')
                             : where.address.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(port);
}

} // namespace

int runCollect(const Invocation& inv)
{
    Session session;
    QString error;
    Session::Options options = Session::optionsFor(inv);
    // No first paint to leave alone: the check starts at once, and nothing is written before it
    // passed (a damaged file written into only gets worse).
    options.integrityCheckDelayMs = 0;
    if (!session.open(options, &error)) {
        printError(error);
        return 1;
    }
    if (!session.openReport().message.isEmpty())
        std::fprintf(stderr, "inferscope: %s\n", qPrintable(session.openReport().message));
    if (session.isDemo())
        std::fprintf(stderr,
                     "inferscope: collecting DEMO data from the built-in emulator (seed %llu)\n",
                     static_cast<unsigned long long>(inv.seed));

    Collector* collector = session.collector();
    // Declared in this order so the server (the feed's context) goes before the metrics.
    std::unique_ptr<CollectorMetrics> metrics;
    std::unique_ptr<MetricsServer> server;
    if (!inv.listen.isEmpty()) {
        QString why;
        const auto where = MetricsServer::parseListenAddress(inv.listen, &why);
        if (!where) { // the command line checked it already
            printError(why);
            return 1;
        }
        metrics = std::make_unique<CollectorMetrics>(nowUtc());
        metrics->setPricing(pricingFor(session.workspace()));
        for (const Connection& c : session.workspace().connections)
            metrics->addConnection(c.id, c.kind, c.pollIntervalSeconds);
        server = std::make_unique<MetricsServer>(metrics.get());
        if (!server->listen(*where, &why)) {
            printError(why);
            return 1;
        }
        feed(collector, metrics.get(), server.get());
        const QString url = servedUrl(*where, server->url().port());
        std::fprintf(stderr,
                     "inferscope: serving Prometheus metrics at %s/metrics, health at %s/healthz\n",
                     qPrintable(url), qPrintable(url));
        if (where->exposed())
            std::fprintf(stderr,
                         "inferscope: %s is reachable from other machines, without "
                         "authentication: anyone who reaches it reads the metrics\n",
                         qPrintable(url));
    }
    // Evaluated after each poll (Session); logged, delivered and served from here.
    CollectAlerts alerts(session.alerts(), session.workspace(), server.get());
    int failures = 0;
    QElapsedTimer progressClock;
    progressClock.start();
    QObject::connect(collector, &Collector::backfillProgress, collector, [&](int done, int total) {
        // One line a second at most: backfills run thousands of chunks on slow links.
        if (done == total || progressClock.elapsed() >= 1000) {
            std::fprintf(stderr, "backfill: %d/%d chunks\n", done, total);
            progressClock.restart();
        }
    });
    // One line per distinct failure a round: a source's health repeats its error on every
    // change, and a backfill's chunks fail alike.
    QObject::connect(collector, &Collector::failureReported, collector,
                     [&](const QString& source, const QString& message) {
                         ++failures;
                         std::fprintf(stderr, "inferscope: %s: %s\n", qPrintable(source),
                                      qPrintable(message));
                     });

    // A shared database has one writer per source: say who, and when this one takes over.
    QObject::connect(collector, &Collector::writerChanged, collector,
                     [](const QString& source, const QString& holder, bool standby) {
                         if (standby)
                             std::fprintf(stderr, "inferscope: %s: standing by, collected by %s\n",
                                          qPrintable(source),
                                          qPrintable(holder.isEmpty() ? QStringLiteral("another "
                                                                                       "collector")
                                                                      : holder));
                         else
                             std::fprintf(stderr, "inferscope: %s: taking over as its collector\n",
                                          qPrintable(source));
                     });

    int exitCode = 0;
    bool damaged = false;
    const auto stopOnDamage = [&](const QString& banner) {
        if (damaged)
            return;
        damaged = true;
        // The window's banner, word for word.
        std::fprintf(stderr, "inferscope: %s\n", qPrintable(banner));
        collector->stop();
        QCoreApplication::exit(1);
    };
    // Damage a later read or write runs into.
    SampleStore* store = session.store();
    QObject::connect(store, &SampleStore::integrityProblem, collector, stopOnDamage);

    if (inv.once) {
        // Backfill (if any), then exactly one poll of every source, then quit.
        QObject::connect(collector, &Collector::backfillFinished, collector,
                         [collector] { collector->pollNow(); });
        QObject::connect(collector, &Collector::pollCycleFinished, collector, [&] {
            collector->stop();
            alerts.finish([&] {
                exitCode = failures > 0 ? 2 : 0;
                QCoreApplication::exit(exitCode);
            });
        });
    } else if (inv.durationSeconds > 0) {
        QTimer::singleShot(inv.durationSeconds * 1000, collector, [&] {
            collector->stop();
            alerts.finish([&] {
                exitCode = failures > 0 ? 2 : 0;
                QCoreApplication::exit(exitCode);
            });
        });
    }
    // Neither: polls until stopped (the systemd user unit). SIGTERM and Ctrl+C are a clean stop
    // in every mode: the poll in flight lands whole or not at all, the last poll's alerts are
    // evaluated and their webhooks sent, then the database is closed.
    StopSignals stopSignals;
    bool stopping = false;
    QObject::connect(&stopSignals, &StopSignals::stopRequested, collector,
                     [&](const QString& name) {
                         if (stopping)
                             return;
                         stopping = true;
                         std::fprintf(stderr, "inferscope: %s: stopping (again to stop at once)\n",
                                      qPrintable(name));
                         collector->stop();
                         alerts.finish([&] {
                             exitCode = failures > 0 ? 2 : 0;
                             QCoreApplication::exit(exitCode);
                         });
                     });
    bool checked = false;
    bool started = false;
    QTimer::singleShot(2000, collector, [&] {
        if (!checked)
            std::fprintf(stderr, "inferscope: checking the history database before writing to it "
                                 "(PRAGMA quick_check)...\n");
    });
    whenReady(collector, store->integrityCheck(), [&](const IntegrityReport& report) {
        checked = true;
        if (!report.ok) {
            stopOnDamage(report.message);
            return;
        }
        if (!report.message.isEmpty())
            std::fprintf(stderr, "inferscope: %s\n", qPrintable(report.message));
        started = true;
        collector->start(inv.backfillSeconds);
    });
    exitCode = QCoreApplication::exec();
    if (damaged)
        printError(QStringLiteral("nothing %1 written into the damaged history database; the "
                                  "next start moves it aside and begins a new one")
                       .arg(started ? QStringLiteral("more was") : QStringLiteral("was")));
    if (exitCode == 2)
        printError(QStringLiteral("%1 failure(s) above: each failed metric or window is recorded "
                                  "as a gap; everything else was stored")
                       .arg(failures));
    return exitCode;
}

} // namespace isc::app
