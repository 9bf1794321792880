#include "databasepassword.h"

#include "net/secretstore.h"
#include "store/storebackend.h"

#include <QEventLoop>

namespace isc::app {

QString DatabasePassword::label(const QString& address)
{
    return QStringLiteral("Inferscope: database %1").arg(databaseSecretName(address));
}

StoreSettings DatabasePassword::settingsFor(const QString& address, SecretStore* secrets,
                                            StoreSettings base, int timeoutMs)
{
    const QString entry = databaseSecretName(address);
    if (entry.isEmpty() || !secrets)
        return base;
    if (!secrets->value(entry)) {
        secrets->preload({entry});
        if (secrets->isLoading(entry)) {
            QEventLoop loop;
            secrets->whenLoaded(entry, &loop, timeoutMs, [&loop] { loop.quit(); });
            loop.exec();
        }
    }
    const std::optional<QString> found = secrets->value(entry);
    if (found && !found->isEmpty()) {
        base.password = *found;
        base.passwordOrigin = QStringLiteral("the keychain entry \"%1\"").arg(entry);
    } else if (secrets->isSessionOnly()) {
        base.passwordOrigin = QStringLiteral("the keychain (none is available here)");
    } else if (secrets->isLoading(entry)) {
        base.passwordOrigin =
            QStringLiteral("the keychain (no answer for \"%1\" within %2 s: is the keyring "
                           "waiting to be unlocked?)")
                .arg(entry)
                .arg(timeoutMs / 1000);
    } else if (secrets->isAbsent(entry)) {
        base.passwordOrigin = QStringLiteral("the keychain (no entry \"%1\")").arg(entry);
    } else {
        base.passwordOrigin =
            QStringLiteral("the keychain (the entry \"%1\" could not be read: is the keyring "
                           "locked?)")
                .arg(entry);
    }
    return base;
}

OpenReport DatabasePassword::prompt(const QString& address, const StoreSettings& base,
                                    const OpenReport& failed, const Ask& ask, const Open& open,
                                    SecretStore* secrets)
{
    OpenReport last = failed;
    while (last.passwordRefused) {
        const std::optional<Answer> answer = ask(last.message);
        if (!answer)
            return last;
        StoreSettings settings = base;
        settings.password = answer->password;
        settings.passwordOrigin = QStringLiteral("the prompt");
        last = open(settings);
        if (last.usable() && answer->remember && secrets) {
            const QString shown = displayAddress(address);
            secrets->write(
                databaseSecretName(address), answer->password,
                [shown](bool ok, const QString& words) {
                    if (!ok || !words.isEmpty())
                        qWarning("The password of %s was not stored in the keychain: %s",
                                 qPrintable(shown), qPrintable(words));
                },
                label(address));
        }
    }
    return last;
}

} // namespace isc::app
