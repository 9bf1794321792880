#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest/QtTest>
#include <atomic>
#include <memory>
#include <optional>

using namespace isc;

namespace {

constexpr int kWaitMs = 20000; // a bound for a stuck store thread, never a sleep

/// What one job's work saw on the store's thread, and whether its deliver ran.
struct Probe
{
    std::atomic_int ran{0};
    std::atomic_bool sawCancel{false};
    std::atomic<QThread*> workThread{nullptr};
    bool blockInside = false; ///< the work waits for `proceed` after releasing `started`
    QSemaphore started;
    QSemaphore proceed;
    int delivered = 0;
    int value = 0;
    QThread* deliverThread = nullptr;
};

/// Holds the store's thread (a job that waits) until release(), so later jobs stay queued.
class Gate
{
public:
    explicit Gate(SampleStore& store) : m_state(std::make_shared<State>())
    {
        store.post([s = m_state](StoreBackend&) {
            s->entered.release();
            s->open.acquire();
        });
    }
    ~Gate() { release(); }
    bool waitEntered() { return m_state->entered.tryAcquire(1, kWaitMs); }
    void release()
    {
        if (!m_released)
            m_state->open.release();
        m_released = true;
    }

private:
    struct State
    {
        QSemaphore entered, open;
    };
    std::shared_ptr<State> m_state;
    bool m_released = false;
};

enum class Action {
    None,
    CancelBeforeStart,
    CancelWhileRunning,
    CancelAfterFinish, ///< finished, its delivery posted but not yet handled
    OwnerGoneBeforeStart,
    OwnerGoneWhileRunning,
    OwnerGoneAfterFinish,
    SupersededBeforeStart,
    SupersededWhileRunning,
};

} // namespace

Q_DECLARE_METATYPE(Action)

