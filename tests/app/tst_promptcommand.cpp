// End to end: `inferscope prompt` against its --demo emulator and an in-process one.
#include "testsupport.h"

#include "emulator/chatservice.h"
#include "emulator/chattext.h"
#include "emulator/emulator.h"
#include "net/loopbackhttpserver.h"
#include "store/samplestore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    /// The JSON metrics line on stderr (the first line that parses as an object).
    QJsonObject metrics() const
    {
        for (const QByteArray& line : err.split('\n')) {
            const QJsonDocument doc = QJsonDocument::fromJson(line);
            if (doc.isObject())
                return doc.object();
        }
        return {};
    }
};

/// Serves `fixture` as an SSE answer with `headers`, cut into two writes at byte `cut`.
std::unique_ptr<LoopbackHttpServer> serveFixture(const QByteArray& fixture, int cut,
                                                 QList<HttpServerHeader> headers = {})
{
    auto server = std::make_unique<LoopbackHttpServer>();
    headers.prepend({"Content-Type", "text/event-stream"});
    server->setHandler([=](const HttpServerRequest&, HttpServerResponder& r) {
        r.beginStream(200, headers);
        r.writeChunk(fixture.left(cut));
        r.writeChunk(fixture.mid(cut));
        r.endStream();
    });
    if (!server->listen())
        qFatal("cannot listen on loopback");
    return server;
}

} // namespace

