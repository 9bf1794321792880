#pragma once

#include "commandline.h"

#include <QByteArray>
#include <QString>

namespace isc::app {

/// The work of `inferscope replay`: reads the window from the database, replays it through the
/// policy and writes the report (text or JSON) to `out`; warnings (e.g. unreachable rules) go
/// to `warnings`. Returns the exit code; on failure `error` says why in words.
int replayReport(const Invocation& inv, QByteArray* out, QStringList* warnings, QString* error);

} // namespace isc::app
