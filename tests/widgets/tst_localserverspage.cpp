#include "charts/timeserieschart.h"
#include "core/labels.h"
#include "core/units.h"
#include "itemmodels/chartmodel.h"
#include "itemmodels/costtablemodel.h"
#include "kit/kpitile.h"
#include "pages/localserverspage.h"
#include "reports/localserversreport.h"
#include "store/samplestore.h"
#include "timerangepicker.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

const QString kVllm = QStringLiteral("gpu-vllm");
const QString kLlama = QStringLiteral("gpu-llama");
const QString kOllama = QStringLiteral("desk-ollama");
const QString kVllmModel = QStringLiteral("meta-llama/Llama-3.1-8B-Instruct");
const QString kLlamaModel = QStringLiteral("qwen2.5-7b-instruct-q4_k_m");
const QString kOllamaModel = QStringLiteral("llama3.2:3b");
constexpr double kGiB = 1024.0 * 1024 * 1024;

SeriesSamples series(const QString& source, const QString& metric, const QString& aggregation,
                     const QString& model, qint64 from, qint64 to, double value)
{
    SeriesSamples s;
    s.key = {source, metric, aggregation,
             labels::canonical({{QStringLiteral("ModelDeploymentName"), model}})};
    for (qint64 ts = from; ts < to; ts += 60)
        s.samples.append({ts, value});
    return s;
}

Connection connection(const QString& id, const QString& kind, const QString& name)
{
    Connection c;
    c.id = id;
    c.kind = kind;
    c.displayName = name;
    return c;
}

Workspace workspace()
{
    Workspace ws;
    ws.connections = {connection(QStringLiteral("az"), QStringLiteral("azure-openai"), "Azure"),
                      connection(kVllm, QStringLiteral("prometheus"), "GPU vLLM"),
                      connection(kLlama, QStringLiteral("prometheus"), "GPU llama.cpp"),
                      connection(kOllama, QStringLiteral("ollama"), "Desk Ollama")};
    return ws;
}

Deployment served(const QString& source, const QString& model, const QString& sku)
{
    Deployment d;
    d.source = source;
    d.name = d.model = model;
    d.sku = sku;
    return d;
}

SourceHealth health(const QString& source, qint64 now, const QString& error = {})
{
    SourceHealth h;
    h.source = source;
    h.state = error.isEmpty() ? SourceHealth::State::Polling : SourceHealth::State::Failing;
    h.lastSuccess = error.isEmpty() ? now - 5 : now - 600;
    h.lastAttempt = now - 5;
    h.lastError = error;
    return h;
}

} // namespace

