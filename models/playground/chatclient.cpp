#include "chatclient.h"

#include "net/httpclient.h"
#include "net/retrypolicy.h"
#include "net/sseparser.h"
#include "playground/chatstreamdecoder.h"
#include "playground/chatwire.h"
#include "playground/tokenestimator.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QPointer>

namespace isc {
namespace {

QString firstHeader(const QList<HttpHeader>& headers, std::initializer_list<const char*> names)
{
    for (const char* name : names) {
        for (const auto& [k, v] : headers) {
            if (k.compare(name, Qt::CaseInsensitive) == 0 && !v.isEmpty())
                return QString::fromUtf8(v);
        }
    }
    return {};
}

QString seconds(qint64 ms)
{
    return QString::number(ms / 1000.0, 'f', ms < 10000 ? 1 : 0);
}

} // namespace

struct ChatClient::Private
{
    ChatClient* q = nullptr;
    QPointer<HttpClient> http;
    PriceLookup price;

    bool running = false;
    bool waitingForKey = false; ///< run() waits for target.keyReady before sending
    quint64 generation = 0;     ///< one per run: a key arriving for an ended run is dropped
    quint64 requestId = 0;
    ChatTarget target;
    ChatRequest request;
    std::optional<ChatStreamDecoder> decoder;
    SseParser parser;
    QElapsedTimer clock;
    double firstTokenMs = -1;
    double lastTokenMs = -1;
    double gapSumMs = 0;
    int chunks = 0;
    int status = 0;
    QList<HttpHeader> headers;

