#include "emulator/emulator.h"
#include "pages/playgroundpage.h"
#include "playgroundpane.h"
#include "routing/policydocument.h"
#include "store/samplestore.h"

#include <QJsonArray>
#include <QSemaphore>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;

class tst_PlaygroundPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<emu::Emulator> m_emu;
    std::unique_ptr<SampleStore> m_store;

    Workspace workspace() const
    {
        return Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           m_dir.filePath(QStringLiteral("settings")));
        m_emu = std::make_unique<emu::Emulator>(11);
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    }

    void init()
    {
        QSettings().clear();
        m_store = std::make_unique<SampleStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("h%1.sqlite").arg(++m_n)))
                    .result()
                    .usable());
        // The inventory the collector would have fetched: the emulator's Azure deployments.
        Deployments inventory;
        for (const auto& f : m_emu->traffic().fleet()) {
            Deployment d;
            d.source = QStringLiteral("demo-azure");
            d.name = f.name;
            d.model = f.model;
            d.version = f.version;
            d.sku = f.sku;
            inventory.append(d);
        }
        m_store->saveDeployments(QStringLiteral("demo-azure"), inventory).waitForFinished();
    }
    void cleanup() { m_store.reset(); }

    // The demo run (what --screenshot --page playground renders): four targets of four kinds,
    // shown in the panes and the history list but never stored, and the user's remembered
    // prompt and targets left as they were.
    void demoRunStreamsIntoFourPanes()
    {
        QSettings().setValue(QStringLiteral("playground/targets"), QStringList{"mine"});
        PlaygroundPage page(m_store.get(), workspace());
        page.setRequestHeaders({{"x-inferscope-speed", "fast"}});
        QSignalSpy loaded(&page, &PlaygroundPage::loaded);
        page.refresh(); // the demo: a prompt on four targets of four kinds
        QVERIFY(loaded.wait(30000));
        QCOMPARE(page.panes().size(), 4);
        QStringList dialects;
        for (PlaygroundPane* pane : page.panes()) {
            const RunResult& r = pane->lastResult();
            QVERIFY2(r.ok(), qPrintable(pane->lastTarget().id + QStringLiteral(": ") + r.error));
            QVERIFY(!pane->text().isEmpty());
            QCOMPARE(pane->text(), r.text);
            QVERIFY(r.metrics.ttftMs > 0);
            QVERIFY(r.metrics.totalMs >= r.metrics.ttftMs);
            QCOMPARE(r.metrics.httpStatus, 200);
            dialects << dialectName(pane->lastTarget().chat.dialect);
        }
        dialects.sort();
        QCOMPARE(dialects, (QStringList{"anthropic", "azure", "openai", "openai"}));
        QCOMPARE(page.pendingRequests(), 0);
        // Every run is in the history list, and none in the database.
        QCOMPARE(page.historyRuns().size(), 4);
        QCOMPARE(page.historyView()->topLevelItemCount(), 4);
        QVERIFY2(page.statusText().contains(QLatin1String("not stored")),
                 qPrintable(page.statusText()));
        QCOMPARE(m_store->listRuns().result().size(), 0);
        QCOMPARE(QSettings().value(QStringLiteral("playground/targets")).toStringList(),
                 QStringList{"mine"});
        // The OpenAI demo model is in the price catalog; the local server has no price.
        for (PlaygroundPane* pane : page.panes()) {
            if (pane->lastTarget().provider == QLatin1String("openai"))
                QVERIFY(pane->lastResult().metrics.cost.has_value());
            if (pane->lastTarget().provider == QLatin1String("local"))
                QVERIFY(!pane->lastResult().metrics.cost.has_value());
        }
    }

    void cancelLeavesNothingPending()
    {
        PlaygroundPage page(m_store.get(), workspace());
        QSignalSpy history(&page, &PlaygroundPage::historyReloaded);
        QTRY_VERIFY(page.targets().size() >= 4);
        QStringList ids;
        for (int i = 0; i < 4; ++i)
            ids << page.targets().at(i * 2).id;
        page.setPaneTargets(ids);
        page.setRequestHeaders({{"x-inferscope-speed", "5"}}); // slow: still running when cancelled
        page.setPrompt(QStringLiteral("Be long."), QStringLiteral("Tell a long story."));
        QSignalSpy finished(&page, &PlaygroundPage::runsFinished);
        QVERIFY(page.runAll());
        QVERIFY(page.isRunning());
        QTRY_VERIFY(page.pendingRequests() > 0);
        page.cancelAll();
        QCOMPARE(page.pendingRequests(), 0);
        QVERIFY(finished.wait(10000));
        QVERIFY(!page.isRunning());
        for (PlaygroundPane* pane : page.panes())
            QCOMPARE(pane->lastResult().errorKind, RunResult::ErrorKind::Cancelled);
        QCOMPARE(page.historyRuns().size(), 4);
        QCOMPARE(page.historyRuns().first().errorKind, QStringLiteral("cancelled"));
    }

    void missingVariableIsRefusedInWords()
    {
        PlaygroundPage page(m_store.get(), workspace());
        page.setPrompt({}, QStringLiteral("Hello {{name}}"));
        QVERIFY(!page.runAll());
        QVERIFY2(page.statusText().contains(QLatin1String("{{name}}")),
                 qPrintable(page.statusText()));
        QVERIFY(!page.isRunning());
    }

    void redactedRunsKeepMetricsOnly()
    {
        PlaygroundPage page(m_store.get(), workspace());
        QTRY_VERIFY(!page.targets().isEmpty());
        page.setPaneTargets({page.targets().first().id});
        page.setRequestHeaders({{"x-inferscope-speed", "instant"}});
        page.setKeepText(false);
        page.setPrompt({}, QStringLiteral("Private marker 31aa"));
        QSignalSpy finished(&page, &PlaygroundPage::runsFinished);
        QVERIFY(page.runAll());
        QVERIFY(finished.wait(10000));
        QCOMPARE(page.historyRuns().size(), 1);
        QVERIFY(page.historyRuns().first().redacted);
        QVERIFY(page.historyRuns().first().messagesJson.isEmpty());
        QVERIFY(!page.historyView()->topLevelItem(0)->text(8).contains(QLatin1String("31aa")));
    }

    void autoWithoutPolicyIsDisabled()
    {
        PlaygroundPage page(m_store.get(), workspace());
        QTRY_VERIFY(!page.targets().isEmpty());
        page.setPaneTargets({QStringLiteral("auto")});
        page.setPrompt({}, QStringLiteral("hi"));
        // The disabled entry cannot be chosen: the pane keeps a real target.
        QVERIFY(page.panes().first()->selectedTarget() != QStringLiteral("auto"));
    }

    void autoRoutesByThePolicy()
    {
        Workspace ws = workspace();
        ws.routingPolicy = QJsonObject{
            {"name", "all to vLLM"},
            {"fallback", "demo-vllm"},
            {"rules", QJsonArray{QJsonObject{
                          {"name", "short prompts"},
                          {"target", "demo-ollama"},
                          {"when", QJsonObject{{"promptTokens", QJsonObject{{"max", 50}}}}}}}}};
        PlaygroundPage page(m_store.get(), ws);
        QTRY_VERIFY(!page.targets().isEmpty());
        page.setPaneTargets({QStringLiteral("auto")});
        QCOMPARE(page.panes().first()->selectedTarget(), QStringLiteral("auto"));
        page.setRequestHeaders({{"x-inferscope-speed", "instant"}});
        page.setPrompt({}, QStringLiteral("hi"));
        QSignalSpy finished(&page, &PlaygroundPage::runsFinished);
        QVERIFY(page.runAll());
        QVERIFY(finished.wait(10000));
        QCOMPARE(page.panes().first()->lastTarget().id, QStringLiteral("demo-ollama"));
        QVERIFY(page.panes().first()->lastResult().ok());
    }

    // The user's policy saved in the database wins over the workspace file's.
    void autoFollowsTheUsersSavedPolicy()
    {
        Workspace ws = workspace();
        ws.routingPolicy = QJsonObject{{"name", "all to vLLM"}, {"fallback", "demo-vllm"}};
        StoredDocument saved;
        saved.kind = PolicyDocument::kKind;
        saved.key = PolicyDocument::kKey;
        saved.json = QString::fromUtf8(
            QJsonDocument(QJsonObject{{"name", "all to Ollama"}, {"fallback", "demo-ollama"}})
                .toJson(QJsonDocument::Compact));
        QVERIFY(m_store->putDocument(saved).result().ok);
        {
            PlaygroundPage page(m_store.get(), ws);
            // The policy is read before the targets (one store queue).
            QTRY_VERIFY(!page.targets().isEmpty());
            page.setPaneTargets({QStringLiteral("auto")});
            page.setRequestHeaders({{"x-inferscope-speed", "instant"}});
            page.setPrompt({}, QStringLiteral("hi"));
            QSignalSpy finished(&page, &PlaygroundPage::runsFinished);
            QVERIFY(page.runAll());
            QVERIFY(finished.wait(10000));
            QCOMPARE(page.panes().first()->lastTarget().id, QStringLiteral("demo-ollama"));
        }
        QVERIFY(m_store->removeDocument(DocumentScope::User, saved.kind, saved.key).result().ok);
    }

    // Closed while its inventory and live-figures reads wait behind a busy store: it goes at
    // once, without waiting for the store, and nothing lands afterwards (ASan sees any use).
    void closedMidRead()
    {
        Workspace ws = workspace();
        ws.routingPolicy = QJsonObject{{"name", "all to vLLM"}, {"fallback", "demo-vllm"}};
        auto page = std::make_unique<PlaygroundPage>(m_store.get(), ws);
        QTRY_VERIFY(!page->targets().isEmpty());
        auto entered = std::make_shared<QSemaphore>();
        auto release = std::make_shared<QSemaphore>();
        m_store->post([entered, release](StoreBackend&) {
            entered->release();
            release->acquire();
        });
        QVERIFY(entered->tryAcquire(1, 10000));
        page->setWorkspace(ws); // queues the inventory read; its delivery reads live figures
        page->reloadHistory();
        page.reset(); // would wait forever for the held store if it waited at all
        release->release();
        m_store->read<int>([](StoreBackend&) { return 0; }).waitForFinished();
        QCoreApplication::sendPostedEvents();
        QVERIFY(!page);
    }

private:
    int m_n = 0;
};

QTEST_MAIN(tst_PlaygroundPage)
#include "tst_playgroundpage.moc"
