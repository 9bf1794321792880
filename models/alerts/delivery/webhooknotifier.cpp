#include "webhooknotifier.h"

#include "alerts/delivery/webhookpayload.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "net/retrypolicy.h"
#include "net/secretstore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <map>

namespace isc {
namespace {

Q_LOGGING_CATEGORY(lcWebhooks, "inferscope.alerts.webhooks")

// What makes one transition of one alert instance: sent once per webhook.
QString webhookSignature(const AlertNotice& n)
{
    return transitionName(n.transition) + QLatin1Char('|') +
           n.startsAt.toString(Qt::ISODateWithMs) + QLatin1Char('|') +
           (n.transition == AlertNotice::Transition::Resolved ? n.at.toString(Qt::ISODateWithMs)
                                                              : QString());
}

QString secondsWords(qint64 ms)
{
    return QString::number(static_cast<double>(ms) / 1000.0, 'f', ms < 10000 ? 1 : 0) +
           QStringLiteral(" s");
}

} // namespace

struct WebhookNotifier::Private
{
    struct Delivery
    {
        quint64 id = 0;
        WebhookConfig hook;
        AlertNotice notice;
        QByteArray body;
        QUrl url;
        QString target = QStringLiteral("…");
        int attempt = 0;
        QElapsedTimer since;
        QTimer* timer = nullptr;
    };

    WebhookNotifier* q = nullptr;
    QPointer<SecretStore> secrets;
    HttpClient* http = nullptr;
    QVector<WebhookConfig> hooks;
    RetrySettings settings;
    bool deliverPending = false;
    QTimeZone zone = QTimeZone::systemTimeZone();
    DeliveryLog log;
    quint64 nextId = 1;
    std::map<quint64, std::unique_ptr<Delivery>> deliveries;
    QHash<QString, QString> sent; // webhook id + dedup key -> the last transition sent

