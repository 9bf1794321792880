#include "streamconnection_p.h"

namespace isc {
namespace {

constexpr int kMaxRedirects = 5;

bool sameOrigin(const QUrl& a, const QUrl& b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 &&
           a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           httpHostPort(a) == httpHostPort(b);
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

} // namespace

HttpResponse StreamConnection::Private::answer() const
{
    HttpResponse r;
    r.status = reader.status;
    r.headers = reader.headers;
    r.attempts = attempts;
    return r;
}

void StreamConnection::Private::onReadyRead(quint64 gen)
{
    if (gen != generation || (phase != Phase::Head && phase != Phase::Body))
        return;
    if (buf.size() == pos) {
        buf = socket->readAll();
        pos = 0;
    } else {
        buf += socket->readAll();
    }
    attemptGotBytes = true;
    if (request.timeoutMs > 0)
        lastActivity.start();
    process(gen);
}

void StreamConnection::Private::process(quint64 gen)
{
    if (phase == Phase::Head && !parseHead())
        return;
    if (gen != generation || phase != Phase::Body)
        return;
    QByteArray out;
    QString error;
    const bool complete = reader.readBody(buf, &pos, &out, &error);
    if (pos == buf.size()) {
        buf.clear();
        pos = 0;
    }
    if (!error.isEmpty()) {
        fail(HttpError::Kind::Network,
             QStringLiteral("%1 sent a malformed HTTP answer (%2)").arg(where(), error));
        return;
    }
    if (!out.isEmpty() && !deliver(out, gen))
        return;
    if (complete)
        completeAttempt();
}

// Returns true when the head is complete and the body phase has begun.
bool StreamConnection::Private::parseHead()
{
    QString error;
    switch (reader.readHead(buf, &pos, where(), &error)) {
    case HttpResponseReader::Head::NeedMore:
        return false;
    case HttpResponseReader::Head::Malformed:
        fail(HttpError::Kind::Network, error);
        return false;
    case HttpResponseReader::Head::Complete:
        break;
    }
    if (!reader.startBody(request.method, where(), &error)) {
        fail(HttpError::Kind::Network, error);
        return false;
    }
    if (reader.mode == BodyMode::Length && reader.remaining > request.maxBodyBytes) {
        fail(HttpError::Kind::TooLarge,
             QStringLiteral("the response from %1 is larger than %2 and was refused")
                 .arg(where(), formatByteSize(request.maxBodyBytes)));
        return false;
    }
    if (isRedirect(reader.status) && !reader.header("location").isEmpty()) {
        followRedirect();
        return false;
    }
    phase = Phase::Body;
    if (is2xx() && cb.onHeaders) {
        const quint64 gen = generation;
        cb.onHeaders(reader.status, reader.headers);
        if (gen != generation || phase != Phase::Body)
            return false; // cancelled from the callback
    }
    return true;
}

// Returns false when the attempt ended (cancelled from the callback, or too large).
bool StreamConnection::Private::deliver(const QByteArray& data, quint64 gen)
{
    if (!is2xx()) {
        errorBody += data;
        if (errorBody.size() > request.maxBodyBytes) {
            fail(HttpError::Kind::TooLarge,
                 QStringLiteral("the response from %1 is larger than %2 and was refused")
                     .arg(where(), formatByteSize(request.maxBodyBytes)));
            return false;
        }
        return true;
    }
    streamedBytes += data.size();
    if (streamedBytes > request.maxBodyBytes) {
        fail(HttpError::Kind::TooLarge,
             QStringLiteral("the response from %1 is larger than %2 and was refused")
                 .arg(where(), formatByteSize(request.maxBodyBytes)));
        return false;
    }
    bodyStarted = true;
    firstByteTimer.stop();
    if (cb.onData)
        cb.onData(data);
    return gen == generation && phase == Phase::Body;
}

void StreamConnection::Private::completeAttempt()
{
    inactivity.stop();
    releaseSocket(reader.keepAlive && reader.mode != BodyMode::Close && pos == buf.size());
    HttpResponse resp = answer();
    if (is2xx()) {
        resp.error = contentTypeError(request, resp);
        finish(resp);
        return;
    }
    resp.body = errorBody;
    HttpVerdict verdict = judgeHttpAnswer(request, resp, reader.reason, attempts);
    if (verdict.retry && !retryFits(verdict.retryDelayMs)) {
        // The retry would start past the first-byte budget: this answer is the last one.
        HttpRequest last = request;
        last.maxRetries = attempts - 1;
        verdict = judgeHttpAnswer(last, resp, reader.reason, attempts);
    }
    if (verdict.retry) {
        scheduleRetry(verdict.retryDelayMs);
        return;
    }
    resp.error = verdict.error;
    finish(resp);
}

void StreamConnection::Private::followRedirect()
{
    HttpResponse resp = answer();
    const QUrl target = request.url.resolved(QUrl::fromEncoded(resp.header("location")));
    releaseSocket(false); // its body is of no interest
    if (!target.isValid() || !sameOrigin(target, request.url)) {
        // Credentials travel in the headers: another origin never gets them.
        resp.error = {HttpError::Kind::HttpStatus,
                      QStringLiteral("%1 redirected to another origin (%2); not followed so the "
                                     "credentials stay with %3")
                          .arg(where(),
                               target.isValid() ? httpOrigin(target) : QStringLiteral("unknown"),
                               httpOrigin(request.url)),
                      0};
        finish(resp);
        return;
    }
    if (redirects >= kMaxRedirects) {
        resp.error = {HttpError::Kind::HttpStatus,
                      QStringLiteral("%1 redirected too many times").arg(where()), 0};
        finish(resp);
        return;
    }
    ++redirects;
    const int status = reader.status;
    if (status == 303 ||
        ((status == 301 || status == 302) && request.method != "GET" && request.method != "HEAD")) {
        request.method = "GET"; // as browsers and QNAM do
        request.body.clear();
    }
    request.url = target;
    startAttempt(false);
}

} // namespace isc
