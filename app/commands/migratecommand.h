#pragma once

#include "store/storemigration.h"

#include <QString>

namespace isc::app {

/// One progress line of `inferscope migrate`: "samples 45000/120000 (37%), 1.2 s".
QString migrationProgressLine(const MigrationProgress& p);
/// The verification table `inferscope migrate` prints: one line per table, source beside
/// destination rows, "ok" or what differs.
QString migrationSummary(const MigrationReport& report);
/// The exit code of a migration: 0 copied and verified, 3 verification found a difference,
/// 1 anything else (refused, failed).
int migrationExitCode(const MigrationReport& report);

} // namespace isc::app
