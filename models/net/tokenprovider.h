#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <memory>

namespace isc {

/// A bearer token and when it stops working.
struct AccessToken
{
    QString token;
    qint64 expiresAtUtc = 0; ///< seconds UTC

    bool isValid(qint64 nowUtc) const { return !token.isEmpty() && nowUtc < expiresAtUtc; }
};

/// Base of the sign-in providers (Entra client credentials, az CLI): fetches a token in the
/// background, keeps it in memory only, and fetches a new one when less than
/// refreshMarginSeconds() are left. token() never blocks, so it can be a source's
/// SecretProvider; whenReady() lets a request wait for the sign-in first.
class TokenProvider : public QObject
{
    Q_OBJECT
public:
    /// Fetch again when fewer than this many seconds are left (long-lived tokens).
    static constexpr qint64 kRefreshMarginSeconds = 120;
    /// The margin for a token that lives `lifetimeSeconds`: 2 minutes, or a quarter of its life
    /// when that is shorter, so a short-lived token is not fetched again at every poll.
    static qint64 refreshMarginSeconds(qint64 lifetimeSeconds);

    explicit TokenProvider(QObject* parent = nullptr);
    ~TokenProvider() override;

    /// The cached token when it has more than its refresh margin left. With less, starts a fetch
    /// and still returns the old token while it works; with none, starts a fetch and returns empty
    /// with `error` set to words (the last failure, or that sign-in is in progress).
    QString token(QString* error);

    /// Starts a fetch unless one is running (the result comes with tokenChanged()/failed()).
    void refresh();

    /// Calls `done` (in this object's thread) with a token that has 2 minutes left, fetching
    /// one first if needed; `done` gets an empty token and the error on failure.
    void fetch(std::function<void(const AccessToken&, const QString& error)> done);

    /// Calls `done` once token() can answer without waiting: at once (next event-loop turn)
    /// with a usable token, else after the sign-in it starts ends, at the latest after
    /// `timeoutMs`. Never inside the call, never after `context` died.
    void whenReady(QObject* context, int timeoutMs, std::function<void()> done);

    /// True while signing in without a usable token.
    bool isPending() const;

    /// The cached token (possibly expired), for tests and status displays.
    AccessToken cached() const;

    /// Replaces the wall clock (seconds UTC), for tests.
    void setClock(std::function<qint64()> nowUtc);

signals:
    void tokenChanged();
    void failed(const QString& error);

protected:
    /// Starts one fetch; the subclass calls finishFetch() exactly once when it ends.
    virtual void startFetch() = 0;
    /// Ends the fetch started by startFetch(): a token, or an empty one and `error`.
    void finishFetch(const AccessToken& token, const QString& error);
    qint64 now() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
