// Emulator faults, for tests of the HTTP policy. A request carrying
//   x-inferscope-fault: <mode>[;key=value...]
// is answered with that fault instead of the normal answer. Modes:
//   429                   429 with a retry hint. header=retry-after-ms (default) |
//                         x-ms-retry-after-ms | retry-after (whole seconds, rounded up) |
//                         retry-after-date (an HTTP date at least ms away) | none; ms=N (1000).
//   500, 502, 503, 529    that status (529 = Anthropic "overloaded"); header= and ms= as for 429
//                         (default: no hint, so the client uses its own backoff).
//   spend-limit           Anthropic's 429 `enforced_spend_limit_reached`, which must not be
//   retried. truncate              200 announcing a JSON body, half of it sent, then the connection
//   closes. malformed             200 application/json whose body is broken JSON. content-type 200
//   text/html: an error page from a gateway instead of JSON. drip                  200 JSON
//   streamed in chunks=N (10) pieces, one every ms=N (100). stall                 200 headers, then
//   nothing (the client's inactivity timeout must fire). redirect-cross-origin 302 to another
//   origin: to=<origin> (e.g. http://127.0.0.1:PORT), by
//                         default the same port under the other loopback name (127.0.0.1 <->
//                         localhost), same path.
//   redirect-same-origin  302 to the same path on this server (followed once, then served).
// Every mode takes times=N: only the first N requests carrying the same
// `x-inferscope-fault-id: <id>` value fail, later ones are served normally (so a retry can
// succeed). Requests reached through a redirect made here are never faulted again.
#include "emulator/faultinjector.h"

#include <QDateTime>
#include <QHash>
#include <QLocale>
#include <QMutex>
#include <QTimer>
#include <cmath>

namespace isc::emu {
namespace {

constexpr char kRedirectedMarker[] = "inferscope-fault=redirected";

struct Fault
{
    QByteArray mode;
    QHash<QByteArray, QByteArray> options;

