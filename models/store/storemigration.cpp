#include "store/storemigration.h"

#include "store/storebackend.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QLocale>
#include <cmath>
#include <memory>

namespace isc {

namespace {

const QString kSourceKey = QStringLiteral("migration.source");

using Status = MigrationReport::Status;

MigrationReport ended(Status status, const QString& message)
{
    MigrationReport r;
    r.status = status;
    r.message = message;
    return r;
}

/// Sums added in another order differ in the last bits; anything more is a difference.
bool sameSum(double a, double b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}

QString number(double v)
{
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

/// "" when equal, else what differs in words.
QString compareTotals(const TableTotals& s, const TableTotals& d, StoreTable table)
{
    if (s.rows != d.rows)
        return QStringLiteral("%1 rows in the source, %2 in the destination")
            .arg(s.rows)
            .arg(d.rows);
    if (s.total != d.total) {
        const QString what = table == StoreTable::Gaps        ? QStringLiteral("seconds covered")
                             : table == StoreTable::Inventory ? QStringLiteral("total capacity")
                             : table == StoreTable::Runs      ? QStringLiteral("starred runs")
                             : table == StoreTable::Documents ? QStringLiteral("shared documents")
                                                              : QStringLiteral("samples counted");
        return QStringLiteral("%1: %2 in the source, %3 in the destination")
            .arg(what)
            .arg(s.total)
            .arg(d.total);
    }
    if (!sameSum(s.sum, d.sum))
        return QStringLiteral("the sum of values is %1 in the source, %2 in the destination")
            .arg(number(s.sum), number(d.sum));
    return {};
}

struct Opened
{
    std::unique_ptr<StoreBackend> backend;
    OpenReport report;
};

Opened openStore(const QString& address, const StoreSettings& settings)
{
    Opened o;
    o.backend = makeStoreBackend(address);
    o.report = o.backend->open(address, settings);
    return o;
}

} // namespace

StoreMigration::StoreMigration(const QString& from, const QString& to) : m_from(from), m_to(to) {}

QString StoreMigration::identity(const QString& address)
{
    if (isDatabaseAddress(address)) {
        QString shown = displayAddress(address);
        if (shown.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive))
            shown = QStringLiteral("postgresql://") + shown.mid(11);
        return shown;
    }
    const QFileInfo file(address);
    return file.exists() ? file.canonicalFilePath() : file.absoluteFilePath();
}

QString StoreMigration::markerKey(StoreTable table)
{
    return QStringLiteral("migration.") + storeTableName(table);
}

MigrationReport StoreMigration::run()
{
    QElapsedTimer clock;
    clock.start();
    const QString fromShown = displayAddress(m_from), toShown = displayAddress(m_to);
    if (m_from.isEmpty() || m_to.isEmpty())
        return ended(Status::Refused, QStringLiteral("migrate needs a source and a destination"));
    const QString source = identity(m_from);
    if (source == identity(m_to))
        return ended(Status::Refused,
                     QStringLiteral("The source and the destination are the same database (%1); "
                                    "nothing was copied.")
                         .arg(fromShown));
    // Opening a missing file would create an empty one: say so instead.
    if (!isDatabaseAddress(m_from) && !QFileInfo(m_from).isFile())
        return ended(Status::Refused,
                     QStringLiteral("There is no history database at %1; nothing was copied.")
                         .arg(fromShown));

    Opened from = openStore(m_from, m_fromSettings);
    if (!from.report.usable())
        return ended(
            Status::Refused,
            QStringLiteral("Could not open the source %1: %2").arg(fromShown, from.report.message));
    if (from.report.status == OpenReport::Status::Created)
        return ended(Status::Refused,
                     QStringLiteral("The source %1 holds no Inferscope history; nothing was "
                                    "copied.")
                         .arg(fromShown));
    Opened to = openStore(m_to, m_toSettings);
    if (!to.report.usable())
        return ended(Status::Refused, QStringLiteral("Could not open the destination %1: %2")
                                          .arg(toShown, to.report.message));
    StoreBackend& src = *from.backend;
    StoreBackend& dst = *to.backend;

    // A destination is either empty, or an earlier run's copy of this same source.
    const QString began = dst.metaValue(kSourceKey);
    MigrationReport report;
    report.resumed = began == source;
    if (!began.isEmpty() && !report.resumed)
        return ended(Status::Refused,
                     QStringLiteral("The destination %1 already holds a copy of %2; migrate into "
                                    "a new, empty database.")
                         .arg(toShown, began));
    if (!report.resumed) {
        QStringList held;
        for (const StoreTable t : {StoreTable::Series, StoreTable::Gaps, StoreTable::Inventory,
                                   StoreTable::Runs, StoreTable::Documents}) {
            const TableTotals n = dst.tableTotals(t);
            if (!n.error.isEmpty())
                return ended(Status::Failed, n.error);
            if (n.rows > 0)
                held.append(QStringLiteral("%1 %2").arg(n.rows).arg(storeTableName(t)));
        }
        if (!held.isEmpty())
            return ended(Status::Refused,
                         QStringLiteral("The destination %1 already holds history (%2); migrate "
                                        "copies into an empty database only. Nothing was copied.")
                             .arg(toShown, held.join(QStringLiteral(", "))));
        const ImportReport marked = dst.importRows(TableChunk{}, kSourceKey, source);
        if (!marked.ok)
            return ended(Status::Failed, marked.error);
    }

    QHash<int, TableTotals> sourceTotals; // by StoreTable
    for (const StoreTable t : kStoreTables) {
        sourceTotals.insert(int(t), src.tableTotals(t));
        if (!sourceTotals[int(t)].error.isEmpty())
            return ended(Status::Failed, sourceTotals[int(t)].error);
    }

    // The series first, always from the start (upserts): their ids in the destination differ,
    // and every other table is mapped through them.
    QHash<qint64, qint64> ids;
    for (const StoreTable table : kStoreTables) {
        const QString name = storeTableName(table);
        RowCursor cursor = table == StoreTable::Series
                               ? RowCursor{}
                               : RowCursor::fromText(dst.metaValue(markerKey(table)));
        for (;;) {
            TableChunk chunk = src.exportRows(table, cursor, m_chunkRows);
            if (!chunk.error.isEmpty()) {
                report.status = Status::Failed;
                report.message = chunk.error;
                return report;
            }
            if (chunk.size() == 0)
                break;
            const auto mapped = [&](qint64 id, qint64* out) {
                const auto it = ids.constFind(id);
                if (it == ids.constEnd())
                    return false;
                *out = *it;
                return true;
            };
            bool unknown = false;
            for (SampleRow& s : chunk.samples)
                unknown = unknown || !mapped(s.seriesId, &s.seriesId);
            for (BucketRow& b : chunk.buckets)
                unknown = unknown || !mapped(b.seriesId, &b.seriesId);
            if (unknown) {
                report.status = Status::Failed;
                report.message = QStringLiteral("The source's %1 refer to a series its series "
                                                "table lacks; nothing more was copied.")
                                     .arg(name);
                return report;
            }
            const ImportReport imported =
                dst.importRows(chunk, markerKey(table), chunk.next.toText());
            if (!imported.ok) {
                report.status = Status::Failed;
                report.message = imported.error + QStringLiteral(" Run migrate again to continue.");
                return report;
            }
            for (int i = 0; i < imported.seriesIds.size(); ++i)
                ids.insert(chunk.series[i].id, imported.seriesIds[i]);
            report.rowsCopied += chunk.size();
            cursor = chunk.next;
            const MigrationProgress progress{table, cursor.copied, sourceTotals[int(table)].rows,
                                             clock.elapsed()};
            if (m_onProgress)
                m_onProgress(progress);
            if (m_stop && m_stop(progress)) {
                report.status = Status::Interrupted;
                report.message = QStringLiteral("Stopped in %1 after %2 of its %3 rows; run "
                                                "migrate again to continue.")
                                     .arg(name)
                                     .arg(progress.copied)
                                     .arg(progress.total);
                report.elapsedMs = clock.elapsed();
                return report;
            }
        }
    }
    dst.checkpoint();

    // Verification: every table's rows and totals, and each series' samples.
    QStringList problems;
    for (const StoreTable table : kStoreTables) {
        MigrationCheck check;
        check.table = storeTableName(table);
        check.source = sourceTotals[int(table)];
        check.destination = dst.tableTotals(table);
        check.problem = check.destination.error.isEmpty()
                            ? compareTotals(check.source, check.destination, table)
                            : check.destination.error;
        check.ok = check.problem.isEmpty();
        if (!check.ok)
            problems.append(QStringLiteral("%1: %2").arg(check.table, check.problem));
        report.checks.append(check);
    }
    QString error;
    const QVector<SeriesTotals> before = src.sampleTotalsBySeries(&error);
    const QVector<SeriesTotals> after = dst.sampleTotalsBySeries(&error);
    if (!error.isEmpty())
        problems.append(QStringLiteral("samples per series: %1").arg(error));
    QHash<SeriesKey, SeriesTotals> copied;
    for (const SeriesTotals& t : after)
        copied.insert(t.key, t);
    for (const SeriesTotals& t : before) {
        const SeriesTotals c = copied.value(t.key);
        if (c.rows != t.rows || !sameSum(c.sum, t.sum)) {
            problems.append(QStringLiteral("samples of %1 %2 {%3} (%4): %5 rows summing to %6 in "
                                           "the source, %7 summing to %8 in the destination")
                                .arg(t.key.source, t.key.metric, t.key.labels, t.key.aggregation)
                                .arg(t.rows)
                                .arg(number(t.sum))
                                .arg(c.rows)
                                .arg(number(c.sum)));
            break; // the first one names the problem; the table check counts the rest
        }
    }
    report.elapsedMs = clock.elapsed();
    if (!problems.isEmpty()) {
        report.status = Status::Mismatch;
        report.message = QStringLiteral("Verification failed: %1. The destination %2 differs "
                                        "from the source %3.")
                             .arg(problems.join(QStringLiteral("; ")), toShown, fromShown);
        return report;
    }
    report.status = Status::Done;
    report.message = QStringLiteral("Copied %1 rows from %2 to %3 in %4 s%5; every table "
                                    "verified.")
                         .arg(report.rowsCopied)
                         .arg(fromShown, toShown)
                         .arg(double(report.elapsedMs) / 1000.0, 0, 'f', 1)
                         .arg(report.resumed ? QStringLiteral(" (resumed)") : QString());
    return report;
}

} // namespace isc
