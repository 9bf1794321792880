#pragma once

#include "commandline.h"

#include "core/workspace.h"

#include <functional>

class QIODevice;

namespace isc {
class SecretStore;
}

namespace isc::app {

/// `secret set CONNECTION`: reads the key from `input` (its first line, trimmed), finds the
/// connection (id or display name) in `workspace` and stores the key under its keychain entry
/// in `store`, labelled with the connection's name. `done` gets the exit code and one line of
/// words (never the key). Asynchronous: the keychain answers later.
void setSecret(const Invocation& inv, const Workspace& workspace, QIODevice* input,
               SecretStore* store, std::function<void(int exitCode, const QString& words)> done);

/// `secret set --database ADDRESS`: reads the password from `input` (its first line, without
/// the line break) and stores it in `store` under the database's keychain entry
/// (databaseSecretName()), where the window and every command look first. `done` gets the exit
/// code and one line of words (never the password). Asynchronous: the keychain answers later.
void setDatabaseSecret(const Invocation& inv, QIODevice* input, SecretStore* store,
                       std::function<void(int exitCode, const QString& words)> done);

} // namespace isc::app
