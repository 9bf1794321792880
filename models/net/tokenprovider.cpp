#include "net/tokenprovider.h"

#include <QDateTime>
#include <vector>

namespace isc {

struct TokenProvider::Private
{
    AccessToken cached;
    QString lastError;
    bool fetching = false;
    std::function<qint64()> clock = [] { return QDateTime::currentSecsSinceEpoch(); };
    std::vector<std::function<void(const AccessToken&, const QString&)>> waiting;

    bool fresh(qint64 nowUtc) const
    {
        return cached.isValid(nowUtc) && cached.expiresAtUtc - nowUtc >= kRefreshMarginSeconds;
    }
};

TokenProvider::TokenProvider(QObject* parent) : QObject(parent), d(std::make_unique<Private>()) {}

TokenProvider::~TokenProvider() = default;

QString TokenProvider::token(QString* error)
{
    const qint64 t = now();
    if (d->fresh(t))
        return d->cached.token;
    refresh();
    if (d->cached.isValid(t))
        return d->cached.token; // still usable while the new one comes
    if (error)
        *error = d->lastError.isEmpty()
                     ? QStringLiteral("signing in; the token is not there yet, the next try "
                                      "will use it")
                     : d->lastError;
    return {};
}

void TokenProvider::refresh()
{
    if (d->fetching)
        return;
    d->fetching = true;
    startFetch();
}

void TokenProvider::fetch(std::function<void(const AccessToken&, const QString&)> done)
{
    if (d->fresh(now())) {
        done(d->cached, QString());
        return;
    }
    d->waiting.push_back(std::move(done));
    refresh();
}

AccessToken TokenProvider::cached() const
{
    return d->cached;
}

void TokenProvider::setClock(std::function<qint64()> nowUtc)
{
    d->clock = std::move(nowUtc);
}

qint64 TokenProvider::now() const
{
    return d->clock();
}

void TokenProvider::finishFetch(const AccessToken& token, const QString& error)
{
    d->fetching = false;
    if (!token.token.isEmpty()) {
        d->cached = token;
        d->lastError.clear();
    } else {
        d->lastError = error;
    }
    auto waiting = std::move(d->waiting);
    d->waiting.clear();
    for (auto& done : waiting)
        done(token.token.isEmpty() ? AccessToken() : token,
             token.token.isEmpty() ? error : QString());
    if (!token.token.isEmpty())
        emit tokenChanged();
    else
        emit failed(error);
}

} // namespace isc
