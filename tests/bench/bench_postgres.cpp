// PostgreSQL benchmarks on a throwaway PostgreSQL 15 cluster of our own (tests/support), over its
// loopback socket; every figure against a baseline measured in the same run:
//   ingest:      SampleStore::write() of poll-sized batches (one transaction per poll, rollups on
//                as the collector writes; and off) against `psql \copy` of the same rows into a
//                bare table with the same columns and primary key (target >= 0.8x); and, like
//                for like with rollups on, against psql copying the same minutes and the same
//                rollup rows the writer writes (binary COPY, the hours merged by one upsert)
//   read:        the 30-day, 10-series chart queries of the pages (lines: M4 at 1000 px; the
//                Overview's stacked tokens: a fixed step) from PostgreSQL against the same
//                queries on SQLite (target <= 50 ms)
//   concurrency: ten viewers (a SampleStore each, on its own thread) querying the line chart in a
//                loop while one collector writes polls back to back (target p95 <= 100 ms)
#include "chartbenchdata.h"
#include "core/labels.h"
#include "itemmodels/chartmodel.h"
#include "store/postgres/pgbinaryrows.h"
#include "store/samplestore.h"
#include "testpostgres.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>
#include <tuple>

using namespace isc;

namespace {

constexpr int kRuns = 5;
// Ingest: 100 series polled every 15 minutes over a day: 96 polls of 1,500 rows.
constexpr int kIngestSeries = 100;
constexpr int kPollMinutes = 15;
constexpr int kPolls = 96;
// Read: 30 days x 10 series of minutes, as bench_chart.
constexpr int kChartSeries = 10;
constexpr qint64 kDays = 30;
constexpr int kPixelWidth = 1000;
constexpr int kQueryRuns = 40;
// Concurrency: ten viewers, one collector, this long (ms).
constexpr int kViewers = 10;
constexpr int kConcurrentMs = 10000;
constexpr qint64 kIngestStart = 1767225600; // 2026-01-01T00:00:00Z

double median(QVector<double> v)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

/// The nearest-rank percentile `p` (0..100) of `v`.
double percentile(QVector<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = qsizetype(std::ceil(p / 100.0 * double(v.size())));
    return v[std::clamp<qsizetype>(rank - 1, 0, v.size() - 1)];
}

double msSince(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

SeriesKey ingestKey(int s)
{
    return {
        QStringLiteral("bench"), QStringLiteral("GeneratedTokens"), QStringLiteral("total"),
        labels::canonical({{QStringLiteral("ModelDeploymentName"), QStringLiteral("dep-%1").arg(s)},
                           {QStringLiteral("Group"), QString::number(s % 5)}})};
}

/// The collector's polls: every series, the next kPollMinutes minutes each.
QVector<PollBatch> ingestBatches()
{
    QVector<PollBatch> out;
    for (int p = 0; p < kPolls; ++p) {
        PollBatch b;
        b.source = QStringLiteral("bench");
        const qint64 from = kIngestStart + qint64(p) * kPollMinutes * 60;
        b.window = {from, from + kPollMinutes * 60};
        for (int s = 0; s < kIngestSeries; ++s) {
            SeriesSamples ss;
            ss.key = ingestKey(s);
            ss.unit = QStringLiteral("Count");
            for (int m = 0; m < kPollMinutes; ++m) {
                const qint64 ts = from + m * 60;
                ss.samples.append({ts, 1000 + 500 * std::sin(double(ts) / 5000.0 + s)});
            }
            b.series.append(std::move(ss));
        }
        out.append(std::move(b));
    }
    return out;
}

/// The same rows in COPY's text format (series ids 1..n in series order), values as the store
/// sends them (round-trip exact).
QByteArray copyText(const QVector<PollBatch>& batches)
{
    QByteArray out;
    for (const PollBatch& b : batches) {
        for (int s = 0; s < b.series.size(); ++s) {
            for (const Sample& smp : b.series[s].samples) {
                out += QByteArray::number(s + 1) + '\t' + QByteArray::number(smp.ts) + '\t' +
                       QByteArray::number(smp.value, 'g', 17) + '\n';
            }
        }
    }
    return out;
}

/// What the writer writes for one poll of ingestBatches() (whole 15-minute polls on the quarter,
/// series ids 1..n), as COPY binary streams: the minutes; the 5- and 15-minute buckets it copies
/// in whole; and the poll's part of each hour (the rows it merges into rollup_1h).
struct PollCopy
{
    QByteArray minutes, fives, quarters, hours;
};

PollCopy pollCopy(const PollBatch& b)
{
    pg::BinaryRows minutes, fives, quarters, hours;
    const auto bucket = [](pg::BinaryRows* out, qint64 id, qint64 ts, const QVector<double>& v) {
        out->beginRow(6);
        out->addInt64(id);
        out->addInt64(ts);
        out->addDouble(*std::min_element(v.begin(), v.end()));
        out->addDouble(*std::max_element(v.begin(), v.end()));
        double sum = 0;
        for (const double x : v)
            sum += x;
        out->addDouble(sum);
        out->addInt64(v.size());
    };
    for (int s = 0; s < b.series.size(); ++s) {
        QVector<double> values;
        for (const Sample& smp : b.series[s].samples) {
            minutes.beginRow(3);
            minutes.addInt64(s + 1);
            minutes.addInt64(smp.ts);
            minutes.addDouble(smp.value);
            values.append(smp.value);
        }
        for (int f = 0; f + 5 <= values.size(); f += 5)
            bucket(&fives, s + 1, b.window.from + f * 60, values.mid(f, 5));
        bucket(&quarters, s + 1, b.window.from, values);
        bucket(&hours, s + 1, floorTo(b.window.from, 3600), values);
    }
    return {minutes.stream(), fives.stream(), quarters.stream(), hours.stream()};
}

struct Bench
{
    test::TestPostgres pg;
    QTemporaryDir dir;
    QString psql;
};

/// `psql` running `command` (a `\copy` of the rows into the table `bare`, or `\i` of a script
/// of them) on a fresh database with that bare table: wall ms, or -1.
double runCopy(Bench& b, const QString& command, bool rollupTables = false)
{
    QString error;
    const QString uri = b.pg.createDatabase(&error);
    const QString db = uri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
    QString tables = QStringLiteral("CREATE TABLE bare(series_id bigint NOT NULL, ts bigint NOT "
                                    "NULL, value double precision NOT NULL, PRIMARY "
                                    "KEY(series_id, ts));");
    if (rollupTables) {
        for (const char* t : {"bare_5m", "bare_15m", "bare_1h"})
            tables += QStringLiteral("CREATE TABLE %1(series_id bigint NOT NULL, ts bigint NOT "
                                     "NULL, min double precision NOT NULL, max double precision "
                                     "NOT NULL, sum double precision NOT NULL, count bigint NOT "
                                     "NULL, PRIMARY KEY(series_id, ts));")
                          .arg(QLatin1String(t));
    }
    b.pg.sql(db, tables, &error);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "copy: %s\n", qPrintable(error));
        return -1;
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    const QStringList args{QStringLiteral("-X"), QStringLiteral("-q"),
                           QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                           QStringLiteral("-d"), uri,
                           QStringLiteral("-c"), command};
    QElapsedTimer t;
    t.start();
    p.start(b.psql, args);
    const bool ok = p.waitForFinished(300000) && p.exitCode() == 0;
    const double ms = msSince(t);
    if (!ok) {
        std::fprintf(stderr, "copy: psql failed: %s\n", p.readAll().constData());
        return -1;
    }
    return ms;
}

/// SampleStore::write() of every poll into a fresh database (open not timed): wall ms, or -1.
double runStore(Bench& b, const QVector<PollBatch>& batches, bool rollups, qint64 rows)
{
    QString error;
    const QString uri = b.pg.createDatabase(&error);
    SampleStore store;
    StoreSettings settings;
    settings.maintainRollups = rollups;
    if (!store.open(uri, settings).result().usable())
        return -1;
    QElapsedTimer t;
    t.start();
    QVector<QFuture<WriteReport>> pending;
    for (const PollBatch& batch : batches)
        pending.append(store.write(batch));
    qint64 written = 0;
    for (auto& f : pending) {
        if (!f.result().ok)
            std::fprintf(stderr, "store: %s\n", qPrintable(f.result().error));
        written += f.result().samplesWritten;
    }
    const double ms = msSince(t);
    if (written != rows)
        std::fprintf(stderr, "store: %lld rows written, %lld expected\n", qlonglong(written),
                     qlonglong(rows));
    return ms;
}

void benchIngest(Bench& b)
{
    const QVector<PollBatch> batches = ingestBatches();
    qint64 rows = 0;
    for (const auto& batch : batches)
        rows += batch.sampleCount();
    const QString file = b.dir.filePath(QStringLiteral("rows.tsv"));
    {
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly) || f.write(copyText(batches)) < 0)
            std::fprintf(stderr, "copy: cannot write %s\n", qPrintable(file));
    }
    std::printf("ingest: %lld rows (%d series x %d min) in %d polls of %d rows, %d runs each "
                "(alternating)\n",
                qlonglong(rows), kIngestSeries, kPolls * kPollMinutes, kPolls,
                kIngestSeries * kPollMinutes, kRuns);
    // The like-for-like baseline: psql copying the same polls, one transaction and COPY each (a
    // poll is one transaction in the store: all of it lands or none).
    const QString script = b.dir.filePath(QStringLiteral("polls.sql"));
    {
        QFile f(script);
        QByteArray text;
        for (int p = 0; p < batches.size(); ++p) {
            const QString poll = b.dir.filePath(QStringLiteral("poll-%1.tsv").arg(p));
            QFile rowsFile(poll);
            // The series ids as in the one file: the series' order in every poll.
            if (!rowsFile.open(QIODevice::WriteOnly) || rowsFile.write(copyText({batches[p]})) < 0)
                std::fprintf(stderr, "copy: cannot write %s\n", qPrintable(poll));
            text += "BEGIN;\n\\copy bare FROM '" + poll.toUtf8() + "'\nCOMMIT;\n";
        }
        if (!f.open(QIODevice::WriteOnly) || f.write(text) < 0)
            std::fprintf(stderr, "copy: cannot write %s\n", qPrintable(script));
    }
    // Like for like with rollups: psql copying, per poll and transaction, what the writer writes.
    const QString rollupScript = b.dir.filePath(QStringLiteral("polls-rollups.sql"));
    {
        QByteArray text = "CREATE TEMP TABLE part_1h(series_id bigint NOT NULL, ts bigint NOT "
                          "NULL, min double precision, max double precision, sum double "
                          "precision, count bigint) ON COMMIT DELETE ROWS;\n";
        for (int p = 0; p < batches.size(); ++p) {
            const PollCopy written = pollCopy(batches[p]);
            text += "BEGIN;\n";
            for (const auto& [name, table, data] :
                 {std::tuple{"minutes", "bare", &written.minutes},
                  std::tuple{"fives", "bare_5m", &written.fives},
                  std::tuple{"quarters", "bare_15m", &written.quarters},
                  std::tuple{"hours", "part_1h", &written.hours}}) {
                const QString path = b.dir.filePath(
                    QStringLiteral("poll-%1-%2.bin").arg(p).arg(QLatin1String(name)));
                QFile f(path);
                if (!f.open(QIODevice::WriteOnly) || f.write(*data) < 0)
                    std::fprintf(stderr, "copy: cannot write %s\n", qPrintable(path));
                text += QByteArray("\\copy ") + table + " FROM '" + path.toUtf8() +
                        "' WITH (FORMAT binary)\n";
            }
            text += "INSERT INTO bare_1h AS r SELECT * FROM part_1h ON CONFLICT(series_id, ts) DO "
                    "UPDATE SET min = least(r.min, excluded.min), max = greatest(r.max, "
                    "excluded.max), sum = r.sum + excluded.sum, count = r.count + "
                    "excluded.count;\nCOMMIT;\n";
        }
        QFile f(rollupScript);
        if (!f.open(QIODevice::WriteOnly) || f.write(text) < 0)
            std::fprintf(stderr, "copy: cannot write %s\n", qPrintable(rollupScript));
    }
    QVector<double> copy, copyPolls, copyRollups, ours, oursNoRollups;
    for (int run = 0; run < kRuns; ++run) {
        copy.append(runCopy(b, QStringLiteral("\\copy bare FROM '%1'").arg(file)));
        copyPolls.append(runCopy(b, QStringLiteral("\\i %1").arg(script)));
        copyRollups.append(runCopy(b, QStringLiteral("\\i %1").arg(rollupScript), true));
        ours.append(runStore(b, batches, true, rows));
        oursNoRollups.append(runStore(b, batches, false, rows));
        std::printf("  run %d (wall ms): psql \\copy %.0f, per poll %.0f, per poll with the "
                    "rollup rows %.0f; SampleStore::write %.0f, rollups off %.0f\n",
                    run + 1, copy.last(), copyPolls.last(), copyRollups.last(), ours.last(),
                    oursNoRollups.last());
        std::fflush(stdout);
    }
    const auto rate = [&](double ms) { return double(rows) / (ms / 1000.0); };
    const double c = median(copy), cp = median(copyPolls), o = median(ours),
                 n = median(oursNoRollups);
    std::printf("  median psql \\copy (one COPY, bare table):   %8.1f ms  (%9.0f rows/s)\n", c,
                rate(c));
    std::printf("  median psql \\copy per poll (%d COPYs, %d transactions, bare table): %8.1f ms  "
                "(%9.0f rows/s)\n",
                kPolls, kPolls, cp, rate(cp));
    std::printf("  median SampleStore::write(), rollups on:   %8.1f ms  (%9.0f rows/s)\n", o,
                rate(o));
    std::printf("  median SampleStore::write(), rollups off:  %8.1f ms  (%9.0f rows/s)\n", n,
                rate(n));
    std::printf("  ratio ours/copy, rollups on:  %.3f  (target >= 0.8)\n", c / o);
    std::printf("  ratio ours/copy, rollups off: %.3f\n", c / n);
    std::printf("  ratio ours/copy per poll, rollups on:  %.3f  (target >= 0.8)\n", cp / o);
    std::printf("  ratio ours/copy per poll, rollups off: %.3f\n", cp / n);
    const double cr = median(copyRollups);
    std::printf("  median psql \\copy per poll of the minutes and the rollup rows the writer "
                "writes (binary, hours merged): %8.1f ms\n",
                cr);
    std::printf("  ratio ours/that, rollups on (like for like):  %.3f\n", cr / o);
}

