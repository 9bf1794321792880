#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <utility>

namespace isc {

using HttpHeader = std::pair<QByteArray, QByteArray>;

/// A request as sources build it. Credentials go in `headers`; the client never sends them to
/// another origin.
struct HttpRequest
{
    QUrl url;
    QByteArray method = "GET";
    QList<HttpHeader> headers;
    QByteArray body;
    int timeoutMs = 30000; ///< inactivity timeout
    /// The whole request, retries and their waits included, ms (0 = none): a server that
    /// trickles or stalls ends with Kind::Timeout. stream(): until the headers arrive.
    int deadlineMs = 60000;
    /// stream() only: the most time from the start to the first body byte of a 2xx answer,
    /// every attempt and retry wait included, ms; 0 = none. No retry starts past it.
    int firstByteTimeoutMs = 0;
    int connectTimeoutMs = 5000;            ///< time to open the connection, as the SDKs
    qint64 maxBodyBytes = 64 * 1024 * 1024; ///< larger bodies fail with Kind::TooLarge
    int maxRetries = 2;                     ///< as the official SDKs
    int maxRetryAfterMs = 60000; ///< a server asking to wait longer ends with Kind::Throttled
    /// A request to a scope a server asked to leave alone (ThrottleGate) waits this long at
    /// most, ms; a longer hold fails at once with Kind::Throttled, unsent.
    int maxThrottleWaitMs = 10000;
    /// e.g. "application/json": a 2xx answer of another media type fails with Kind::Parse.
    QByteArray expectContentType;
    /// The hosts the credential headers (Authorization, api-key, x-api-key) may go to; empty =
    /// any. A request with credentials to another host fails with Kind::Auth, unsent.
    QStringList credentialHosts;
};

/// Every failure, classified so the UI can say what happened in words.
struct HttpError
{
    enum class Kind {
        None,
        Network,
        Timeout,
        Tls,
        HttpStatus,
        Auth,
        Throttled,
        TooLarge,
        Cancelled,
        Parse ///< the answer arrived but is not what was asked for (malformed JSON, HTML page)
    };
    Kind kind = Kind::None;
    QString message;          ///< one line of words, e.g. "rate-limited until 14:02:10 UTC"
    qint64 retryAfterUtc = 0; ///< seconds UTC, for Throttled
};

struct HttpResponse
{
    int status = 0;
    QByteArray body;
    QList<HttpHeader> headers; ///< names lower-cased
    HttpError error;
    qint64 elapsedMs = 0;
    int attempts = 0;

    bool ok() const { return error.kind == HttpError::Kind::None; }
    /// The value of a header (name matched case-insensitively), empty when absent.
    QByteArray header(const QByteArray& name) const;
};

/// Short words for an error kind, for a status column: "network", "timeout", "rate-limited"...
QString kindLabel(HttpError::Kind kind);

/// The error as one sentence for the UI: the message, or words for its kind when empty.
QString describe(const HttpError& error);

/// A Kind::Parse error for an unreadable answer from `url`; `detail` says what was wrong, e.g.
/// "unexpected end of data at offset 120".
HttpError parseError(const QUrl& url, const QString& detail);

/// True for the headers that carry a credential: Authorization, api-key, x-api-key, ...
bool isCredentialHeader(const QByteArray& name);

} // namespace isc

Q_DECLARE_METATYPE(isc::HttpResponse)
