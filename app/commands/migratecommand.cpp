#include "migratecommand.h"

#include "commands.h"
#include "databasepassword.h"
#include "net/secretstore.h"
#include "store/storebackend.h"

#include <cstdio>

namespace isc::app {

QString migrationProgressLine(const MigrationProgress& p)
{
    const QString share =
        p.total > 0 ? QStringLiteral(" (%1%)").arg(qMin<qint64>(100, p.copied * 100 / p.total))
                    : QString();
    return QStringLiteral("%1 %2/%3%4, %5 s")
        .arg(storeTableName(p.table))
        .arg(p.copied)
        .arg(p.total)
        .arg(share)
        .arg(double(p.elapsedMs) / 1000.0, 0, 'f', 1);
}

QString migrationSummary(const MigrationReport& report)
{
    QString out = QStringLiteral("%1 %2 %3\n")
                      .arg(QStringLiteral("table"), -12)
                      .arg(QStringLiteral("source"), 12)
                      .arg(QStringLiteral("destination"), 12);
    for (const MigrationCheck& c : report.checks)
        out += QStringLiteral("%1 %2 %3  %4\n")
                   .arg(c.table, -12)
                   .arg(c.source.rows, 12)
                   .arg(c.destination.rows, 12)
                   .arg(c.ok ? QStringLiteral("ok") : c.problem);
    return out;
}

int migrationExitCode(const MigrationReport& report)
{
    switch (report.status) {
    case MigrationReport::Status::Done:
        return 0;
    case MigrationReport::Status::Mismatch:
        return 3;
    default:
        return 1;
    }
}

int runMigrate(const Invocation& inv)
{
    StoreMigration migration(inv.migrateFrom, inv.migrateTo);
    if (inv.chunkRows > 0)
        migration.setChunkRows(inv.chunkRows);
    // Each server database has its own keychain entry.
    migration.setSettings(DatabasePassword::settingsFor(inv.migrateFrom, SecretStore::shared()),
                          DatabasePassword::settingsFor(inv.migrateTo, SecretStore::shared()));
    if (!inv.quiet) {
        std::fprintf(stderr, "inferscope: migrating %s to %s\n",
                     qPrintable(displayAddress(inv.migrateFrom)),
                     qPrintable(displayAddress(inv.migrateTo)));
        migration.setProgressHandler([](const MigrationProgress& p) {
            std::fprintf(stderr, "inferscope: %s\n", qPrintable(migrationProgressLine(p)));
            std::fflush(stderr);
        });
    }
    const MigrationReport report = migration.run();
    if (!report.checks.isEmpty() && !inv.quiet)
        std::fputs(qPrintable(migrationSummary(report)), stdout);
    if (report.ok()) {
        if (!inv.quiet)
            std::printf("%s\n", qPrintable(report.message));
    } else {
        printError(report.message);
    }
    return migrationExitCode(report);
}

} // namespace isc::app