/// The chart dataset (bench_chart's): kDays of minutes for kChartSeries series ending at `to`,
/// one poll a day.
void writeChartData(SampleStore* store, qint64 to)
{
    bench::writeChartDataset(*store, {to - kDays * 86400, to}, kChartSeries);
}

/// The line chart's query (ChartModel, Kind::Lines): M4 at the chart's width.
SeriesQuery lineQuery(TimeRange range)
{
    SeriesQuery q;
    q.metric = QStringLiteral("BenchTokens");
    q.groupBy = QStringLiteral("Dep");
    q.range = range;
    q.pixelWidth = kPixelWidth;
    return q;
}

/// The Overview's stacked tokens chart (ChartModel, Kind::StackedArea): a step for a third of
/// the width, the range cut to whole steps.
SeriesQuery stackedQuery(TimeRange range)
{
    SeriesQuery q = lineQuery(range);
    q.pixelWidth = 0;
    q.step = niceStep(range.duration(), kPixelWidth / 3);
    q.range = {floorTo(range.from, q.step), floorTo(range.to + q.step - 1, q.step)};
    return q;
}

struct Latency
{
    double median = 0, p95 = 0;
    int points = 0;
};

Latency timeQuery(SampleStore* store, const SeriesQuery& q)
{
    store->query(q).waitForFinished(); // warm-up: caches, plans
    QVector<double> times;
    int points = 0;
    for (int i = 0; i < kQueryRuns; ++i) {
        QElapsedTimer t;
        t.start();
        const QueryResult r = store->query(q).result();
        times.append(msSince(t));
        points = 0;
        for (const auto& s : r.series)
            points += int(s.points.size());
        if (r.series.size() != kChartSeries || !r.error.isEmpty())
            std::fprintf(stderr, "query: %d series: %s\n", int(r.series.size()),
                         qPrintable(r.error));
    }
    return {median(times), percentile(times, 95), points};
}

