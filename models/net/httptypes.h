#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
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
    int timeoutMs = 30000;                  ///< inactivity timeout
    qint64 maxBodyBytes = 64 * 1024 * 1024; ///< larger bodies fail with Kind::TooLarge
    int maxRetries = 2;                     ///< as the official SDKs
    int maxRetryAfterMs = 60000; ///< a server asking to wait longer ends with Kind::Throttled
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
        Cancelled
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

} // namespace isc

Q_DECLARE_METATYPE(isc::HttpResponse)
