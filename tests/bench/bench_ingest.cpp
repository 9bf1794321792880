// Bulk ingest: SampleStore::write() against the raw sqlite3 C API inserting the same rows into
// the same schema (one prepared statement, one transaction per batch). Prints medians and ratios.
// Both timings end once everything is checkpointed into the database file (the store copies the
// WAL on a background thread; timing only the writes would leave that work out).
#include "core/labels.h"
#include "store/samplestore.h"
#include "store/sqlite/storedatabase.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sqlite3.h>

using namespace isc;

namespace {

constexpr int kBatches = 20;
constexpr int kSeries = 50;
constexpr int kMinutesPerBatch = 2000; // 50 series x 2000 minutes = 100k samples per batch
constexpr int kRuns = 5;
constexpr qint64 kStart = 1767225600; // 2026-01-01T00:00:00Z

QVector<PollBatch> makeBatches()
{
    QVector<PollBatch> out;
    for (int b = 0; b < kBatches; ++b) {
        PollBatch batch;
        batch.source = QStringLiteral("bench");
        const qint64 from = kStart + qint64(b) * kMinutesPerBatch * 60;
        batch.window = {from, from + kMinutesPerBatch * 60};
        for (int s = 0; s < kSeries; ++s) {
            SeriesSamples series;
            series.key = {batch.source, QStringLiteral("GeneratedTokens"), QStringLiteral("total"),
                          labels::canonical({{QStringLiteral("ModelDeploymentName"),
                                              QStringLiteral("dep-%1").arg(s)},
                                             {QStringLiteral("Group"), QString::number(s % 5)}})};
            series.unit = QStringLiteral("Count");
            series.samples.reserve(kMinutesPerBatch);
            for (int m = 0; m < kMinutesPerBatch; ++m) {
                const qint64 ts = from + m * 60;
                series.samples.append({ts, 1000 + 500 * std::sin(double(ts) / 5000.0 + s)});
            }
            batch.series.append(std::move(series));
        }
        out.append(std::move(batch));
    }
    return out;
}

/// CPU time of the whole process (every thread), ms: steadier than wall time on a busy machine.
double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Timing
{
    double wall = 0;    ///< until every sample is in the database file (WAL checkpointed)
    double cpu = 0;     ///< the same span, CPU time of every thread
    double written = 0; ///< wall until the last commit, before the final checkpoint
};

bool check(sqlite3* db, int rc, const char* what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE)
        return true;
    std::fprintf(stderr, "baseline: %s failed: %s\n", what, sqlite3_errmsg(db));
    return false;
}

/// Raw sqlite3: same schema and connection settings, series ids known up front.
Timing runBaseline(const QString& path, const QVector<PollBatch>& batches)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(QFile::encodeName(path).constData(), &db,
                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    QStringList setup = StoreDatabase::connectionPragmas();
    setup += StoreDatabase::schemaStatements();
    for (const QString& sql : setup)
        check(db, sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, nullptr), "schema");
    sqlite3_stmt* series = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO series(source, metric, aggregation, labels, unit) "
                       "VALUES(?1, ?2, ?3, ?4, ?5)",
                       -1, &series, nullptr);
    QVector<qint64> ids;
    for (const SeriesSamples& s : batches.first().series) {
        const QByteArray fields[] = {s.key.source.toUtf8(), s.key.metric.toUtf8(),
                                     s.key.aggregation.toUtf8(), s.key.labels.toUtf8(),
                                     s.unit.toUtf8()};
        for (int i = 0; i < 5; ++i)
            sqlite3_bind_text(series, i + 1, fields[i].constData(), int(fields[i].size()), nullptr);
        check(db, sqlite3_step(series), "series");
        sqlite3_reset(series);
        ids.append(sqlite3_last_insert_rowid(db));
    }
    sqlite3_finalize(series);

    QElapsedTimer timer;
    timer.start();
    const double cpu0 = cpuMs();
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v3(db, "INSERT INTO samples(series_id, ts, value) VALUES(?1, ?2, ?3)", -1,
                       SQLITE_PREPARE_PERSISTENT, &insert, nullptr);
    for (const PollBatch& batch : batches) {
        check(db, sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
        for (int s = 0; s < batch.series.size(); ++s) {
            sqlite3_bind_int64(insert, 1, ids[s]);
            for (const Sample& smp : batch.series[s].samples) {
                sqlite3_bind_int64(insert, 2, smp.ts);
                sqlite3_bind_double(insert, 3, smp.value);
                check(db, sqlite3_step(insert), "insert");
                sqlite3_reset(insert);
            }
        }
        check(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "commit");
    }
    const double written = double(timer.nsecsElapsed()) / 1e6;
    check(db, sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr),
          "checkpoint");
    const Timing t{double(timer.nsecsElapsed()) / 1e6, cpuMs() - cpu0, written};
    sqlite3_finalize(insert);
    sqlite3_close_v2(db);
    return t;
}