class tst_PromptCommand : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_home;

    // The event loop spins while waiting, so an in-process emulator keeps answering.
    Run run(const QStringList& args, const QProcessEnvironment& extra = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", m_home.filePath("config"));
        env.insert("XDG_DATA_HOME", m_home.filePath("data"));
        for (const QString& k : extra.keys())
            env.insert(k, extra.value(k));
        p.setProcessEnvironment(env);
        QSignalSpy finished(&p, &QProcess::finished);
        p.start(test::inferscopeBinary(), QStringList{"prompt"} + args);
        if (!p.waitForStarted())
            return {};
        if (!finished.wait(60000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!test::inferscopeBinary().isEmpty(), "INFERSCOPE_BINARY is not set");
        QVERIFY(m_home.isValid());
    }

    void demoTargets_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("priced");
        // Azure needs the deployment's SKU (not fetched by the CLI); the demo's Anthropic model
        // and local models are not in the catalog: "no price", never $0.
        QTest::newRow("azure") << QStringLiteral("gpt-4o-mini") << false;
        QTest::newRow("openai") << QStringLiteral("openai") << true;
        QTest::newRow("anthropic") << QStringLiteral("anthropic") << false;
        QTest::newRow("ollama") << QStringLiteral("ollama") << false;
    }
    void demoTargets()
    {
        QFETCH(QString, target);
        QFETCH(bool, priced);
        const QString prompt = QStringLiteral("What is TTFT?");
        const Run r = run({"--demo", "--target", target, "--param", "max_tokens=12", prompt});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject m = r.metrics();
        const QString expected =
            emu::chatAnswerTokens(42, m.value("model").toString(), prompt, 12).join(QString());
        QCOMPARE(QString::fromUtf8(r.out).trimmed(), expected);
        QCOMPARE(m.value("http_status").toInt(), 200);
        QCOMPARE(m.value("tokens_out").toInt(), 12);
        QCOMPARE(m.value("tokens_estimated").toBool(), false);
        QVERIFY(m.value("ttft_ms").toDouble() > 0);
        QVERIFY(m.value("total_ms").toDouble() >= m.value("ttft_ms").toDouble());
        QVERIFY(m.value("tokens_per_s").toDouble() > 0);
        // "cost" is a number in USD or null, never text; the words are beside it.
        QVERIFY(m.contains("cost"));
        if (priced) {
            QVERIFY2(m.value("cost").isDouble(), r.err.constData());
            QVERIFY(m.value("cost").toDouble() > 0);
            QCOMPARE(m.value("cost_usd").toDouble(), m.value("cost").toDouble());
            QVERIFY(m.value("cost_text").toString().startsWith(QLatin1Char('$')));
        } else {
            QVERIFY2(m.value("cost").isNull(), r.err.constData());
            QVERIFY(m.value("cost_usd").isNull());
            QCOMPARE(m.value("cost_text").toString(), QStringLiteral("no price"));
        }
        QVERIFY(m.value("error").isNull());
    }

    void recordsInHistory()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("history.sqlite"));
        const QString prompt = QStringLiteral("History marker 4f1c: what is TTFT?");
        const Run r = run({"--demo", "--target", "openai", "--param", "max_tokens=8", "--param",
                           "temperature=0.5", "--db", db, prompt});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        {
            SampleStore store;
            QVERIFY(store.open(db).result().usable());
            const QVector<StoredRun> runs = store.listRuns().result();
            QCOMPARE(runs.size(), 1);
            QCOMPARE(runs[0].target, QStringLiteral("openai"));
            QCOMPARE(runs[0].connection, QStringLiteral("demo"));
            QCOMPARE(runs[0].dialect, QStringLiteral("openai"));
            QVERIFY(runs[0].messagesJson.contains(prompt));
            QCOMPARE(runs[0].output, QString::fromUtf8(r.out).trimmed());
            QVERIFY(runs[0].parametersJson.contains(QLatin1String("\"temperature\":0.5")));
            QVERIFY(runs[0].metricsJson.contains(QLatin1String("\"http_status\":200")));
            QVERIFY(!runs[0].redacted);
        }

        // With the Playground's "keep prompts and answers" off, only metrics are recorded.
        const QString conf = m_home.filePath(QStringLiteral("config/Inferscope/inferscope.conf"));
        QVERIFY(QDir().mkpath(QFileInfo(conf).absolutePath()));
        {
            QFile f(conf);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("[playground]\nkeepText=false\n");
        }
        const QString secret = QStringLiteral("Redacted marker 9d2e: summarise this");
        const Run redacted = run({"--demo", "--target", "anthropic", "--db", db, secret});
        QFile::remove(conf);
        QVERIFY2(redacted.exitCode == 0, redacted.err.constData());
        SampleStore store;
        QVERIFY(store.open(db).result().usable());
        const QVector<StoredRun> runs = store.listRuns().result();
        QCOMPARE(runs.size(), 2);
        QVERIFY(runs[0].redacted);
        QVERIFY(runs[0].messagesJson.isEmpty());
        QVERIFY(runs[0].output.isEmpty());
        QVERIFY(runs[0].metricsJson.contains(QLatin1String("\"tokens_out\"")));
    }

    void baseUrlWithKeyFromEnvironment()
    {
        emu::Emulator emulator(7);
        QVERIFY(emulator.listen());
        QProcessEnvironment env;
        env.insert("PLAYGROUND_KEY", emu::Emulator::demoToken());
        const Run r =
            run({"--base-url", emulator.baseUrl().toString(), "--dialect", "azure", "--model",
                 "gpt-41-dz", "--api-key-env", "PLAYGROUND_KEY", "--system", "Be brief.", "hello"},
                env);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QString::fromUtf8(r.out).trimmed(),
                 emu::chatAnswerTokens(7, r.metrics().value("model").toString(),
                                       QStringLiteral("Be brief.\nhello"), 0)
                     .join(QString()));
        QCOMPARE(r.metrics().value("region").toString(), QStringLiteral("Sweden Central"));
        QVERIFY(!r.err.contains(emu::Emulator::demoToken().toUtf8())); // never print the key

        const Run noKey = run({"--base-url", emulator.baseUrl().toString(), "--dialect", "azure",
                               "--model", "gpt-41-dz", "--api-key-env", "PLAYGROUND_NOT_SET", "x"});
        QCOMPARE(noKey.exitCode, 1);
        QVERIFY2(noKey.err.contains("PLAYGROUND_NOT_SET"), noKey.err.constData());
        QCOMPARE(noKey.metrics().value("error_kind").toString(), QStringLiteral("auth"));
    }

    void splitCharactersPrintWhole()
    {
        // The transport splits é between its bytes; U+1F600 comes as two UTF-16 halves in two
        // events. Printed delta by delta, a half was "?".
        const QByteArray fixture = test::readFixture("playground/openai_stream_split_char.sse");
        const int e = fixture.indexOf("\xc3\xa9");
        QVERIFY(e > 0);
        const auto server = serveFixture(fixture, e + 1);
        const Run r = run({"--base-url", server->serverUrl().toString() + "/v1", "--dialect",
                           "openai", "--model", "m", "x"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QStringLiteral("Caf\u00e9 au lait \U0001F600!\n").toUtf8());
    }

    void reasoningAndProviderHeadersInOutput()
    {
        const QByteArray secret = "session-SECRET-5150";
        const auto server =
            serveFixture(test::readFixture("playground/openai_stream_reasoning.sse"), 10,
                         {{"x-ratelimit-remaining-requests", "7"},
                          {"x-ms-region", "East US"},
                          {"set-cookie", "sid=" + secret}});
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("history.sqlite"));
        const Run r = run({"--base-url", server->serverUrl().toString() + "/v1", "--dialect",
                           "openai", "--model", "o4-mini", "--db", db, "x"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject m = r.metrics();
        QCOMPARE(m.value("tokens_reasoning").toInt(), 192);
        QCOMPARE(m.value("tokens_out").toInt(), 198);
        const QJsonObject h = m.value("headers").toObject();
        QCOMPARE(h.value("x-ratelimit-remaining-requests").toString(), QStringLiteral("7"));
        QCOMPARE(h.value("x-ms-region").toString(), QStringLiteral("East US"));
        QCOMPARE(h.size(), 2);
        QVERIFY(!r.err.contains(secret));

        SampleStore store;
        QVERIFY(store.open(db).result().usable());
        const QVector<StoredRun> runs = store.listRuns().result();
        QCOMPARE(runs.size(), 1);
        const QJsonObject stored = QJsonDocument::fromJson(runs[0].headersJson.toUtf8()).object();
        QCOMPARE(stored, h);
        QVERIFY(runs[0].metricsJson.contains(QLatin1String("\"tokens_reasoning\":192")));
        QVERIFY(!runs[0].headersJson.contains(QString::fromUtf8(secret)));
    }

    void failuresInWords()
    {
        const Run filtered = run({"--demo", "--target", "gpt-4o-mini",
                                  QStringLiteral("please ") + emu::ChatService::kFilterPromptWord});
        QCOMPARE(filtered.exitCode, 1);
        QVERIFY2(filtered.err.contains("content filter"), filtered.err.constData());
        QCOMPARE(filtered.metrics().value("http_status").toInt(), 400);
        QCOMPARE(filtered.metrics().value("error_kind").toString(),
                 QStringLiteral("content_filter"));

        const Run unknown = run({"--demo", "--target", "nope", "x"});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("no target \"nope\""));

        const Run usage = run({"--dialect", "openai", "x"});
        QCOMPARE(usage.exitCode, 2);
        QVERIFY(usage.err.contains("--base-url"));
    }
};

QTEST_GUILESS_MAIN(tst_PromptCommand)
#include "tst_promptcommand.moc"