void benchRead(Bench& b, SampleStore* pgStore, TimeRange range)
{
    SampleStore lite;
    lite.open(b.dir.filePath(QStringLiteral("read.sqlite"))).waitForFinished();
    QElapsedTimer t;
    t.start();
    writeChartData(&lite, range.to);
    const double liteBuild = msSince(t);
    t.restart();
    writeChartData(pgStore, range.to);
    const double pgBuild = msSince(t);
    std::printf("read: %d series x %lld days of minutes (%lld rows, rollups by the backend); "
                "written in daily polls in %.0f ms (PostgreSQL), %.0f ms (SQLite)\n",
                kChartSeries, kDays, qlonglong(kChartSeries * kDays * 1440), pgBuild, liteBuild);
    std::printf("  %-44s %11s %11s %11s %11s %7s\n", "query (30 d, 10 series, 1000 px)",
                "pg median", "pg p95", "lite median", "lite p95", "points");
    for (const auto& [label, q] :
         {std::pair{"lines: M4 (Latency, bench_chart)", lineQuery(range)},
          std::pair{"stacked: fixed step (Overview tokens)", stackedQuery(range)}}) {
        const Latency pg = timeQuery(pgStore, q);
        const Latency sq = timeQuery(&lite, q);
        std::printf("  %-44s %8.1f ms %8.1f ms %8.1f ms %8.1f ms %7d\n", label, pg.median, pg.p95,
                    sq.median, sq.p95, pg.points);
        std::printf("    ratio SQLite/PostgreSQL (medians): %.2f; PostgreSQL median vs target "
                    "<= 50 ms: %s\n",
                    sq.median / pg.median, pg.median <= 50 ? "met" : "MISSED");
    }
}