    QByteArray option(const char* key, const QByteArray& fallback = {}) const
    {
        return options.value(QByteArray(key), fallback);
    }
    int intOption(const char* key, int fallback) const
    {
        bool ok = false;
        const int v = option(key).toInt(&ok);
        return ok && v >= 0 ? v : fallback;
    }
};

Fault parseFault(const QByteArray& value)
{
    Fault f;
    const QList<QByteArray> parts = value.split(';');
    f.mode = parts.value(0).trimmed().toLower();
    for (int i = 1; i < parts.size(); ++i) {
        const QByteArray part = parts.at(i).trimmed();
        const int eq = part.indexOf('=');
        if (eq > 0)
            f.options.insert(part.left(eq).trimmed().toLower(), part.mid(eq + 1).trimmed());
    }
    return f;
}

// Requests seen per fault id, for times=N. Process-wide: ids are chosen unique by each test.
QHash<QByteArray, int>& seenPerId()
{
    static QHash<QByteArray, int> seen;
    return seen;
}

QMutex& seenMutex()
{
    static QMutex mutex;
    return mutex;
}

// True when this request should fail under times=N (always when no times= or no id).
bool withinTimes(const HttpServerRequest& req, const Fault& f)
{
    const int times = f.intOption("times", -1);
    const QByteArray id = req.header("x-inferscope-fault-id");
    if (times < 0 || id.isEmpty())
        return true;
    const QMutexLocker lock(&seenMutex());
    int& n = seenPerId()[f.mode + '\n' + id];
    return n++ < times;
}

QByteArray httpDate(qint64 msecsUtc)
{
    return QLocale::c()
        .toString(QDateTime::fromMSecsSinceEpoch(msecsUtc, Qt::UTC),
                  QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
        .toLatin1();
}

// The retry hint header= and ms= ask for; nothing for header=none.
QList<HttpServerHeader> retryHint(const Fault& f, const QByteArray& defaultHeader)
{
    const QByteArray header = f.option("header", defaultHeader).toLower();
    const qint64 ms = f.intOption("ms", 1000);
    if (header == "retry-after-ms" || header == "x-ms-retry-after-ms")
        return {{header, QByteArray::number(ms)}};
    if (header == "retry-after")
        return {{"retry-after", QByteArray::number((ms + 999) / 1000)}};
    if (header == "retry-after-date") {
        // Dates have whole seconds: the next second boundary at least `ms` away.
        const qint64 at = (QDateTime::currentMSecsSinceEpoch() + ms + 999) / 1000 * 1000;
        return {{"retry-after", httpDate(at)}};
    }
    return {};
}

QByteArray errorJson(const QByteArray& type, const QByteArray& message)
{
    return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message +
           "\"}}";
}

// A small valid JSON document, the body the non-fault modes distort.
QByteArray sampleJson()
{
    QByteArray json = "{\"object\":\"list\",\"data\":[";
    for (int i = 0; i < 20; ++i) {
        if (i)
            json += ',';
        json += "{\"index\":" + QByteArray::number(i) + ",\"value\":\"emulated fault payload\"}";
    }
    return json + "],\"has_more\":false}";
}

QByteArray redirectTarget(const HttpServerRequest& req, const Fault& f, bool crossOrigin)
{
    QByteArray pathAndQuery = req.target;
    pathAndQuery += pathAndQuery.contains('?') ? '&' : '?';
    pathAndQuery += kRedirectedMarker;
    if (!crossOrigin)
        return pathAndQuery;
    QByteArray origin = f.option("to");
    if (origin.isEmpty()) {
        QByteArray host = req.header("host");
        const int colon = host.lastIndexOf(':');
        const QByteArray port = colon > 0 ? host.mid(colon) : QByteArray();
        const QByteArray name = colon > 0 ? host.left(colon) : host;
        origin = (name == "localhost" ? QByteArray("http://127.0.0.1") : "http://localhost") + port;
    }
    while (origin.endsWith('/'))
        origin.chop(1);
    return origin + pathAndQuery;
}

void drip(HttpServerResponder r, QByteArray rest, int pieceBytes, int intervalMs)
{
    if (!r.isConnected())
        return;
    r.writeChunk(rest.left(pieceBytes));
    rest.remove(0, pieceBytes);
    if (rest.isEmpty()) {
        r.endStream();
        return;
    }
    QTimer::singleShot(
        intervalMs, [r, rest, pieceBytes, intervalMs] { drip(r, rest, pieceBytes, intervalMs); });
}

} // namespace

bool injectFault(const HttpServerRequest& req, HttpServerResponder& r)
{
    const QByteArray header = req.header("x-inferscope-fault");
    if (header.isEmpty() || req.rawQuery().contains(kRedirectedMarker))
        return false;
    const Fault f = parseFault(header);
    if (!withinTimes(req, f))
        return false;
    const QList<HttpServerHeader> json{{"Content-Type", "application/json"}};

    if (f.mode == "429") {
        r.respond(429, json + retryHint(f, "retry-after-ms"),
                  errorJson("rate_limit_error", "emulated rate limit"));
        return true;
    }
    if (f.mode == "500" || f.mode == "502" || f.mode == "503" || f.mode == "529") {
        const int status = f.mode.toInt();
        const QByteArray body = status == 529
                                    ? errorJson("overloaded_error", "Overloaded")
                                    : errorJson("api_error", "emulated server error " + f.mode);
        r.respond(status, json + retryHint(f, "none"), body);
        return true;
    }
    if (f.mode == "spend-limit") {
        r.respond(429, json + retryHint(f, "retry-after"),
                  errorJson("enforced_spend_limit_reached",
                            "This request would exceed your account's spend limit."));
        return true;
    }
    if (f.mode == "truncate") {
        const QByteArray body = sampleJson();
        r.respondTruncated(200, json, body, static_cast<int>(body.size() / 2));
        return true;
    }
    if (f.mode == "malformed") {
        r.respond(200, json, "{\"object\":\"list\",\"data\":[{\"index\":0,\"value\":");
        return true;
    }
    if (f.mode == "content-type") {
        r.respond(200, {{"Content-Type", "text/html; charset=utf-8"}},
                  "<html><head><title>Gateway error</title></head><body><h1>Sorry</h1>"
                  "<p>The service is unavailable.</p></body></html>");
        return true;
    }
    if (f.mode == "drip") {
        const QByteArray body = sampleJson();
        const int chunks = std::max(1, f.intOption("chunks", 10));
        const int piece = static_cast<int>(std::ceil(static_cast<double>(body.size()) / chunks));
        r.beginStream(200, json);
        drip(r, body, piece, f.intOption("ms", 100));
        return true;
    }
    if (f.mode == "stall") {
        r.beginStream(200, json); // and nothing more: the connection stays open
        return true;
    }
    if (f.mode == "redirect-cross-origin" || f.mode == "redirect-same-origin") {
        r.respond(302, {{"Location", redirectTarget(req, f, f.mode == "redirect-cross-origin")}});
        return true;
    }
    r.respondJson(400, errorJson("invalid_request_error",
                                 "unknown x-inferscope-fault mode '" + f.mode + "'"));
    return true;
}

} // namespace isc::emu
