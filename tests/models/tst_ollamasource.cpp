#include "core/labels.h"
#include "emulator/emulator.h"
#include "emulator/ollamaservice.h"
#include "net/httpclient.h"
#include "sources/ollama/ollamaparser.h"
#include "sources/ollama/ollamasource.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QtTest/QtTest>
#include <cmath>
#include <memory>

using namespace isc;
using ollama::OllamaSource;

namespace {

constexpr qint64 kDay = 1788220800;             // 2026-09-01 00:00 UTC, a Tuesday
constexpr qint64 kBusy = kDay + 14 * 3600 + 25; // busy: llama3.2 loaded
constexpr qint64 kNight = kDay + 3 * 3600 + 25; // quiet: only the embedder stays loaded
constexpr quint64 kSeed = 7;

double valueOf(const PollBatch& b, const QString& metric, const QString& model)
{
    for (const auto& s : b.series) {
        if (s.key.metric == metric &&
            labels::value(s.key.labels, QStringLiteral("ModelDeploymentName")) == model)
            return s.samples.value(0).value;
    }
    return std::nan("");
}

} // namespace

class tst_OllamaSource : public QObject
{
    Q_OBJECT
private slots:
    void parsePs();
    void parseTags();
    void parseVersionAndErrors();
    void endToEnd_data();
    void endToEnd();
    void notOllama();
};