/// `pauseMs` between a viewer's queries: 0 is a tight loop (every viewer always waiting on the
/// server), 1000 a viewer refreshing once a second (the app refreshes once per poll it hears of).
void benchConcurrency(const QString& uri, TimeRange range, int pauseMs)
{
    std::vector<std::unique_ptr<SampleStore>> viewers;
    for (int i = 0; i < kViewers; ++i) {
        viewers.push_back(std::make_unique<SampleStore>());
        if (!viewers.back()->open(uri).result().usable())
            std::fprintf(stderr, "viewer %d: cannot open\n", i);
    }
    SampleStore collector;
    collector.open(uri).waitForFinished();
    // The collector's polls land in the charts' range: 100 series (10 of them charted) x 5 min.
    const SeriesQuery q = lineQuery({range.from + 86400, range.to + 86400});
    std::atomic_bool stop{false};
    std::vector<QVector<double>> latencies(kViewers);
    std::vector<std::thread> threads;
    QElapsedTimer wall;
    wall.start();
    // Each viewer's connection has read the chart once (as timeQuery warms up): an opened window
    // has drawn its charts before it refreshes them.
    for (auto& viewer : viewers)
        viewer->query(q).waitForFinished();
    for (int i = 0; i < kViewers; ++i) {
        threads.emplace_back([&, i] {
            // Paced viewers refresh out of step from the start (windows do not open in the same
            // millisecond): viewer i's first refresh comes i tenths of the period in.
            if (pauseMs > 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs * i / kViewers));
            while (!stop.load()) {
                QElapsedTimer t;
                t.start();
                const QueryResult r = viewers[size_t(i)]->query(q).result();
                latencies[size_t(i)].append(msSince(t));
                if (!r.error.isEmpty())
                    std::fprintf(stderr, "viewer %d: %s\n", i, qPrintable(r.error));
                if (pauseMs > 0) // staggered: the viewers do not refresh in step
                    std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs + 37 * i));
            }
        });
    }
    int polls = 0;
    qint64 rows = 0;
    QVector<double> writeMs;
    for (qint64 from = range.to; wall.elapsed() < kConcurrentMs; from += 300, ++polls) {
        PollBatch b;
        b.source = QStringLiteral("bench");
        b.window = {from, from + 300};
        for (int s = 0; s < 100; ++s) {
            SeriesSamples ss;
            ss.key = {
                b.source,
                s < kChartSeries ? QStringLiteral("BenchTokens") : QStringLiteral("Other"),
                QStringLiteral("total"),
                labels::canonical({{QStringLiteral("Dep"), QStringLiteral("dep-%1").arg(s)}})};
            for (qint64 ts = from; ts < from + 300; ts += 60)
                ss.samples.push_back({ts, 100.0 + s});
            b.series.push_back(std::move(ss));
        }
        QElapsedTimer t;
        t.start();
        const WriteReport r = collector.write(b).result();
        writeMs.append(msSince(t));
        rows += r.samplesWritten;
        if (!r.ok)
            std::fprintf(stderr, "collector: %s\n", qPrintable(r.error));
    }
    stop = true;
    for (auto& th : threads)
        th.join();
    QVector<double> all;
    for (const auto& v : latencies)
        all += v;
    std::printf("concurrency: %d viewers (a SampleStore and connection each) querying the 30-day "
                "line chart %s, one collector writing polls of 500 rows back to back, %.1f s\n",
                kViewers, pauseMs > 0 ? "about once a second" : "in a tight loop",
                double(wall.elapsed()) / 1000.0);
    std::printf("  chart queries: %lld; median %.1f ms, p95 %.1f ms, max %.1f ms (target p95 "
                "<= 100 ms: %s)\n",
                qlonglong(all.size()), median(all), percentile(all, 95),
                all.isEmpty() ? 0.0 : *std::max_element(all.begin(), all.end()),
                percentile(all, 95) <= 100 ? "met" : "MISSED");
    std::printf("  collector: %d polls (%lld rows) meanwhile; write median %.1f ms, p95 %.1f ms\n",
                polls, qlonglong(rows), median(writeMs), percentile(writeMs, 95));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    Bench b;
    QString error;
    // Never skipped: a missing server is a failed benchmark, not a quiet one.
    if (!b.dir.isValid() || !b.pg.start(&error)) {
        std::fprintf(stderr, "bench_postgres: cannot start a PostgreSQL cluster: %s\n",
                     qPrintable(error));
        return 1;
    }
    b.psql = QStandardPaths::findExecutable(QStringLiteral("psql"));
    if (b.psql.isEmpty()) {
        std::fprintf(stderr, "bench_postgres: psql is not installed (Debian postgresql-client)\n");
        return 1;
    }
    std::printf("bench_postgres: PostgreSQL 15 throwaway cluster on a loopback socket\n");
    const bool all = argc < 2;
    const auto wanted = [&](const char* part) { return all || qstrcmp(argv[1], part) == 0; };
    if (wanted("ingest"))
        benchIngest(b);
    if (wanted("read") || wanted("concurrency")) {
        const QString uri = b.pg.createDatabase(&error);
        SampleStore store;
        if (!store.open(uri).result().usable()) {
            std::fprintf(stderr, "bench_postgres: cannot open %s\n", qPrintable(uri));
            return 1;
        }
        const qint64 to = floorTo(nowUtc(), 3600) - 2 * 86400;
        const TimeRange range{to - kDays * 86400, to};
        benchRead(b, &store, range);
        if (wanted("concurrency")) {
            benchConcurrency(uri, range, 0);
            benchConcurrency(uri, range, 1000);
        }
    }
    return 0;
}