class tst_LocalServersPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SampleStore* m_store = nullptr;
    qint64 m_now = 0;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = new SampleStore(this);
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("local.sqlite"))).result().usable());
        m_now = floorTo(nowUtc(), 60);
        const qint64 from = m_now - 2 * 3600, to = m_now;
        const QString avg = QStringLiteral("average"), total = QStringLiteral("total");
        PollBatch v;
        v.source = kVllm;
        v.window = {from, to};
        v.series = {series(kVllm, "RequestsRunning", avg, kVllmModel, from, to, 12),
                    series(kVllm, "RequestsWaiting", avg, kVllmModel, from, to, 3),
                    series(kVllm, "KvCacheUsagePercent", avg, kVllmModel, from, to, 91),
                    series(kVllm, "OutputTokens", total, kVllmModel, from, to, 6000),
                    series(kVllm, "Preemptions", total, kVllmModel, from, to, 1)};
        PollBatch l;
        l.source = kLlama;
        l.window = {from, to};
        l.series = {series(kLlama, "RequestsRunning", avg, kLlamaModel, from, to, 2),
                    series(kLlama, "RequestsWaiting", avg, kLlamaModel, from, to, 0),
                    series(kLlama, "OutputTokens", total, kLlamaModel, from, to, 1200)};
        PollBatch o;
        o.source = kOllama;
        o.window = {to - 600, to};
        o.series = {series(kOllama, "ModelLoaded", avg, kOllamaModel, to - 600, to, 1),
                    series(kOllama, "ModelSizeBytes", avg, kOllamaModel, to - 600, to, 4 * kGiB),
                    series(kOllama, "ModelVramBytes", avg, kOllamaModel, to - 600, to, 3 * kGiB)};
        for (const PollBatch& b : {v, l, o})
            QVERIFY(m_store->write(b).result().ok);
        m_store->saveDeployments(kVllm, {served(kVllm, kVllmModel, "vLLM")}).waitForFinished();
        m_store->saveDeployments(kLlama, {served(kLlama, kLlamaModel, "llama.cpp")})
            .waitForFinished();
    }

    void showsEveryServer()
    {
        LocalServersPage page(m_store, workspace());
        page.setClock([this] { return m_now; });
        page.resize(1440, 900);
        QAbstractItemModelTester servers(page.serversModel());
        QAbstractItemModelTester models(page.modelsModel());
        QSignalSpy loaded(&page, &LocalServersPage::loaded);
        page.setTimeRange({m_now - 3600, m_now});
        QVERIFY(loaded.wait(10000));
        QTRY_VERIFY(!page.chartModels()[0]->isLoading() && page.chartModels()[0]->isLoaded());

        // Three local servers (the Azure connection is not one), in workspace order.
        const CostTableModel* t = page.serversModel();
        QCOMPARE(t->rowCount(), 3);
        QCOMPARE(t->text(0, 0), QStringLiteral("GPU vLLM"));
        QCOMPARE(t->text(0, 1), QStringLiteral("vLLM"));
        QCOMPARE(t->text(0, 3), QStringLiteral("12 / 3"));
        QCOMPARE(t->text(0, 4), formatQuantity(91, Unit::Percent));
        QCOMPARE(t->text(0, 5), formatCompact(60)); // one a minute over the hour
        QCOMPARE(t->text(0, 6), formatQuantity(6000.0 / 60, Unit::TokensPerSecond));
        QCOMPARE(t->text(1, 1), QStringLiteral("llama.cpp"));
        QCOMPARE(t->text(1, 4), QStringLiteral("not exposed by llama.cpp"));
        QCOMPARE(t->text(2, 1), QStringLiteral("Ollama"));
        QCOMPARE(t->text(2, 3), QStringLiteral("not exposed by Ollama"));
        QVERIFY(page.noteText().contains(QLatin1String("kv_cache_usage_ratio")));

        // Loaded models with their memory; the Ollama one partly on the CPU.
        const CostTableModel* m = page.modelsModel();
        QCOMPARE(m->rowCount(), 3);
        QCOMPARE(m->text(2, 1), kOllamaModel);
        QCOMPARE(m->text(2, 3), LocalServersReport::bytes(3 * kGiB));

        // Tiles: none polled by a collector here, data fresh: answering.
        QCOMPARE(page.tiles().size(), 6);
        QCOMPARE(page.tiles()[0]->valueText(), QStringLiteral("3 of 3"));
        QCOMPARE(page.tiles()[1]->valueText(), formatQuantity(12 + 2, Unit::Count));
        QCOMPARE(page.tiles()[2]->valueText(), formatQuantity(91, Unit::Percent));
        QCOMPARE(page.tiles()[5]->valueText(), LocalServersReport::bytes(3 * kGiB));

        // Charts: a unit on every value axis, the local models drawn.
        QCOMPARE(page.charts().size(), 3);
        QCOMPARE(page.charts()[0]->valueAxisTitle(), unitSymbol(Unit::Requests));
        QCOMPARE(page.charts()[1]->valueAxisTitle(), unitSymbol(Unit::Percent));
        QCOMPARE(page.charts()[2]->valueAxisTitle(), unitSymbol(Unit::TokensPerSecond));
        QTRY_COMPARE(page.charts()[0]->seriesCount(), 4); // running + waiting, two models
        QTRY_COMPARE(page.charts()[1]->seriesNames(), QStringList{kVllmModel});
        // Tokens per second: the per-minute total over 60.
        QTRY_COMPARE(page.charts()[2]->seriesCount(), 2);
        QCOMPARE(page.charts()[2]->seriesPoints(kVllmModel).last().y(), 6000.0 / 60);
        QVERIFY(page.bannerText().isEmpty());
    }

    // The collector's health wins over the data's age: a failing server is down, since its
    // first failure, with the error in words, in the table and the banner.
    void healthSaysDown()
    {
        LocalServersPage page(m_store, workspace());
        page.setClock([this] { return m_now; });
        QSignalSpy loaded(&page, &LocalServersPage::loaded);
        page.setTimeRange({m_now - 3600, m_now});
        QVERIFY(loaded.wait(10000));
        const QString error = QStringLiteral("scraping http://gpu:8080/metrics failed: "
                                             "Connection refused");
        page.setHealth(health(kVllm, m_now));
        page.setHealth(health(kLlama, m_now, error));
        page.setHealth(health(QStringLiteral("az"), m_now, QStringLiteral("ignored")));
        const CostTableModel* t = page.serversModel();
        QCOMPARE(t->text(0, 2), QStringLiteral("Up, no failure in range"));
        QCOMPARE(t->text(1, 2), QStringLiteral("Down, no answer since %1")
                                    .arg(LocalServersReport::when(m_now - 600, m_now)));
        QCOMPARE(t->text(1, 7), error);
        QVERIFY(t->data(t->index(1, 2), CostTableModel::WarningRole).toBool());
        QVERIFY(page.bannerText().contains(error));
        QVERIFY(page.bannerText().contains(QLatin1String("GPU llama.cpp")));
        QCOMPARE(page.tiles()[0]->valueText(), QStringLiteral("2 of 3"));

        page.clearHealth();
        QVERIFY(page.bannerText().isEmpty());
    }

    void followsTheWorkspace()
    {
        LocalServersPage page(m_store, workspace());
        page.setClock([this] { return m_now; });
        QSignalSpy loaded(&page, &LocalServersPage::loaded);
        page.setTimeRange({m_now - 3600, m_now});
        QVERIFY(loaded.wait(10000));
        Workspace none;
        none.connections = {workspace().connections.first()};
        page.setWorkspace(none);
        QTRY_COMPARE(page.serversModel()->rowCount(), 0);
        QVERIFY(page.noteText().contains(QLatin1String("No local server is configured")));
    }

    void cleanupTestCase()
    {
        delete m_store;
        m_store = nullptr;
    }
};

QTEST_MAIN(tst_LocalServersPage)
#include "tst_localserverspage.moc"
