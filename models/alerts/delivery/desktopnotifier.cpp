#include "desktopnotifier.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusServiceWatcher>
#include <QDeadlineTimer>
#include <QHash>
#include <QSet>

namespace isc {
namespace {

const QString kNotifyService = QStringLiteral("org.freedesktop.Notifications");
const QString kNotifyPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kNotifyInterface = QStringLiteral("org.freedesktop.Notifications");
constexpr int kNotifyCallTimeoutMs = 10000;

// The freedesktop urgency levels: 0 low, 1 normal, 2 critical.
uchar urgencyOf(const AlertNotice& n)
{
    if (n.transition == AlertNotice::Transition::Resolved)
        return 0;
    switch (n.severity) {
    case AlertNotice::Severity::Info:
        return 0;
    case AlertNotice::Severity::Warning:
        return 1;
    case AlertNotice::Severity::Critical:
        return 2;
    }
    return 1;
}

// What makes one transition of one alert instance: shown once, whatever repeats it.
QString transitionSignature(const AlertNotice& n)
{
    return transitionName(n.transition) + QLatin1Char('|') +
           n.startsAt.toString(Qt::ISODateWithMs) + QLatin1Char('|') +
           (n.transition == AlertNotice::Transition::Resolved ? n.at.toString(Qt::ISODateWithMs)
                                                              : QString());
}

const QString kAlertsPageHint = QStringLiteral("alerts still show on the Alerts page.");

} // namespace

struct DesktopNotifier::Private
{
    enum class State { Unknown, Available, Unavailable };

    DesktopNotifier* q = nullptr;
    QDBusConnection bus;
    QString appIcon = QStringLiteral("inferscope");
    bool deliverPending = false;
    int recheckMs = 60000;
    State state = State::Unknown;
    QDeadlineTimer recheck;
    QString status;
    int calls = 0;
    int dropped = 0;
    QHash<uint, AlertNotice> byId;          // bubbles the service showed for us
    QHash<QString, uint> idByKey;           // dedup key -> its latest bubble
    QHash<QString, QString> shownSignature; // dedup key -> the last transition shown
    QSet<QString> inFlight;                 // dedup keys with a Notify unanswered
    QHash<QString, AlertNotice> waiting;    // the next notice per key once the call returns
    QDBusServiceWatcher* watcher = nullptr;

    explicit Private(const QDBusConnection& c) : bus(c) {}

    void setStatus(const QString& s)
    {
        if (s == status)
            return;
        status = s;
        emit q->statusChanged(status);
    }
    void markUnavailable(const QString& why)
    {
        state = State::Unavailable;
        recheck.setRemainingTime(recheckMs);
        setStatus(why);
    }
    void markAvailable()
    {
        state = State::Available;
        setStatus({});
    }
    bool mayCall()
    {
        if (!bus.isConnected()) {
            markUnavailable(QStringLiteral("Desktop notifications are off: there is no D-Bus "
                                           "session bus (DBUS_SESSION_BUS_ADDRESS is unset or the "
                                           "bus is gone); ") +
                            kAlertsPageHint);
            return false;
        }
        return state != State::Unavailable || recheck.hasExpired();
    }
    void send(const AlertNotice& n);
    void answered(const AlertNotice& n, QDBusPendingCallWatcher* call);
};

void DesktopNotifier::Private::send(const AlertNotice& n)
{
    const NoticeWording w = wordNotice(n);
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue(urgencyOf(n)));
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("inferscope"));
    hints.insert(QStringLiteral("category"), QStringLiteral("x-inferscope.alert"));
    const QStringList actions{QStringLiteral("open"), QStringLiteral("Open"),
                              QStringLiteral("silence-1h"), QStringLiteral("Silence 1 h")};
    QDBusMessage m = QDBusMessage::createMethodCall(kNotifyService, kNotifyPath, kNotifyInterface,
                                                    QStringLiteral("Notify"));
    // A resolve (or a repeat firing) replaces the alert's bubble instead of stacking a new one.
    m << QStringLiteral("Inferscope") << idByKey.value(n.dedupKey, 0u) << appIcon << w.title
      << w.body << actions << hints << qint32(-1);
    ++calls;
    inFlight.insert(n.dedupKey);
    auto* call = new QDBusPendingCallWatcher(bus.asyncCall(m, kNotifyCallTimeoutMs), q);
    QObject::connect(call, &QDBusPendingCallWatcher::finished, q,
                     [this, n](QDBusPendingCallWatcher* c) { answered(n, c); });
}

