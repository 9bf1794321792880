#pragma once

#include "core/workspace.h"
#include "sources/credentialprovider.h"
#include "sources/source.h"

#include <QObject>
#include <functional>
#include <memory>

namespace isc {

class HttpClient;

/// What "Test connection" found, in words a user can act on.
struct ConnectionTestResult
{
    bool ok = false;
    QString summary;    ///< one line: "Connected in 38 ms", "Authentication failed (HTTP 401)"
    QString detail;     ///< the provider's own message or what was checked, may be empty
    int httpStatus = 0; ///< 0 when no HTTP answer came
    qint64 latencyMs = -1;
};

/// Sends one cheap, read-only request a connection's kind answers (ARM metric definitions,
/// an admin usage page of one bucket, a Prometheus scrape, Ollama's version) with its
/// credential, through the shared HTTP policy, and says what happened.
class ConnectionTester : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionTester(HttpClient* http, QObject* parent = nullptr);
    ~ConnectionTester() override;

    /// Tests `connection`; `done` runs once on this object's thread. `secret` gives its
    /// monitoring credential (may be empty for local servers).
    void test(const Connection& connection, SecretProvider secret,
              std::function<void(const ConnectionTestResult&)> done);
    /// As above, first waiting (up to kCredentialWaitMs) for a credential still being read from
    /// the keychain or signed in; `done` then says what the credential still lacked, in words.
    void test(const Connection& connection, const Credential& credential,
              std::function<void(const ConnectionTestResult&)> done);
    /// Replaces the wall clock (seconds UTC) used for the time window of admin APIs.
    void setClock(std::function<qint64()> nowUtc);

    /// The request test() sends for `connection` with credential `secret` (pure, for tests).
    static QUrl testUrl(const Connection& connection, qint64 nowUtc);

private:
    HttpClient* m_http;
    std::function<qint64()> m_clock;
};

} // namespace isc