void tst_OllamaSource::parsePs()
{
    const auto r = ollama::parseOllamaPs(test::readFixture("ollama/ps.json"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.models.size(), 2);
    const auto& llama = r.models.at(0);
    QCOMPARE(llama.name, QStringLiteral("llama3.2:3b"));
    QCOMPARE(llama.sizeBytes, Q_INT64_C(4009755648));
    QCOMPARE(llama.sizeVramBytes, Q_INT64_C(3221225472)); // the rest runs on the CPU
    // "2026-09-01T14:35:12.837530412+02:00" -> 12:35:12 UTC (nanoseconds dropped).
    QCOMPARE(llama.expiresAt, kDay + 12 * 3600 + 35 * 60 + 12);
    QCOMPARE(llama.family, QStringLiteral("llama"));
    QCOMPARE(llama.quantizationLevel, QStringLiteral("Q4_K_M"));
    QVERIFY(r.models.at(1).expiresAt > kDay + 200LL * 365 * 86400); // keep_alive -1: far future
    const auto empty = ollama::parseOllamaPs(test::readFixture("ollama/ps-empty.json"));
    QVERIFY(empty.ok);
    QVERIFY(empty.models.isEmpty());
}

void tst_OllamaSource::parseTags()
{
    const auto r = ollama::parseOllamaTags(test::readFixture("ollama/tags.json"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.models.size(), 3);
    QCOMPARE(r.models.at(2).name, QStringLiteral("qwen2.5-coder:7b"));
    QCOMPARE(r.models.at(2).sizeBytes, Q_INT64_C(4683087332));
    QCOMPARE(r.models.at(2).parameterSize, QStringLiteral("7.6B"));
    QCOMPARE(r.models.at(2).sizeVramBytes, Q_INT64_C(0));
}

void tst_OllamaSource::parseVersionAndErrors()
{
    QCOMPARE(ollama::parseOllamaVersion(test::readFixture("ollama/version.json")),
             QStringLiteral("0.5.7"));
    QString error;
    QVERIFY(ollama::parseOllamaVersion("{}", &error).isEmpty());
    QVERIFY(!error.isEmpty());
    const auto notJson = ollama::parseOllamaPs("<html>");
    QVERIFY(!notJson.ok);
    QVERIFY2(notJson.error.contains("/api/ps"), qPrintable(notJson.error));
    const auto err = ollama::parseOllamaTags("{\"error\":\"model not found\"}");
    QVERIFY(!err.ok);
    QCOMPARE(err.error, QStringLiteral("Ollama: model not found"));
    QVERIFY(!ollama::parseOllamaPs("{\"models\":{}}").ok);
}

void tst_OllamaSource::endToEnd_data()
{
    QTest::addColumn<qint64>("now");
    QTest::addColumn<bool>("chatLoaded");
    QTest::newRow("busy") << kBusy << true;
    QTest::newRow("night") << kNight << false;
}

void tst_OllamaSource::endToEnd()
{
    QFETCH(qint64, now);
    QFETCH(bool, chatLoaded);
    QCOMPARE(emu::OllamaService::chatModelLoadedAt(now), chatLoaded);
    emu::Emulator emulator(kSeed);
    QVERIFY(emulator.listen());
    emulator.setClock([now] { return now; });
    Connection c;
    c.id = QStringLiteral("demo-ollama");
    c.kind = QStringLiteral("ollama");
    c.displayName = QStringLiteral("Local Ollama (test)");
    c.endpoint = emulator.baseUrl().resolved(QUrl("/local/ollama"));
    HttpClient http;
    OllamaSource src(c, &http, {});
    src.setClock([now] { return now; });
    QSignalSpy batches(&src, &Source::batchReady);
    QSignalSpy inventory(&src, &Source::inventoryReady);
    QSignalSpy finished(&src, &Source::backfillFinished);
    src.start({{now - 86400, now}});
    QCOMPARE(finished.size(), 1);
    QVERIFY(batches.wait(5000));
    const PollBatch b = batches.first().at(0).value<PollBatch>();
    QCOMPARE(b.source, QStringLiteral("demo-ollama"));
    QCOMPARE(b.window.from, now - now % 60);

    const QString llama = QStringLiteral("llama3.2:3b");
    const QString nomic = QStringLiteral("nomic-embed-text:latest");
    const QString qwen = QStringLiteral("qwen2.5-coder:7b");
    QCOMPARE(valueOf(b, "ModelLoaded", nomic), 1.0);
    QCOMPARE(valueOf(b, "ModelLoaded", qwen), 0.0);
    QCOMPARE(valueOf(b, "ModelLoaded", llama), chatLoaded ? 1.0 : 0.0);
    QCOMPARE(valueOf(b, "ModelVramBytes", nomic), 849346560.0);
    QCOMPARE(valueOf(b, "ModelSizeBytes", nomic), 849346560.0);
    QVERIFY(std::isnan(valueOf(b, "ModelSizeBytes", qwen)));
    if (chatLoaded) {
        QCOMPARE(valueOf(b, "ModelSizeBytes", llama), 4009755648.0);
        QCOMPARE(valueOf(b, "ModelVramBytes", llama), 3221225472.0);
        // Used this minute, unloads keep_alive (5 min) after: 300 s minus the 25 s elapsed.
        QCOMPARE(valueOf(b, "ModelExpiresInSeconds", llama), 275.0);
    } else {
        QVERIFY(std::isnan(valueOf(b, "ModelVramBytes", llama)));
    }
    for (const auto& s : b.series) {
        QCOMPARE(s.key.aggregation, QStringLiteral("average"));
        if (s.key.metric.endsWith(QLatin1String("Bytes")))
            QCOMPARE(s.unit, QStringLiteral("Bytes"));
    }
    QCOMPARE(inventory.size(), 1);
    const auto deployments = inventory.first().at(0).value<Deployments>();
    QCOMPARE(deployments.size(), 3);
    QCOMPARE(src.health().state, SourceHealth::State::Polling);
    QTRY_COMPARE(src.serverVersion(), QStringLiteral("0.5.7"));
}

void tst_OllamaSource::notOllama()
{
    emu::Emulator emulator(kSeed);
    QVERIFY(emulator.listen());
    Connection c;
    c.id = QStringLiteral("x");
    c.kind = QStringLiteral("ollama");
    c.endpoint = emulator.baseUrl().resolved(QUrl("/local/ollama/wrong"));
    HttpClient http;
    OllamaSource src(c, &http, {});
    QSignalSpy failed(&src, &Source::pollFailed);
    src.start({});
    QVERIFY(failed.wait(5000));
    const QString reason = failed.first().at(0).value<GapMarker>().reason;
    QVERIFY2(reason.contains("404") && reason.contains("Ollama"), qPrintable(reason));
    QCOMPARE(src.health().state, SourceHealth::State::Failing);
}

QTEST_GUILESS_MAIN(tst_OllamaSource)
#include "tst_ollamasource.moc"
