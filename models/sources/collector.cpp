#include "collector.h"

#include "core/whenready.h"

#include "net/httpclient.h"
#include "sources/credentialprovider.h"
#include "sources/sourcefactory.h"
#include "store/samplestore.h"

#include <QCoreApplication>
#include <QFuture>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QSysInfo>
#include <QTimer>

Q_LOGGING_CATEGORY(lcCollector, "inferscope.collector")

namespace isc {
namespace {

constexpr int kRetentionIntervalMs = 3600 * 1000;

} // namespace

struct Collector::Private
{
    struct Entry
    {
        isc::Source* source = nullptr;
        int backfillDone = 0;
        int backfillTotal = 0;
        bool backfillFinished = false;  // the source said so
        int pendingWrites = 0;          // writes and gap records not landed yet
        bool polled = false;            // a poll of the current cycle landed
        QString warning;                // the source's latest warning, shown with its health
        CredentialWait credentialReady; // the first request waits for the key or sign-in
        bool standby = false;           // another collector writes it: claim again later
        QString writer;                 // that collector, "HOST (pid N)"
        qint64 writerLastPoll = 0;      // when its last poll landed, s UTC
        std::function<void()> go;       // what starting it takes once the claim is granted
    };

    Collector* q = nullptr;
    Workspace workspace;
    QPointer<SampleStore> store;
    HttpClient* http = nullptr;
    QVector<Entry> sources;
    std::function<qint64()> clock = [] { return nowUtc(); };
    QTimer retentionTimer;
    QTimer standbyTimer; // claims the standby sources again, every poll interval
    QString holder;      // how this collector names itself to the others: "HOST (pid N)"
    bool running = false;
    bool backfillAnnounced = false;
    quint64 runId = 0;
    QSet<QString> reported; // source id + message, this round

    void report(const isc::Source* s, const QString& message);

