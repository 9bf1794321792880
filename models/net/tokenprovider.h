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
/// background, keeps it in memory only, and fetches a new one when less than 2 minutes are
/// left. token() never blocks, so it can be a source's SecretProvider.
class TokenProvider : public QObject
{
    Q_OBJECT
public:
    /// Fetch again when fewer than this many seconds are left.
    static constexpr qint64 kRefreshMarginSeconds = 120;

    explicit TokenProvider(QObject* parent = nullptr);
    ~TokenProvider() override;

    /// The cached token when it has at least 2 minutes left. With less, starts a fetch and
    /// still returns the old token while it works; with none, starts a fetch and returns empty
    /// with `error` set to words (the last failure, or that sign-in is in progress).
    QString token(QString* error);

    /// Starts a fetch unless one is running (the result comes with tokenChanged()/failed()).
    void refresh();

    /// Calls `done` (in this object's thread) with a token that has 2 minutes left, fetching
    /// one first if needed; `done` gets an empty token and the error on failure.
    void fetch(std::function<void(const AccessToken&, const QString& error)> done);

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
