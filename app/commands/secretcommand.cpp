#include "secretcommand.h"

#include "commands.h"
#include "session.h"

#include "net/secretstore.h"

#include <QCoreApplication>
#include <QFile>
#include <QIODevice>
#include <QPointer>
#include <cstdio>

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

int runSecret(const Invocation& inv)
{
    const QString path = inv.workspacePath.isEmpty() ? rememberedWorkspace() : inv.workspacePath;
    if (path.isEmpty()) {
        printError(QStringLiteral("no workspace: pass --workspace FILE"));
        return 2;
    }
    QString error;
    const auto ws = Workspace::load(path, &error);
    if (!ws) {
        printError(error);
        return 2;
    }
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        printError(QStringLiteral("could not read standard input"));
        return 2;
    }
    int exitCode = -1;
    QString words;
    setSecret(inv, *ws, &in, SecretStore::shared(), [&](int code, const QString& w) {
        exitCode = code;
        words = w;
        QCoreApplication::exit(code);
    });
    if (exitCode < 0)
        QCoreApplication::exec();
    if (exitCode == 0)
        std::fprintf(stderr, "inferscope: %s\n", qPrintable(words));
    else
        printError(words);
    return exitCode;
}

} // namespace isc::app