    SecretStore* store() const { return secrets ? secrets.data() : SecretStore::shared(); }
    void resolveUrl(quint64 id);
    void urlKnown(quint64 id, const std::optional<QString>& url, const QString& missing);
    void attempt(quint64 id);
    void answered(quint64 id, const HttpResponse& resp);
    qint64 backoffMs(int retryIndex) const;
    void record(Delivery* dl, DeliveryAttempt::Outcome outcome, int status, qint64 retryInMs,
                const QString& detail);
    void finish(quint64 id, bool ok, const QString& reason);
};

qint64 WebhookNotifier::Private::backoffMs(int retryIndex) const
{
    const double base = std::max(1, settings.baseDelayMs) * std::pow(2.0, retryIndex);
    const double capped = std::min(base, static_cast<double>(std::max(1, settings.maxDelayMs)));
    const double jitter = std::clamp(settings.jitter, 0.0, 0.5);
    const double cut = jitter * QRandomGenerator::global()->generateDouble();
    return static_cast<qint64>(std::llround(capped * (1.0 - cut)));
}

void WebhookNotifier::Private::record(Delivery* dl, DeliveryAttempt::Outcome outcome, int status,
                                      qint64 retryInMs, const QString& detail)
{
    DeliveryAttempt a;
    a.webhookId = dl->hook.id;
    a.target = dl->target;
    a.dedupKey = dl->notice.dedupKey;
    a.transition = dl->notice.transition;
    a.ruleName = dl->notice.ruleName;
    a.attempt = dl->attempt;
    a.at = QDateTime::currentDateTimeUtc();
    a.status = status;
    a.outcome = outcome;
    a.retryInMs = retryInMs;
    a.detail = dl->url.isValid() ? scrubWebhookUrl(detail, dl->url) : detail;
    log.append(a);
    emit q->attempted(a);
}

void WebhookNotifier::Private::finish(quint64 id, bool ok, const QString& reason)
{
    auto it = deliveries.find(id);
    if (it == deliveries.end())
        return;
    std::unique_ptr<Delivery> dl = std::move(it->second);
    deliveries.erase(it);
    if (dl->timer)
        dl->timer->deleteLater();
    if (ok) {
        emit q->delivered(dl->hook.id, dl->notice);
    } else {
        // Not sent: a repeat of this transition may try again.
        sent.remove(dl->hook.id + QLatin1Char('|') + dl->notice.dedupKey);
        const QString words = dl->url.isValid() ? scrubWebhookUrl(reason, dl->url) : reason;
        // Headless collectors have no delivery page: the journal says what was lost.
        qCWarning(lcWebhooks, "alert \"%s\" (%s) was not delivered to webhook %s (%s): %s",
                  qPrintable(dl->notice.ruleName),
                  qPrintable(transitionName(dl->notice.transition)), qPrintable(dl->hook.id),
                  qPrintable(dl->target), qPrintable(words));
        emit q->failed(dl->hook.id, dl->notice, words);
    }
}

void WebhookNotifier::Private::resolveUrl(quint64 id)
{
    Delivery* dl = deliveries.at(id).get();
    const SecretRef& ref = dl->hook.url;
    if (ref.kind == SecretRef::Kind::Env) {
        const QString value = qEnvironmentVariable(ref.name.toLocal8Bit().constData());
        urlKnown(id, value.isEmpty() ? std::nullopt : std::optional<QString>(value),
                 QStringLiteral("the environment variable %1 that holds its URL is not set")
                     .arg(ref.name));
        return;
    }
    SecretStore* s = store();
    if (ref.kind != SecretRef::Kind::Keychain || !s) {
        urlKnown(id, std::nullopt, QStringLiteral("no URL is configured"));
        return;
    }
    if (const auto value = s->value(ref.name)) {
        urlKnown(id, value, {});
        return;
    }
    s->preload({ref.name});
    s->whenLoaded(ref.name, q, settings.secretTimeoutMs, [this, id, name = ref.name] {
        if (deliveries.find(id) == deliveries.end())
            return;
        QString error;
        const auto value = store() ? store()->value(name, &error) : std::nullopt;
        urlKnown(id, value, error);
    });
}

void WebhookNotifier::Private::urlKnown(quint64 id, const std::optional<QString>& url,
                                        const QString& missing)
{
    Delivery* dl = deliveries.at(id).get();
    if (!url) {
        dl->attempt = 1;
        const QString why = QStringLiteral("not sent: ") + missing;
        record(dl, DeliveryAttempt::Outcome::Failed, 0, 0, why);
        finish(id, false, why);
        return;
    }
    const QUrl parsed(url->trimmed(), QUrl::StrictMode);
    if (!parsed.isValid() || parsed.host().isEmpty() ||
        (parsed.scheme() != QLatin1String("https") && parsed.scheme() != QLatin1String("http"))) {
        // Never quote it: a mistyped URL is still a secret.
        dl->attempt = 1;
        const QString why = QStringLiteral("not sent: the stored URL is not an http(s) URL");
        record(dl, DeliveryAttempt::Outcome::Failed, 0, 0, why);
        finish(id, false, why);
        return;
    }
    dl->url = parsed;
    dl->target = redactWebhookUrl(parsed);
    attempt(id);
}

void WebhookNotifier::Private::attempt(quint64 id)
{
    Delivery* dl = deliveries.at(id).get();
    ++dl->attempt;
    HttpRequest r;
    r.url = dl->url;
    r.method = "POST";
    r.headers = {{"Content-Type", "application/json; charset=utf-8"},
                 {"User-Agent", "Inferscope/" INFERSCOPE_VERSION}};
    r.body = dl->body;
    r.timeoutMs = settings.attemptTimeoutMs;
    r.deadlineMs = settings.attemptTimeoutMs;
    r.connectTimeoutMs = std::min(settings.attemptTimeoutMs, 10000);
    r.maxRetries = 0; // the retries are ours, so each attempt gets its line in the log
    r.maxBodyBytes = 1024 * 1024;
    r.maxThrottleWaitMs = settings.maxRetryAfterMs; // a hold another answer left: wait it out
    http->send(r, q, [this, id](const HttpResponse& resp) { answered(id, resp); });
}

void WebhookNotifier::Private::answered(quint64 id, const HttpResponse& resp)
{
    auto it = deliveries.find(id);
    if (it == deliveries.end())
        return;
    Delivery* dl = it->second.get();
    const int status = resp.status;
    if (resp.ok()) {
        record(dl, DeliveryAttempt::Outcome::Delivered, status, 0,
               QStringLiteral("HTTP %1").arg(status));
        finish(id, true, {});
        return;
    }
    using Kind = HttpError::Kind;
    const Kind kind = resp.error.kind;
    if (kind == Kind::Cancelled)
        return;

    QString detail;
    if (status > 0) {
        detail = QStringLiteral("HTTP %1 %2")
                     .arg(status)
                     .arg(QString::fromLatin1(httpReasonPhrase(status)));
        if (const QString said = retry::providerMessage(resp.body); !said.isEmpty())
            detail += QStringLiteral(": ") + said.left(200);
    } else {
        detail = describe(resp.error);
    }

    const bool retryable = status == 429 || status >= 500 ||
                           (status == 0 && (kind == Kind::Network || kind == Kind::Timeout ||
                                            kind == Kind::Throttled));
    if (!retryable) {
        record(dl, DeliveryAttempt::Outcome::Failed, status, 0,
               detail + QStringLiteral("; not retried"));
        finish(id, false, detail);
        return;
    }

    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    std::optional<qint64> asked = retry::serverRetryDelayMs(resp.headers, nowMs);
    if (!asked && kind == Kind::Throttled && resp.error.retryAfterUtc > 0)
        asked = std::max<qint64>(0, resp.error.retryAfterUtc * 1000 - nowMs);
    if (asked && *asked > settings.maxRetryAfterMs) {
        const QString why =
            detail + QStringLiteral("; the receiver asked to wait %1, longer than "
                                    "the %2 a webhook is waited for")
                         .arg(secondsWords(*asked), secondsWords(settings.maxRetryAfterMs));
        record(dl, DeliveryAttempt::Outcome::Failed, status, 0, why);
        finish(id, false, why);
        return;
    }
    if (dl->attempt >= std::max(1, settings.maxAttempts)) {
        const QString why = detail + QStringLiteral("; gave up after %1 attempts").arg(dl->attempt);
        record(dl, DeliveryAttempt::Outcome::Failed, status, 0, why);
        finish(id, false, why);
        return;
    }
    const qint64 wait = asked ? *asked : backoffMs(dl->attempt - 1);
    if (dl->since.elapsed() + wait > settings.maxTotalMs) {
        const QString why =
            detail + QStringLiteral("; gave up: a retry in %1 would come after "
                                    "the %2 a notice is retried for")
                         .arg(secondsWords(wait), secondsWords(settings.maxTotalMs));
        record(dl, DeliveryAttempt::Outcome::Failed, status, 0, why);
        finish(id, false, why);
        return;
    }
    record(dl, DeliveryAttempt::Outcome::Retrying, status, wait,
           asked
               ? detail + QStringLiteral(" (the receiver asked to wait %1)").arg(secondsWords(wait))
               : detail);
    if (!dl->timer) {
        dl->timer = new QTimer(q);
        dl->timer->setSingleShot(true);
        dl->timer->setTimerType(Qt::PreciseTimer); // never before the receiver asked
        QObject::connect(dl->timer, &QTimer::timeout, q, [this, id] {
            if (deliveries.find(id) != deliveries.end())
                attempt(id);
        });
    }
    dl->timer->start(static_cast<int>(std::min<qint64>(wait, 24 * 3600 * 1000)));
}

WebhookNotifier::WebhookNotifier(SecretStore* secrets, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->secrets = secrets;
    qRegisterMetaType<AlertNotice>();
    qRegisterMetaType<DeliveryAttempt>();
    d->http = new HttpClient(this);
}

WebhookNotifier::~WebhookNotifier()
{
    d->http->cancelAll();
}

void WebhookNotifier::setWebhooks(const QVector<WebhookConfig>& webhooks)
{
    d->hooks = webhooks;
    QStringList names;
    for (const WebhookConfig& h : webhooks) {
        if (h.url.kind == SecretRef::Kind::Keychain)
            names.append(h.url.name);
    }
    if (SecretStore* s = d->store(); s && !names.isEmpty())
        s->preload(names);
}

QVector<WebhookConfig> WebhookNotifier::webhooks() const
{
    return d->hooks;
}

void WebhookNotifier::setRetrySettings(const RetrySettings& settings)
{
    d->settings = settings;
}

WebhookNotifier::RetrySettings WebhookNotifier::retrySettings() const
{
    return d->settings;
}

void WebhookNotifier::setDeliverPending(bool deliver)
{
    d->deliverPending = deliver;
}

void WebhookNotifier::setTimeZone(const QTimeZone& zone)
{
    d->zone = zone;
}

void WebhookNotifier::notify(const AlertNotice& notice)
{
    if (notice.transition == AlertNotice::Transition::Pending && !d->deliverPending)
        return;
    const QString signature = webhookSignature(notice);
    for (const WebhookConfig& hook : std::as_const(d->hooks)) {
        if (notice.severity < hook.minSeverity)
            continue;
        const QString key = hook.id + QLatin1Char('|') + notice.dedupKey;
        if (d->sent.value(key) == signature)
            continue; // this transition went (or is going) to this webhook already
        d->sent.insert(key, signature);
        auto dl = std::make_unique<Private::Delivery>();
        dl->id = d->nextId++;
        dl->hook = hook;
        dl->notice = notice;
        dl->body = webhookpayload::body(hook.format, notice, hook.id, d->zone);
        dl->since.start();
        const quint64 id = dl->id;
        d->deliveries.emplace(id, std::move(dl));
        d->resolveUrl(id);
    }
}

const DeliveryLog& WebhookNotifier::log() const
{
    return d->log;
}

int WebhookNotifier::pending() const
{
    return static_cast<int>(d->deliveries.size());
}

} // namespace isc
