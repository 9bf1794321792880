#pragma once

#include "net/httpclient.h"
#include "net/httptypes.h"

#include <QObject>
#include <memory>

namespace isc {

class StreamConnectionPool;

/// One streamed HTTP/1.1 request on a keep-alive connection of a StreamConnectionPool, in the
/// calling thread, so a body byte reaches onData one socket read after it arrived. The request
/// goes out in one write with TCP_NODELAY; chunked, Content-Length and close-delimited bodies;
/// HttpClient's policy: connect timeout, inactivity timeout, retries only before the first body
/// byte, same-origin redirects only, the body-size cap.
class StreamConnection : public QObject
{
    Q_OBJECT
public:
    /// `callbacks.onFinished` runs once at the end (not after cancel()); a callback may cancel().
    StreamConnection(StreamConnectionPool* pool, const HttpRequest& request,
                     HttpClient::StreamCallbacks callbacks, QObject* parent = nullptr);
    ~StreamConnection() override;

    /// Sends the request (on an idle connection at once). No callback runs inside start().
    void start();
    /// Stops now: the connection is closed, nothing stays pending and no callback runs after.
    void cancel();
    /// True once finished or cancelled.
    bool isDone() const;
    /// Attempts made so far (1 = no retry).
    int attempts() const;
    /// True when the last attempt ran on a connection reused from the pool.
    bool reusedConnection() const;

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