class tst_StoreJobs : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_files = 0;

    std::unique_ptr<SampleStore> openStore()
    {
        auto store = std::make_unique<SampleStore>();
        const QString path = m_dir.filePath(QStringLiteral("h%1.sqlite").arg(++m_files));
        if (!store->open(path).result().usable())
            return {};
        return store;
    }

    /// Queues `p`'s job under `kind`; its result is `value`.
    static bool start(StoreJobs& jobs, SampleStore* store, const QString& kind,
                      const std::shared_ptr<Probe>& p, int value)
    {
        return jobs.run(
            store, kind,
            [p, value](StoreBackend& db, const JobToken& token) {
                ++p->ran;
                p->workThread = QThread::currentThread();
                if (p->blockInside) {
                    p->started.release();
                    p->proceed.acquire();
                }
                p->sawCancel = token.isCancelled();
                return db.isOpen() ? value : -1; // the backend, on its own thread
            },
            [p](int v) {
                ++p->delivered;
                p->value = v;
                p->deliverThread = QThread::currentThread();
            });
    }

    /// Waits until the store's thread handled everything queued so far, then handles the
    /// deliveries they posted: after this, a job that was going to deliver has delivered.
    static void settle(SampleStore& store)
    {
        store.read<int>([](StoreBackend&) { return 0; }).waitForFinished();
        QCoreApplication::sendPostedEvents();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void deliversOnTheOwnerThread()
    {
        auto store = openStore();
        QVERIFY(store);
        StoreJobs jobs;
        auto p = std::make_shared<Probe>();
        QVERIFY(start(jobs, store.get(), QStringLiteral("k"), p, 42));
        QVERIFY(jobs.isPending(QStringLiteral("k")));
        QTRY_COMPARE_WITH_TIMEOUT(p->delivered, 1, kWaitMs);
        QCOMPARE(p->value, 42);
        QCOMPARE(p->deliverThread, QThread::currentThread());
        QVERIFY(p->workThread.load() && p->workThread.load() != QThread::currentThread());
        QCOMPARE(jobs.pendingCount(), 0);
        QVERIFY(!jobs.isPending(QStringLiteral("k")));
    }

    // Jobs owned in another thread deliver there, not on the thread that waits for them.
    void deliversOnTheThreadThatOwnsTheJobs()
    {
        auto store = openStore();
        QVERIFY(store);
        SampleStore* s = store.get();
        auto p = std::make_shared<Probe>();
        std::unique_ptr<QThread> owner(QThread::create([s, p] {
            StoreJobs jobs;
            QEventLoop loop;
            QTimer::singleShot(kWaitMs, &loop, &QEventLoop::quit); // a bound, not a sleep
            jobs.run(
                s, QString(), [](StoreBackend&, const JobToken&) { return 7; },
                [&loop, p](int v) {
                    ++p->delivered;
                    p->value = v;
                    p->deliverThread = QThread::currentThread();
                    loop.quit();
                });
            loop.exec();
        }));
        owner->start();
        QVERIFY(owner->wait(2 * kWaitMs));
        QCOMPARE(p->delivered, 1);
        QCOMPARE(p->value, 7);
        QCOMPARE(p->deliverThread, owner.get());
    }

    void cancellation_data()
    {
        QTest::addColumn<Action>("action");
        QTest::addColumn<int>("firstRan");
        QTest::addColumn<bool>("firstSawCancel");
        QTest::addColumn<int>("firstDelivered");
        QTest::addColumn<int>("secondDelivered"); ///< the superseding job, -1 when none

        QTest::newRow("nothing") << Action::None << 1 << false << 1 << -1;
        QTest::newRow("cancelled before it starts: the work never runs")
            << Action::CancelBeforeStart << 0 << false << 0 << -1;
        QTest::newRow("cancelled while it runs: told, no delivery")
            << Action::CancelWhileRunning << 1 << true << 0 << -1;
        QTest::newRow("cancelled after it finished: no delivery")
            << Action::CancelAfterFinish << 1 << false << 0 << -1;
        QTest::newRow("owner gone before it starts")
            << Action::OwnerGoneBeforeStart << 0 << false << 0 << -1;
        QTest::newRow("owner gone while it runs")
            << Action::OwnerGoneWhileRunning << 1 << true << 0 << -1;
        QTest::newRow("owner gone after it finished")
            << Action::OwnerGoneAfterFinish << 1 << false << 0 << -1;
        QTest::newRow("superseded before it starts")
            << Action::SupersededBeforeStart << 0 << false << 0 << 1;
        QTest::newRow("superseded while it runs")
            << Action::SupersededWhileRunning << 1 << true << 0 << 1;
    }

    void cancellation()
    {
        QFETCH(Action, action);
        QFETCH(int, firstRan);
        QFETCH(bool, firstSawCancel);
        QFETCH(int, firstDelivered);
        QFETCH(int, secondDelivered);

        auto store = openStore();
        QVERIFY(store);
        auto jobs = std::make_unique<StoreJobs>();
        const QString kind = QStringLiteral("chart");
        auto first = std::make_shared<Probe>();
        auto second = std::make_shared<Probe>();
        const bool beforeStart = action == Action::CancelBeforeStart ||
                                 action == Action::OwnerGoneBeforeStart ||
                                 action == Action::SupersededBeforeStart;
        const bool whileRunning = action == Action::CancelWhileRunning ||
                                  action == Action::OwnerGoneWhileRunning ||
                                  action == Action::SupersededWhileRunning;
        first->blockInside = whileRunning;

        std::optional<Gate> gate;
        if (beforeStart) {
            gate.emplace(*store);
            QVERIFY(gate->waitEntered());
        }
        QVERIFY(start(*jobs, store.get(), kind, first, 1));
        if (whileRunning)
            QVERIFY(first->started.tryAcquire(1, kWaitMs));
        if (action == Action::CancelAfterFinish || action == Action::OwnerGoneAfterFinish)
            store->read<int>([](StoreBackend&) { return 0; }).waitForFinished(); // posted, unseen

        switch (action) {
        case Action::CancelBeforeStart:
        case Action::CancelWhileRunning:
        case Action::CancelAfterFinish:
            jobs->cancelAll();
            QCOMPARE(jobs->pendingCount(), 0);
            break;
        case Action::OwnerGoneBeforeStart:
        case Action::OwnerGoneWhileRunning:
        case Action::OwnerGoneAfterFinish:
            jobs.reset(); // returns at once: the store's thread may be busy with the job
            break;
        case Action::SupersededBeforeStart:
        case Action::SupersededWhileRunning:
            QVERIFY(start(*jobs, store.get(), kind, second, 2));
            QCOMPARE(jobs->pendingCount(), 1);
            break;
        case Action::None:
            break;
        }
        first->proceed.release();
        if (gate)
            gate->release();
        settle(*store);

        QCOMPARE(first->ran.load(), firstRan);
        if (firstRan > 0)
            QCOMPARE(first->sawCancel.load(), firstSawCancel);
        QCOMPARE(first->delivered, firstDelivered);
        if (firstDelivered > 0)
            QCOMPARE(first->value, 1);
        if (secondDelivered >= 0) {
            QCOMPARE(second->delivered, secondDelivered);
            QCOMPARE(second->value, 2);
            QVERIFY(!second->sawCancel);
        }
        if (jobs)
            QCOMPARE(jobs->pendingCount(), 0);
    }

    void cancellingOneKindLeavesTheOthers()
    {
        auto store = openStore();
        QVERIFY(store);
        StoreJobs jobs;
        Gate gate(*store);
        QVERIFY(gate.waitEntered());
        auto a = std::make_shared<Probe>();
        auto b = std::make_shared<Probe>();
        auto c = std::make_shared<Probe>();
        QVERIFY(start(jobs, store.get(), QStringLiteral("a"), a, 1));
        QVERIFY(start(jobs, store.get(), QStringLiteral("b"), b, 2));
        QVERIFY(start(jobs, store.get(), QString(), c, 3)); // unnamed: superseded by nothing
        QCOMPARE(jobs.pendingCount(), 3);
        jobs.cancel(QStringLiteral("a"));
        QVERIFY(!jobs.isPending(QStringLiteral("a")));
        QVERIFY(jobs.isPending(QStringLiteral("b")));
        gate.release();
        settle(*store);
        QCOMPARE(a->ran.load(), 0);
        QCOMPARE(a->delivered, 0);
        QCOMPARE(b->delivered, 1);
        QCOMPARE(c->delivered, 1);
        QCOMPARE(jobs.pendingCount(), 0);
    }

    // A deliver may start the next job of its kind (a chart refreshing again at once).
    void deliverMayStartTheNextJobOfItsKind()
    {
        auto store = openStore();
        QVERIFY(store);
        StoreJobs jobs;
        SampleStore* s = store.get();
        QVector<int> seen;
        std::function<void(int)> next = [&](int n) {
            jobs.run(
                s, QStringLiteral("k"), [n](StoreBackend&, const JobToken&) { return n; },
                [&](int v) {
                    seen.append(v);
                    if (v < 3)
                        next(v + 1);
                });
        };
        next(1);
        QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 3, kWaitMs);
        QCOMPARE(seen, (QVector<int>{1, 2, 3}));
        QCOMPARE(jobs.pendingCount(), 0);
    }

    void withoutAStoreNothingRuns()
    {
        StoreJobs jobs;
        auto p = std::make_shared<Probe>();
        QVERIFY(!start(jobs, nullptr, QStringLiteral("k"), p, 1));
        QCOMPARE(jobs.pendingCount(), 0);
        QCoreApplication::sendPostedEvents();
        QCOMPARE(p->ran.load(), 0);
        QCOMPARE(p->delivered, 0);
    }

    void storeDestroyedWithJobsOutstanding_data()
    {
        QTest::addColumn<bool>("finishedFirst"); ///< the job ran before the store went

        QTest::newRow("still queued: skipped") << false;
        QTest::newRow("finished, delivery not yet handled: dropped") << true;
    }

    void storeDestroyedWithJobsOutstanding()
    {
        QFETCH(bool, finishedFirst);
        auto store = openStore();
        QVERIFY(store);
        StoreJobs jobs;
        auto p = std::make_shared<Probe>();
        if (finishedFirst) {
            QVERIFY(start(jobs, store.get(), QStringLiteral("k"), p, 1));
            store->read<int>([](StoreBackend&) { return 0; }).waitForFinished();
            QCOMPARE(p->ran.load(), 1);
        } else {
            // Holds the store's thread until its destructor has begun (the flag it sets first).
            auto entered = std::make_shared<QSemaphore>();
            store->post([entered, closing = store->closing()](StoreBackend&) {
                entered->release();
                while (!closing->load())
                    QThread::yieldCurrentThread();
            });
            QVERIFY(entered->tryAcquire(1, kWaitMs));
            QVERIFY(start(jobs, store.get(), QStringLiteral("k"), p, 1));
        }
        store.reset(); // joins the store's thread: every queued job has run or been skipped
        QCoreApplication::sendPostedEvents();
        QCOMPARE(p->ran.load(), finishedFirst ? 1 : 0);
        QCOMPARE(p->delivered, 0);
        jobs.cancelAll(); // what an owner does when it learns the store went
        QCOMPARE(jobs.pendingCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_StoreJobs)
#include "tst_storejobs.moc"