    Entry* find(const isc::Source* s)
    {
        for (auto& entry : sources) {
            if (entry.source == s)
                return &entry;
        }
        return nullptr;
    }
    void emitProgress();
    void checkBackfill();
    void checkPollCycle();
    bool begin(const isc::Source* s);
    void landed(const isc::Source* s, bool isPoll);
    void applyRetention();
    void storeFailed(isc::Source* s, const QString& lastError);
    /// Claims the writer role of `s`: granted, `go` starts it; refused, it stands by.
    void claim(isc::Source* s, quint64 run, std::function<void()> go);
    void claimStandbys();
    /// `s`'s writes were refused because another collector took it over: stop, stand by.
    void demote(isc::Source* s);
    SourceHealth standbyHealth(const Entry& e) const;
    // Until when the servers of `c` asked for quiet (seconds UTC), 0 = not throttled.
    qint64 throttledUntil(const Connection& c) const
    {
        return std::max(http->throttledUntilUtc(c.endpoint),
                        http->throttledUntilUtc(c.managementEndpoint));
    }
};

void Collector::Private::emitProgress()
{
    int done = 0, total = 0;
    for (const auto& s : sources) {
        done += s.backfillDone;
        total += s.backfillTotal;
    }
    emit q->backfillProgress(done, total);
}

void Collector::Private::checkBackfill()
{
    if (!running || backfillAnnounced)
        return;
    for (const auto& s : sources) {
        if (s.standby)
            continue; // another collector backfills it
        if (!s.backfillFinished || s.pendingWrites > 0)
            return; // its last chunk is still being written
    }
    backfillAnnounced = true;
    emit q->backfillFinished();
}

void Collector::Private::checkPollCycle()
{
    if (sources.isEmpty())
        return;
    for (const auto& s : sources) {
        if (!s.standby && (!s.polled || s.pendingWrites > 0))
            return;
    }
    for (auto& s : sources)
        s.polled = false;
    // A new round once this turn is over (the source may still word this poll's failure in its
    // health): a failure that persists is said again, once.
    QMetaObject::invokeMethod(
        q,
        [this, run = runId] {
            if (run == runId)
                reported.clear();
        },
        Qt::QueuedConnection);
    emit q->pollCycleFinished();
}

void Collector::Private::report(const isc::Source* s, const QString& message)
{
    const Connection& c = s->connection();
    if (message.isEmpty() || !running)
        return;
    const QString key = c.id + QLatin1Char('\n') + message;
    if (reported.contains(key))
        return;
    reported.insert(key);
    emit q->failureReported(c.displayName.isEmpty() ? c.id : c.displayName, message);
}

// A write (or gap record) of `s` starts; false when the source is unknown.
bool Collector::Private::begin(const isc::Source* s)
{
    Entry* entry = find(s);
    if (!entry)
        return false;
    ++entry->pendingWrites;
    return true;
}

void Collector::Private::landed(const isc::Source* s, bool isPoll)
{
    Entry* entry = find(s);
    if (!entry)
        return;
    --entry->pendingWrites;
    if (isPoll)
        entry->polled = true;
    checkBackfill();
    if (isPoll)
        checkPollCycle();
}

void Collector::Private::applyRetention()
{
    if (!store)
        return;
    whenReady(q, store->applyRetention(clock()), [this](const WriteReport& r) {
        if (r.ok)
            return;
        // The retention is the whole database's: every source hears of it.
        for (const auto& entry : std::as_const(sources))
            storeFailed(entry.source,
                        QStringLiteral("could not apply the retention: %1").arg(r.error));
    });
}

void Collector::Private::claim(isc::Source* s, quint64 run, std::function<void()> go)
{
    const QString id = s->connection().id;
    whenReady(q, store->claimWriter(id, holder), [this, s, run, id, go](const WriterClaim& c) {
        Entry* e = find(s);
        if (run != runId || !running || !e)
            return;
        e->go = go; // what starting it takes, should it stand by and later take over
        const bool wasStandby = e->standby;
        // A claim that could not be asked (the store is closed or unreachable) does not make a
        // standby: the source polls and its writes fail in words, as any store failure does.
        if (c.granted || !c.error.isEmpty()) {
            if (!c.error.isEmpty())
                qCWarning(lcCollector, "%s: %s", qPrintable(id), qPrintable(c.error));
            e->standby = false;
            if (wasStandby) {
                qCInfo(lcCollector, "%s: taking over from %s", qPrintable(id),
                       qPrintable(e->writer));
                emit q->writerChanged(id, holder, false);
            }
            go();
            return;
        }
        e->standby = true;
        e->writer = c.holder;
        e->writerLastPoll = std::max(e->writerLastPoll, c.lastPoll);
        if (!wasStandby)
            emit q->writerChanged(id, c.holder, true);
        emit q->healthChanged(standbyHealth(*e));
        if (!standbyTimer.isActive()) {
            int seconds = 3600;
            for (const Entry& other : std::as_const(sources))
                seconds = std::min(seconds, other.source->connection().pollIntervalSeconds);
            standbyTimer.start(std::max(1, seconds) * 1000);
        }
        checkBackfill();
        checkPollCycle();
    });
}

void Collector::Private::claimStandbys()
{
    bool any = false;
    for (const Entry& e : std::as_const(sources)) {
        if (e.standby) {
            any = true;
            claim(e.source, runId, e.go);
        }
    }
    if (!any)
        standbyTimer.stop();
}

void Collector::Private::demote(isc::Source* s)
{
    Entry* e = find(s);
    if (!e || e->standby || !running || !e->go)
        return;
    qCWarning(lcCollector,
              "%s: another collector took it over while this one was cut off from "
              "the database; standing by",
              qPrintable(s->connection().id));
    s->stop();
    e->polled = false;
    claim(s, runId, e->go); // refused: a standby that says who collects it now
}

SourceHealth Collector::Private::standbyHealth(const Entry& e) const
{
    SourceHealth h = e.source->health();
    h.state = SourceHealth::State::Standby;
    h.collectedBy = e.writer;
    h.collectorLastPoll = e.writerLastPoll;
    h.lastError.clear();
    h.warning = e.warning;
    return h;
}

// Polling worked but storing did not: the log and the health beside the source say so.
void Collector::Private::storeFailed(isc::Source* s, const QString& lastError)
{
    qCWarning(lcCollector, "%s: %s", qPrintable(s->connection().id), qPrintable(lastError));
    report(s, lastError);
    emit q->storeWriteFailed(s->connection().id, lastError);
    SourceHealth h = s->health();
    if (const Entry* entry = find(s))
        h.warning = entry->warning;
    h.state = SourceHealth::State::Failing;
    h.lastError = lastError;
    emit q->healthChanged(h);
}

Collector::Collector(Workspace workspace, SampleStore* store, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->workspace = std::move(workspace);
    d->store = store;
    d->http = new HttpClient(this);
    d->retentionTimer.setInterval(kRetentionIntervalMs);
    connect(&d->retentionTimer, &QTimer::timeout, this, [this] { d->applyRetention(); });
    d->holder = QStringLiteral("%1 (pid %2)")
                    .arg(QSysInfo::machineHostName())
                    .arg(QCoreApplication::applicationPid());
    connect(&d->standbyTimer, &QTimer::timeout, this, [this] { d->claimStandbys(); });
    if (store) {
        // A viewer's status follows the other collector's polls as they land.
        connect(store, &SampleStore::remoteWrite, this, [this](const QString& source) {
            for (Private::Entry& e : d->sources) {
                if (e.standby && e.source->connection().id == source) {
                    e.writerLastPoll = d->clock();
                    emit healthChanged(d->standbyHealth(e));
                }
            }
        });
    }

    for (const Connection& c : d->workspace.connections) {
        QString why;
        const Credential credential = connectionCredential(c);
        Source* src = makeSource(c, d->http, credential.secret, this, &why);
        if (!src) {
            qCWarning(lcCollector, "connection %s: %s; skipped", qPrintable(c.id), qPrintable(why));
            continue;
        }
        src->setClock([this] { return d->clock(); });
        Private::Entry added;
        added.source = src;
        added.credentialReady = credential.whenReady;
        d->sources.append(added);

        connect(src, &Source::healthChanged, this, [this, src](SourceHealth h) {
            if (const Private::Entry* entry = d->find(src))
                h.warning = entry->warning;
            h.throttledUntil = d->throttledUntil(src->connection());
            if (h.state == SourceHealth::State::Failing)
                d->report(src, h.lastError);
            emit healthChanged(h);
        });
        // A warning (e.g. an unknown metric name) does not stop polling; it stays beside the
        // source's health until the source is replaced.
        connect(src, &Source::warning, this, [this, src](const QString& message) {
            Private::Entry* entry = d->find(src);
            if (!entry)
                return;
            entry->warning = message;
            SourceHealth h = src->health();
            h.warning = message;
            emit healthChanged(h);
        });
        connect(
            src, &Source::inventoryReady, this, [this, src, id = c.id](const Deployments& deps) {
                if (!d->store)
                    return;
                whenReady(
                    this, d->store->saveDeployments(id, deps),
                    [this, src, id, deps](const WriteReport& r) {
                        if (r.ok)
                            emit inventoryStored(id, deps);
                        else if (d->find(src))
                            d->storeFailed(
                                src,
                                QStringLiteral("could not store the deployments: %1").arg(r.error));
                    });
            });
        connect(src, &Source::batchReady, this, [this, src](const PollBatch& batch) {
            const bool isPoll = !src->isBackfilling();
            if (!d->begin(src))
                return;
            if (!d->store) {
                d->landed(src, isPoll); // nothing to write to: counts as landed
                return;
            }
            const quint64 run = d->runId;
            whenReady(this, d->store->write(batch),
                      [this, src, isPoll, run, batch](const WriteReport& r) {
                          if (r.writerLost)
                              d->demote(src);
                          else if (!r.ok)
                              d->storeFailed(
                                  src, QStringLiteral("could not store the data: %1").arg(r.error));
                          else if (d->find(src))
                              emit batchStored(batch);
                          if (r.samplesRefused > 0) {
                              // The rest of the poll landed: a warning beside the source, not a
                              // failure.
                              qCWarning(lcCollector, "%s: %s", qPrintable(src->connection().id),
                                        qPrintable(r.refusal));
                              if (Private::Entry* entry = d->find(src)) {
                                  entry->warning = r.refusal;
                                  SourceHealth h = src->health();
                                  h.warning = r.refusal;
                                  emit healthChanged(h);
                              }
                          }
                          if (run == d->runId)
                              d->landed(src, isPoll);
                      });
        });
        connect(src, &Source::pollFailed, this, [this, src](const GapMarker& gap) {
            d->report(src, gap.reason);
            if (d->running)
                emit sourceFailed(gap);
            const bool isPoll = !src->isBackfilling();
            if (!d->begin(src))
                return;
            if (!d->store) {
                d->landed(src, isPoll);
                return;
            }
            const quint64 run = d->runId;
            whenReady(this, d->store->recordGap(gap),
                      [this, src, isPoll, run](const WriteReport& r) {
                          if (r.writerLost)
                              d->demote(src);
                          else if (!r.ok && d->find(src))
                              d->storeFailed(
                                  src, QStringLiteral("could not record the failed poll's gap: %1")
                                           .arg(r.error));
                          if (run == d->runId)
                              d->landed(src, isPoll);
                      });
        });
        connect(src, &Source::backfillProgress, this, [this, src](int done, int total) {
            if (Private::Entry* entry = d->find(src)) {
                entry->backfillDone = done;
                entry->backfillTotal = total;
                d->emitProgress();
            }
        });
        connect(src, &Source::backfillFinished, this, [this, src] {
            if (Private::Entry* entry = d->find(src)) {
                entry->backfillFinished = true;
                entry->backfillDone = entry->backfillTotal; // counters stay for the total
                d->checkBackfill();
            }
        });
    }
}

Collector::~Collector()
{
    // Sources stop before the client they share goes away.
    for (auto& s : d->sources)
        delete s.source;
    d->sources.clear();
}

QVector<TimeRange> Collector::backfillWindows(const SourceExtent& stored, qint64 now, qint64 span)
{
    const qint64 end = floorTo(now, 60);
    const qint64 start = floorTo(end - span, 60);
    if (span <= 0)
        return {};
    if (stored.newest <= 0)
        return {{start, end}};
    QVector<TimeRange> windows;
    // Since the newest stored minute (the app was closed), then history older than what is stored.
    if (stored.newest + 60 < end)
        windows.append({std::max(start, stored.newest + 60), end});
    if (stored.oldest > start)
        windows.append({start, std::min(stored.oldest, end)});
    return windows;
}

void Collector::start(qint64 backfillSeconds)
{
    if (d->running)
        return;
    d->running = true;
    d->backfillAnnounced = false;
    d->reported.clear();
    const quint64 run = ++d->runId;
    for (auto& s : d->sources) {
        Private::Entry fresh;
        fresh.source = s.source;
        fresh.credentialReady = s.credentialReady;
        s = fresh;
    }
    d->applyRetention();
    d->retentionTimer.start();
    if (d->sources.isEmpty()) {
        d->checkBackfill();
        return;
    }

    for (auto& entry : d->sources) {
        Source* src = entry.source;
        const Connection& c = src->connection();
        const qint64 span =
            backfillSeconds >= 0 ? backfillSeconds : qint64(std::max(0, c.backfillDays)) * 86400;
        const auto begin = [this, src, span, run,
                            ready = entry.credentialReady](const SourceExtent& stored) {
            if (run != d->runId || !d->running)
                return;
            const auto go = [this, src, span, run, stored] {
                if (run == d->runId && d->running)
                    src->start(backfillWindows(stored, d->clock(), span));
            };
            // Keys in the keychain and sign-ins arrive in the background: the first request
            // waits for them (bounded) instead of failing and leaving a gap.
            if (ready)
                ready(this, kCredentialWaitMs, go);
            else
                go();
        };
        if (!d->store) {
            begin({});
            continue;
        }
        // Only the source's writer polls it into a shared database; the others stand by.
        d->claim(src, run,
                 [this, id = c.id, begin] { whenReady(this, d->store->extent(id), begin); });
    }
}

void Collector::stop()
{
    d->running = false;
    ++d->runId;
    d->retentionTimer.stop();
    d->standbyTimer.stop();
    for (auto& s : d->sources) {
        s.standby = false;
        s.source->stop();
        s.pendingWrites = 0;
        s.polled = false;
    }
}

void Collector::pollNow()
{
    for (auto& s : d->sources) {
        if (s.standby)
            continue; // its writer polls it
        s.polled = false;
        s.source->pollNow();
    }
}

void Collector::setClock(std::function<qint64()> nowUtc)
{
    d->clock = std::move(nowUtc);
}

QVector<SourceHealth> Collector::health() const
{
    QVector<SourceHealth> out;
    for (const auto& s : d->sources) {
        if (s.standby) {
            out.append(d->standbyHealth(s));
            continue;
        }
        out.append(s.source->health());
        out.last().warning = s.warning;
        out.last().throttledUntil = d->throttledUntil(s.source->connection());
    }
    return out;
}

bool Collector::isRunning() const
{
    return d->running;
}

bool Collector::isBackfilling() const
{
    // Not pendingWrites once announced: a poll's write right after the backfill would make it
    // "backfilling" again, after backfillFinished().
    if (!d->running || d->backfillAnnounced)
        return false;
    for (const auto& s : d->sources) {
        if (!s.backfillFinished || s.pendingWrites > 0)
            return true;
    }
    return false;
}

} // namespace isc
