#pragma once

#include "commandline.h"

namespace isc::app {

/// Each runs inside an existing Q(Core)Application and returns the process exit code.
int runCollect(const Invocation& inv);
int runQuery(const Invocation& inv);
int runReplay(const Invocation& inv);
int runEmulator(const Invocation& inv);
int runPrompt(const Invocation& inv);
int runSecret(const Invocation& inv);
int runMigrate(const Invocation& inv);
int runGui(const Invocation& inv);

/// Prints one line to stderr, prefixed "inferscope: ".
void printError(const QString& message);

} // namespace isc::app
