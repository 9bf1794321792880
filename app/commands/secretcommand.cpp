#include "secretcommand.h"

#include "commands.h"
#include "session.h"

#include "databasepassword.h"
#include "net/secretstore.h"
#include "store/storebackend.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QIODevice>
#include <QPointer>
#include <cstdio>
#include <cstring>
#include <optional>
#include <termios.h>
#include <unistd.h>

namespace isc::app {
namespace {

const Connection* findConnection(const Workspace& ws, const QString& name)
{
    for (const Connection& c : ws.connections) {
        if (c.id == name || c.displayName == name)
            return &c;
    }
    return nullptr;
}

} // namespace

void setSecret(const Invocation& inv, const Workspace& workspace, QIODevice* input,
               SecretStore* store, std::function<void(int, const QString&)> done)
{
    const Connection* c = findConnection(workspace, inv.connectionName);
    if (!c) {
        QStringList names;
        for (const Connection& each : workspace.connections)
            names << each.id;
        done(2, QStringLiteral("the workspace has no connection \"%1\" (connections: %2)")
                    .arg(inv.connectionName, names.isEmpty() ? QStringLiteral("none")
                                                             : names.join(QStringLiteral(", "))));
        return;
    }
    const QString name = c->displayName.isEmpty() ? c->id : c->displayName;
    const SecretRef& ref = inv.inferenceKey ? c->inferenceCredential : c->credential;
    const QString which =
        inv.inferenceKey ? QStringLiteral("inference key") : QStringLiteral("key");
    if (ref.kind == SecretRef::Kind::Env) {
        done(2, QStringLiteral("%1 reads its %2 from the environment variable %3: set that "
                               "variable instead")
                    .arg(name, which, ref.name));
        return;
    }
    if (ref.kind != SecretRef::Kind::Keychain) {
        done(2,
             QStringLiteral("%1 has no keychain entry for its %2: give it one in the workspace "
                            "(\"%3\": {\"keychain\": \"%4/%5\"}) or on the Connections page")
                 .arg(name, which,
                      inv.inferenceKey ? QStringLiteral("inferenceCredential")
                                       : QStringLiteral("credential"),
                      c->id, inv.inferenceKey ? QStringLiteral("api") : QStringLiteral("admin")));
        return;
    }
    QByteArray line = input ? input->readLine(64 * 1024) : QByteArray();
    const QString key = QString::fromUtf8(line).trimmed();
    line.fill('\0');
    if (key.isEmpty()) {
        done(2, QStringLiteral("no key on standard input (pipe it in, e.g. `printenv KEY | "
                               "inferscope secret set %1`)")
                    .arg(inv.connectionName));
        return;
    }
    const QString label = QStringLiteral("Inferscope: %1 (%2)").arg(name, ref.name);
    QPointer<SecretStore> guarded = store;
    store->write(
        ref.name, key,
        [guarded, done, name, which, entry = ref.name](bool ok, const QString& words) {
            if (!ok) {
                done(1, QStringLiteral("the %1 of %2 was not stored: %3").arg(which, name, words));
                return;
            }
            if (guarded && guarded->isSessionOnly()) {
                done(1, QStringLiteral("no keychain is available here, so the %1 of %2 cannot be "
                                       "stored: put it in an environment variable and set the "
                                       "connection's credential to {\"env\": \"VARIABLE\"}")
                            .arg(which, name));
                return;
            }
            done(0, QStringLiteral("stored the %1 of %2 in the keychain as \"%3\"")
                        .arg(which, name, entry));
        },
        label);
}

void setDatabaseSecret(const Invocation& inv, QIODevice* input, SecretStore* store,
                       std::function<void(int, const QString&)> done)
{
    const QString address = inv.dbPath;
    const QString shown = displayAddress(address);
    if (!isPostgresAddress(address)) {
        done(2,
             QStringLiteral("%1 is not a PostgreSQL address (postgresql://USER@HOST:PORT/DBNAME): "
                            "an SQLite file has no password")
                 .arg(shown));
        return;
    }
    if (addressHoldsPassword(address)) {
        done(2, QStringLiteral("the address %1 holds a password: give the address without it and "
                               "the password on standard input")
                    .arg(shown));
        return;
    }
    const QString entry = databaseSecretName(address);
    QByteArray line = input ? input->readLine(64 * 1024) : QByteArray();
    // Only the line break goes: spaces may be part of a password.
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    const QString password = QString::fromUtf8(line);
    line.fill('\0');
    if (password.isEmpty()) {
        done(2,
             QStringLiteral("no password on standard input (type it when asked, or pipe it in)"));
        return;
    }
    QPointer<SecretStore> guarded = store;
    store->write(
        entry, password,
        [guarded, done, shown, entry](bool ok, const QString& words) {
            if (!ok) {
                done(1, QStringLiteral("the password of %1 was not stored: %2").arg(shown, words));
                return;
            }
            if (guarded && guarded->isSessionOnly()) {
                done(1, QStringLiteral("no keychain is available here, so the password of %1 "
                                       "cannot be stored: give it in PGPASSWORD or ~/.pgpass "
                                       "instead")
                            .arg(shown));
                return;
            }
            done(0, QStringLiteral("stored the password of %1 in the keychain as \"%2\"")
                        .arg(shown, entry));
        },
        DatabasePassword::label(address));
}

namespace {

// The password typed on the terminal without echo; empty when standard input is no terminal.
QByteArray readPasswordFromTerminal(const QString& address)
{
    if (!::isatty(STDIN_FILENO))
        return {};
    std::fprintf(stderr, "Password for %s: ", qPrintable(displayAddress(address)));
    std::fflush(stderr);
    termios saved{};
    const bool quiet = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (quiet) {
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    QByteArray line(4096, '\0');
    const bool read = std::fgets(line.data(), int(line.size()), stdin) != nullptr;
    if (quiet)
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fputs("\n", stderr);
    line.truncate(read ? qsizetype(std::strlen(line.constData())) : 0);
    return line;
}

} // namespace

int runSecret(const Invocation& inv)
{
    QBuffer typed;
    QFile piped;
    QIODevice* input = &piped;
    std::optional<Workspace> ws;
    if (!inv.dbPath.isEmpty() && ::isatty(STDIN_FILENO)) {
        QByteArray line = readPasswordFromTerminal(inv.dbPath);
        typed.setData(line);
        line.fill('\0');
        typed.open(QIODevice::ReadOnly);
        input = &typed;
    } else if (!piped.open(stdin, QIODevice::ReadOnly)) {
        printError(QStringLiteral("could not read standard input"));
        return 2;
    }
    if (inv.dbPath.isEmpty()) {
        const QString path =
            inv.workspacePath.isEmpty() ? rememberedWorkspace() : inv.workspacePath;
        if (path.isEmpty()) {
            printError(QStringLiteral("no workspace: pass --workspace FILE"));
            return 2;
        }
        QString error;
        ws = Workspace::load(path, &error);
        if (!ws) {
            printError(error);
            return 2;
        }
    }
    int exitCode = -1;
    QString words;
    const auto done = [&](int code, const QString& w) {
        exitCode = code;
        words = w;
        QCoreApplication::exit(code);
    };
    if (ws)
        setSecret(inv, *ws, input, SecretStore::shared(), done);
    else
        setDatabaseSecret(inv, input, SecretStore::shared(), done);
    if (exitCode < 0)
        QCoreApplication::exec();
    if (exitCode == 0)
        std::fprintf(stderr, "inferscope: %s\n", qPrintable(words));
    else
        printError(words);
    return exitCode;
}

} // namespace isc::app
