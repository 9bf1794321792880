#include "net/tokenprovider.h"

#include <QDateTime>
#include <QPointer>
#include <QTimer>
#include <algorithm>
#include <vector>

namespace isc {

struct TokenProvider::Private
{
    AccessToken cached;
    qint64 obtainedAt = 0; // seconds UTC: when `cached` arrived, for its lifetime
    QString lastError;
    bool fetching = false;
    std::function<qint64()> clock = [] { return QDateTime::currentSecsSinceEpoch(); };
    std::vector<std::function<void(const AccessToken&, const QString&)>> waiting;

    bool fresh(qint64 nowUtc) const
    {
        const qint64 margin = refreshMarginSeconds(cached.expiresAtUtc - obtainedAt);
        return cached.isValid(nowUtc) && cached.expiresAtUtc - nowUtc >= margin;
    }
};

qint64 TokenProvider::refreshMarginSeconds(qint64 lifetimeSeconds)
{
    return std::clamp<qint64>(lifetimeSeconds / 4, 0, kRefreshMarginSeconds);
}

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
                     ? QStringLiteral("still signing in (the token has not arrived yet); "
                                      "the next try will use it")
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

void TokenProvider::whenReady(QObject* context, int timeoutMs, std::function<void()> done)
{
    QPointer<QObject> guard = context;
    auto fired = std::make_shared<bool>(false);
    // Always posted: `done` never runs inside this call, even when a fetch ends at once.
    QPointer<TokenProvider> self = this;
    auto once = [self, guard, fired, done = std::move(done)] {
        if (*fired || !self)
            return;
        *fired = true;
        QMetaObject::invokeMethod(
            self.data(),
            [guard, done] {
                if (guard)
                    done();
            },
            Qt::QueuedConnection);
    };
    if (d->cached.isValid(now())) {
        once();
        return;
    }
    d->waiting.push_back([once](const AccessToken&, const QString&) { once(); });
    if (context)
        QTimer::singleShot(std::max(0, timeoutMs), context, once);
    refresh();
}

bool TokenProvider::isPending() const
{
    return d->fetching && !d->cached.isValid(now());
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
        d->obtainedAt = now();
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