void DesktopNotifier::Private::answered(const AlertNotice& n, QDBusPendingCallWatcher* call)
{
    call->deleteLater();
    inFlight.remove(n.dedupKey);
    const QDBusPendingReply<uint> reply = *call;
    if (reply.isError()) {
        const QDBusError e = reply.error();
        ++dropped;
        shownSignature.remove(n.dedupKey); // not shown: a repeat may try again
        if (e.type() == QDBusError::ServiceUnknown) {
            markUnavailable(QStringLiteral("Desktop notifications are off: no notification "
                                           "service is running on the session bus "
                                           "(org.freedesktop.Notifications); ") +
                            kAlertsPageHint);
        } else {
            markUnavailable(QStringLiteral("Desktop notifications are off: the notification "
                                           "service failed (%1: %2); ")
                                .arg(QDBusError::errorString(e.type()), e.message()) +
                            kAlertsPageHint);
        }
    } else {
        const uint id = reply.value();
        if (const uint old = idByKey.value(n.dedupKey, 0u); old != 0 && old != id)
            byId.remove(old);
        byId.insert(id, n);
        idByKey.insert(n.dedupKey, id);
        markAvailable();
        emit q->shown(n, id);
    }
    if (waiting.contains(n.dedupKey))
        q->notify(waiting.take(n.dedupKey));
}

DesktopNotifier::DesktopNotifier(QObject* parent)
    : DesktopNotifier(QDBusConnection::sessionBus(), parent)
{}

DesktopNotifier::DesktopNotifier(const QDBusConnection& bus, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>(bus))
{
    d->q = this;
    qRegisterMetaType<AlertNotice>();
    if (!d->bus.isConnected())
        return;
    d->bus.connect(kNotifyService, kNotifyPath, kNotifyInterface, QStringLiteral("ActionInvoked"),
                   this, SLOT(onActionInvoked(uint, QString)));
    d->bus.connect(kNotifyService, kNotifyPath, kNotifyInterface,
                   QStringLiteral("NotificationClosed"), this,
                   SLOT(onNotificationClosed(uint, uint)));
    d->watcher = new QDBusServiceWatcher(kNotifyService, d->bus,
                                         QDBusServiceWatcher::WatchForOwnerChange, this);
    connect(d->watcher, &QDBusServiceWatcher::serviceOwnerChanged, this,
            [this](const QString&, const QString&, const QString& newOwner) {
                // The bubbles of a service that went away are gone with it.
                d->byId.clear();
                d->idByKey.clear();
                if (!newOwner.isEmpty() && d->state == Private::State::Unavailable) {
                    d->state = Private::State::Unknown;
                    d->setStatus({});
                }
            });
}

DesktopNotifier::~DesktopNotifier()
{
    if (d->bus.isConnected()) {
        d->bus.disconnect(kNotifyService, kNotifyPath, kNotifyInterface,
                          QStringLiteral("ActionInvoked"), this,
                          SLOT(onActionInvoked(uint, QString)));
        d->bus.disconnect(kNotifyService, kNotifyPath, kNotifyInterface,
                          QStringLiteral("NotificationClosed"), this,
                          SLOT(onNotificationClosed(uint, uint)));
    }
}

void DesktopNotifier::notify(const AlertNotice& notice)
{
    if (notice.transition == AlertNotice::Transition::Pending && !d->deliverPending)
        return;
    const QString signature = transitionSignature(notice);
    if (d->shownSignature.value(notice.dedupKey) == signature)
        return; // this transition was shown already
    if (d->inFlight.contains(notice.dedupKey)) {
        // Wait for the bubble id, so this one replaces it.
        d->waiting.insert(notice.dedupKey, notice);
        return;
    }
    if (!d->mayCall()) {
        ++d->dropped;
        return;
    }
    d->shownSignature.insert(notice.dedupKey, signature);
    d->send(notice);
}

void DesktopNotifier::setDeliverPending(bool deliver)
{
    d->deliverPending = deliver;
}

void DesktopNotifier::setAppIcon(const QString& icon)
{
    d->appIcon = icon;
}

void DesktopNotifier::setRecheckIntervalMs(int ms)
{
    d->recheckMs = ms;
}

bool DesktopNotifier::isAvailable() const
{
    return d->state != Private::State::Unavailable;
}

QString DesktopNotifier::status() const
{
    return d->status;
}

int DesktopNotifier::callsMade() const
{
    return d->calls;
}

int DesktopNotifier::dropped() const
{
    return d->dropped;
}

void DesktopNotifier::onActionInvoked(uint id, const QString& actionKey)
{
    const auto it = d->byId.constFind(id);
    if (it == d->byId.cend())
        return; // another application's bubble
    const AlertNotice notice = it.value();
    if (actionKey == QLatin1String("open") || actionKey == QLatin1String("default"))
        emit openRequested(notice);
    else if (actionKey == QLatin1String("silence-1h"))
        emit silenceRequested(notice, kSilenceSeconds);
}

void DesktopNotifier::onNotificationClosed(uint id, uint /*reason*/)
{
    const auto it = d->byId.find(id);
    if (it == d->byId.end())
        return;
    const AlertNotice notice = it.value();
    if (d->idByKey.value(notice.dedupKey) == id)
        d->idByKey.remove(notice.dedupKey);
    d->byId.erase(it);
    emit closed(notice);
}

} // namespace isc
