#include "commands.h"
#include "session.h"

#include "core/timerange.h"
#include "core/whenready.h"
#include "sources/collector.h"
#include "store/samplestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <cstdio>

namespace isc::app {

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
            exitCode = failures > 0 ? 2 : 0;
            QCoreApplication::exit(exitCode);
        });
    } else {
        QTimer::singleShot(inv.durationSeconds * 1000, collector, [&] {
            collector->stop();
            exitCode = failures > 0 ? 2 : 0;
            QCoreApplication::exit(exitCode);
        });
    }
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