    void send();
    void onData(const QByteArray& bytes);
    void onText(const QString& text);
    void finish(const HttpResponse& response);
    RunResult result(const HttpResponse& response);
};

void ChatClient::Private::onText(const QString& text)
{
    if (text.isEmpty())
        return;
    const double now = double(clock.nsecsElapsed()) / 1e6;
    if (firstTokenMs < 0)
        firstTokenMs = now;
    else
        gapSumMs += now - lastTokenMs;
    lastTokenMs = now;
    ++chunks;
    emit q->delta(text);
}

void ChatClient::Private::onData(const QByteArray& bytes)
{
    QVector<SseEvent> events;
    parser.feed(bytes, &events);
    const quint64 id = requestId;
    for (const SseEvent& e : events) {
        onText(decoder->decode(e));
        if (!running || requestId != id)
            return; // a delta() slot cancelled or restarted
    }
}

RunResult ChatClient::Private::result(const HttpResponse& resp)
{
    RunResult r;
    r.target = target.name;
    RunMetrics& m = r.metrics;
    m.httpStatus = resp.status ? resp.status : status;
    const QList<HttpHeader>& h = resp.headers.isEmpty() ? headers : resp.headers;
    m.rateLimitRemainingRequests = firstHeader(
        h, {"x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-remaining"});
    m.rateLimitRemainingTokens =
        firstHeader(h, {"x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-remaining"});
    m.region = firstHeader(h, {"x-ms-region"});
    m.requestId = firstHeader(h, {"x-request-id", "apim-request-id", "request-id"});
    m.providerHeaders = providerResponseHeaders(h);
    m.attempts = resp.attempts;

    const bool httpOk = resp.ok() && resp.status >= 200 && resp.status < 300;
    if (httpOk && !request.stream) {
        if (!decoder->decodeBody(resp.body)) {
            r.errorKind = RunResult::ErrorKind::Protocol;
            r.error = QStringLiteral("%1 answered with something that is not a chat response")
                          .arg(target.chatUrl().host());
        }
        onText(decoder->state().text);
    } else {
        onText(decoder->takeHeldText()); // half a pair the stream never completed
    }
    m.totalMs = double(clock.nsecsElapsed()) / 1e6; // after a whole body's only "token"
    const ChatStreamState& s = decoder->state();
    r.text = s.text;
    r.model = s.model.isEmpty() ? effectiveModel(target, request) : s.model;
    r.finishReason = s.finishReason;
    r.filterCategories = s.filterCategories;
    m.malformedEvents = s.malformedEvents;
    m.ttftMs = firstTokenMs;
    m.contentChunks = chunks;
    if (chunks >= 2)
        m.meanTbtMs = gapSumMs / (chunks - 1);

    // Usage: the provider's when the stream carried it whole, else a marked local estimate.
    const bool complete = s.done || !s.finishReason.isEmpty();
    m.usage = s.usage;
    if (!s.usageSeen || m.usage.input < 0) {
        m.usage.input = estimatePromptTokens(request);
        m.usage.cached = 0;
        m.usage.cacheWrite = 0;
        m.usage.estimated = true;
    }
    if (!s.usageSeen || m.usage.output < 0 || !complete) {
        m.usage.output = estimateTokens(s.text);
        m.usage.reasoning = 0;
        m.usage.estimated = true;
    }
    if (m.usage.output > 0 && firstTokenMs >= 0 && m.totalMs - firstTokenMs >= 1)
        m.outputTokensPerSecond = double(m.usage.output) / ((m.totalMs - firstTokenMs) / 1000.0);
    if (price && r.text.size() + m.usage.output > 0)
        m.cost = price(target, r.model, m.usage);

    if (r.errorKind != RunResult::ErrorKind::None)
        return r;
    using K = HttpError::Kind;
    const HttpError& e = resp.error;
    const QString where = target.chatUrl().host();
    if (e.kind == K::Cancelled) {
        r.errorKind = RunResult::ErrorKind::Cancelled;
        r.error = QStringLiteral("cancelled");
        return r;
    }
    if (e.kind == K::Timeout) {
        r.errorKind = RunResult::ErrorKind::Timeout;
        r.error = e.message +
                  (s.text.isEmpty() ? QString() : QStringLiteral(" (the answer is incomplete)"));
        return r;
    }
    if (m.httpStatus == 429 || e.kind == K::Throttled) {
        r.errorKind = RunResult::ErrorKind::RateLimited;
        const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        if (const auto wait = retry::serverRetryDelayMs(resp.headers, nowMs))
            m.retryAfterMs = *wait;
        const ChatErrorInfo info = parseChatError(resp.body);
        QString words = QStringLiteral("%1 is rate-limited (429)")
                            .arg(target.name.isEmpty() ? where : target.name);
        if (m.retryAfterMs >= 0)
            words += QStringLiteral(": retry in %1 s (after %2 UTC)")
                         .arg(seconds(m.retryAfterMs),
                              QDateTime::fromMSecsSinceEpoch(nowMs + m.retryAfterMs, Qt::UTC)
                                  .toString(QStringLiteral("HH:mm:ss")));
        else
            words += QStringLiteral(": the provider did not say when to retry; wait a minute");
        if (!info.message.isEmpty())
            words += QStringLiteral(". ") + info.message;
        r.error = words;
        return r;
    }
    if (e.kind == K::Auth) {
        const ChatErrorInfo info = parseChatError(resp.body);
        r.errorKind = RunResult::ErrorKind::Auth;
        r.error =
            QStringLiteral("%1 refused the credentials (%2)%3; check the API key and that it "
                           "belongs to this endpoint")
                .arg(where)
                .arg(m.httpStatus)
                .arg(info.message.isEmpty() ? QString() : QStringLiteral(": ") + info.message);
        return r;
    }
    if (e.kind == K::HttpStatus || (!httpOk && m.httpStatus >= 400)) {
        const ChatErrorInfo info = parseChatError(resp.body);
        if (info.isContentFilter()) {
            r.errorKind = RunResult::ErrorKind::ContentFilter;
            r.filterCategories = info.filterCategories;
            r.error = QStringLiteral("the content filter blocked the prompt (%1)")
                          .arg(info.filterDetails.isEmpty()
                                   ? QStringLiteral("no category given")
                                   : info.filterDetails.join(QStringLiteral(", ")));
            return r;
        }
        r.errorKind = RunResult::ErrorKind::Http;
        r.error = e.message.isEmpty() ? QStringLiteral("%1 answered HTTP %2: %3")
                                            .arg(where)
                                            .arg(m.httpStatus)
                                            .arg(info.message)
                                      : e.message;
        return r;
    }
    if (!resp.ok()) {
        r.errorKind = RunResult::ErrorKind::Network;
        r.error =
            e.message.isEmpty() ? QStringLiteral("the request to %1 failed").arg(where) : e.message;
        return r;
    }
    if (!s.errorMessage.isEmpty() || !s.errorType.isEmpty()) {
        r.errorKind = RunResult::ErrorKind::Provider;
        r.error = QStringLiteral("%1 reported an error in the stream (%2): %3")
                      .arg(where, s.errorType, s.errorMessage);
        return r;
    }
    if (s.finishReason == QLatin1String("content_filter")) {
        r.errorKind = RunResult::ErrorKind::ContentFilter;
        r.error = QStringLiteral("the content filter stopped the answer (%1)")
                      .arg(s.filterDetails.isEmpty() ? QStringLiteral("no category given")
                                                     : s.filterDetails.join(QStringLiteral(", ")));
        return r;
    }
    if (s.malformedEvents > 0) {
        // As the official SDKs: an event that cannot be read fails the run (the text stays).
        r.errorKind = RunResult::ErrorKind::Protocol;
        r.error =
            QStringLiteral("the stream from %1 had %2 malformed %3 (the first: %4); the "
                           "answer may be incomplete")
                .arg(where)
                .arg(s.malformedEvents)
                .arg(s.malformedEvents == 1 ? QStringLiteral("event") : QStringLiteral("events"),
                     s.malformedDetail);
        return r;
    }
    if (request.stream && !complete) {
        r.errorKind = RunResult::ErrorKind::Protocol;
        r.error =
            QStringLiteral("the stream from %1 ended before the answer was complete").arg(where);
    }
    return r;
}

void ChatClient::Private::finish(const HttpResponse& response)
{
    RunResult r = result(response);
    running = false;
    requestId = 0;
    emit q->finished(r);
}

ChatClient::ChatClient(HttpClient* http, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->http = http;
    qRegisterMetaType<isc::RunResult>();
}

ChatClient::~ChatClient()
{
    if (d->running && d->http && d->requestId)
        d->http->cancel(d->requestId); // this object is its context: no callback reaches us
}

void ChatClient::setPriceLookup(PriceLookup lookup)
{
    d->price = std::move(lookup);
}

bool ChatClient::isRunning() const
{
    return d->running;
}

bool ChatClient::run(const ChatTarget& target, const ChatRequest& request)
{
    if (d->running || !d->http)
        return false;
    d->running = true;
    d->target = target;
    d->request = request;
    d->decoder.emplace(target.dialect);
    d->parser.reset();
    d->firstTokenMs = d->lastTokenMs = -1;
    d->gapSumMs = 0;
    d->chunks = 0;
    d->status = 0;
    d->headers.clear();
    const quint64 generation = ++d->generation;
    if (target.apiKey && target.keyReady) {
        // A key from the keychain or a sign-in arrives in the background: wait (bounded) for it;
        // the run's clock starts when the request leaves.
        d->waitingForKey = true;
        target.keyReady(this, target.keyWaitMs, [this, generation] {
            if (generation != d->generation || !d->waitingForKey)
                return; // cancelled meanwhile, or another run
            d->waitingForKey = false;
            d->send();
        });
        return true;
    }
    d->send();
    return true;
}

void ChatClient::Private::send()
{
    clock.start(); // the run's timings start when the request leaves

    QString key;
    if (target.apiKey) {
        QString error;
        key = target.apiKey(&error);
        if (key.isEmpty()) {
            // Answer later: finished() never runs inside run().
            QMetaObject::invokeMethod(
                q,
                [this, error] {
                    HttpResponse resp;
                    resp.error = {HttpError::Kind::Auth, {}, 0};
                    RunResult r = result(resp);
                    r.errorKind = RunResult::ErrorKind::Auth;
                    r.error =
                        error.isEmpty()
                            ? QStringLiteral("no API key is available for %1").arg(target.name)
                            : error;
                    running = false;
                    emit q->finished(r);
                },
                Qt::QueuedConnection);
            return;
        }
    }
    const HttpRequest req = buildChatHttpRequest(target, request, key);
    if (!request.stream) {
        requestId = http->send(req, q, [this](const HttpResponse& r) { finish(r); });
        return;
    }
    HttpClient::StreamCallbacks callbacks;
    callbacks.onHeaders = [this](int s, const QList<HttpHeader>& h) {
        status = s;
        headers = h;
    };
    callbacks.onData = [this](const QByteArray& chunk) { onData(chunk); };
    callbacks.onFinished = [this](const HttpResponse& r) { finish(r); };
    requestId = http->stream(req, q, std::move(callbacks));
}

void ChatClient::cancel()
{
    if (!d->running)
        return;
    if (d->waitingForKey) {
        // Nothing was sent: end the run here; the key's late arrival is dropped.
        d->waitingForKey = false;
        d->clock.start();
        HttpResponse cancelled;
        cancelled.error = {HttpError::Kind::Cancelled, {}, 0};
        d->finish(cancelled);
        return;
    }
    if (d->http && d->requestId)
        d->http->cancel(d->requestId); // runs finish() with Kind::Cancelled
}

} // namespace isc