/// SampleStore: open (not timed), then every batch through write() on the store's thread.
Timing runStore(const QString& path, const QVector<PollBatch>& batches, bool rollups,
                double* queryMs = nullptr)
{
    SampleStore store;
    StoreSettings settings;
    settings.maintainRollups = rollups;
    const OpenReport report = store.open(path, settings).result();
    if (!report.usable()) {
        std::fprintf(stderr, "store: %s\n", qPrintable(report.message));
        return {};
    }
    QElapsedTimer timer;
    timer.start();
    const double cpu0 = cpuMs();
    QVector<QFuture<WriteReport>> pending;
    for (const PollBatch& batch : batches)
        pending.append(store.write(batch));
    for (auto& f : pending) {
        if (!f.result().ok)
            std::fprintf(stderr, "store: %s\n", qPrintable(f.result().error));
    }
    const double written = double(timer.nsecsElapsed()) / 1e6;
    if (!store.checkpoint().result())
        std::fprintf(stderr, "store: the final checkpoint did not complete\n");
    const Timing timing{double(timer.nsecsElapsed()) / 1e6, cpuMs() - cpu0, written};

    if (queryMs) {
        // The chart's question: 30 days of 10 series at ~1000 px.
        SeriesQuery q;
        q.metric = QStringLiteral("GeneratedTokens");
        q.labelEquals.insert(QStringLiteral("group"), QStringLiteral("0"));
        q.groupBy = QStringLiteral("ModelDeploymentName");
        q.range = {kStart, kStart + 30 * 86400};
        q.pixelWidth = 1000;
        q.now = q.range.to;
        QVector<double> times;
        for (int i = 0; i < 7; ++i) {
            QElapsedTimer t;
            t.start();
            const QueryResult r = store.query(q).result();
            times.append(double(t.nsecsElapsed()) / 1e6);
            if (r.series.size() != 10)
                std::fprintf(stderr, "query: expected 10 series, got %d\n", int(r.series.size()));
        }
        std::sort(times.begin(), times.end());
        *queryMs = times[times.size() / 2];
    }
    return timing;
}

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void removeDb(const QString& path)
{
    for (const char* suffix : {"", "-wal", "-shm"})
        QFile::remove(path + QLatin1String(suffix));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const QVector<PollBatch> batches = makeBatches();
    qint64 total = 0;
    for (const auto& b : batches)
        total += b.sampleCount();
    std::printf("bench_ingest: %lld samples in %d batches, %d runs each (alternating)\n",
                static_cast<long long>(total), int(batches.size()), kRuns);

    if (argc > 2 && qstrcmp(argv[1], "--only") == 0) {
        // Profiling aid (perf, strace): one run of one contender.
        const QByteArray which = argv[2];
        const QString p = argc > 3 ? QString::fromLocal8Bit(argv[3])
                                   : dir.filePath(QStringLiteral("only.sqlite"));
        const Timing t = which == "base"       ? runBaseline(p, batches)
                         : which == "norollup" ? runStore(p, batches, false)
                                               : runStore(p, batches, true);
        std::printf("%s: wall %.0f ms, cpu %.0f ms, last commit at %.0f ms\n", which.constData(),
                    t.wall, t.cpu, t.written);
        return 0;
    }
    QVector<Timing> base, ours, oursNoRollups;
    double queryMs = 0;
    for (int run = 0; run < kRuns; ++run) {
        const QString p = dir.filePath(QStringLiteral("run%1.sqlite").arg(run));
        base.append(runBaseline(p + QLatin1String(".base"), batches));
        removeDb(p + QLatin1String(".base"));
        ours.append(runStore(p + QLatin1String(".ours"), batches, true,
                             run == kRuns - 1 ? &queryMs : nullptr));
        removeDb(p + QLatin1String(".ours"));
        oursNoRollups.append(runStore(p + QLatin1String(".norollup"), batches, false));
        removeDb(p + QLatin1String(".norollup"));
        std::printf("  run %d (wall/cpu ms): baseline %.0f/%.0f, store %.0f/%.0f, store without "
                    "rollups %.0f/%.0f (last commit at %.0f, %.0f, %.0f)\n",
                    run + 1, base.last().wall, base.last().cpu, ours.last().wall, ours.last().cpu,
                    oursNoRollups.last().wall, oursNoRollups.last().cpu, base.last().written,
                    ours.last().written, oursNoRollups.last().written);
        std::fflush(stdout);
    }
    auto med = [](const QVector<Timing>& v, double Timing::*field) {
        QVector<double> x;
        for (const Timing& t : v)
            x.append(t.*field);
        return median(x);
    };
    auto rate = [&](double ms) { return double(total) / (ms / 1000.0) / 1e6; };
    for (const auto& [label, field] :
         {std::pair{"wall", &Timing::wall}, std::pair{"cpu ", &Timing::cpu},
          std::pair{"commits only", &Timing::written}}) {
        const double b = med(base, field), o = med(ours, field), n = med(oursNoRollups, field);
        std::printf("[%s] median baseline (raw sqlite3):   %8.1f ms  (%.2f M samples/s)\n", label,
                    b, rate(b));
        std::printf("[%s] median SampleStore::write():     %8.1f ms  (%.2f M samples/s)\n", label,
                    o, rate(o));
        std::printf("[%s] median SampleStore, rollups off: %8.1f ms  (%.2f M samples/s)\n", label,
                    n, rate(n));
        std::printf("[%s] speed ratio ours/baseline:       %8.3f  (target >= 0.9)\n", label, b / o);
        std::printf("[%s] ratio ours/baseline, no rollups: %8.3f\n", label, b / n);
    }
    std::printf("query 30 d x 10 series @ 1000 px:        %8.1f ms (median of 7)\n", queryMs);
    return 0;
}
