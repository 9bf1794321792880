// Every dialect end to end: ChatClient -> HttpClient::stream -> the emulator's chat service;
// stream faults from fixtures served by a LoopbackHttpServer.
#include "testsupport.h"

#include "emulator/chatservice.h"
#include "emulator/chattext.h"
#include "emulator/emulator.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "playground/chatclient.h"
#include "playground/chatwire.h"
#include "playground/tokenestimator.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;

namespace {

/// Serves `fixture` as an SSE answer with `headers`, written in pieces cut at `cuts` (byte
/// offsets), so a test decides where the transport splits the stream.
std::unique_ptr<LoopbackHttpServer>
serveFixture(const QByteArray& fixture, QList<HttpServerHeader> headers = {}, QList<int> cuts = {})
{
    auto server = std::make_unique<LoopbackHttpServer>();
    headers.prepend({"Content-Type", "text/event-stream"});
    server->setHandler([=](const HttpServerRequest&, HttpServerResponder& r) {
        r.beginStream(200, headers);
        int from = 0;
        for (int cut : cuts) {
            r.writeChunk(fixture.mid(from, cut - from));
            from = cut;
        }
        r.writeChunk(fixture.mid(from));
        r.endStream();
    });
    if (!server->listen())
        qFatal("cannot listen on loopback");
    return server;
}

ChatTarget fixtureTarget(const LoopbackHttpServer& server, ChatDialect dialect)
{
    ChatTarget t;
    t.name = QStringLiteral("fixture");
    t.dialect = dialect;
    t.baseUrl = server.serverUrl().resolved(QUrl(QStringLiteral("/v1")));
    t.model = QStringLiteral("m");
    t.maxRetries = 0;
    return t;
}

/// True when `text` holds half a surrogate pair (what prints as "?").
bool hasLoneSurrogate(const QString& text)
{
    return QString::fromUtf8(text.toUtf8()) != text;
}

} // namespace

class tst_ChatClient : public QObject
{
    Q_OBJECT
private:
    emu::Emulator* m_emu = nullptr;

    ChatTarget target(const QString& kind, const QByteArray& speed = "fast") const
    {
        ChatTarget t;
        t.name = kind;
        const QString base = m_emu->baseUrl().toString();
        t.apiKey = [](QString*) { return emu::Emulator::demoToken(); };
        if (kind == QLatin1String("azure")) {
            t.dialect = ChatDialect::Azure;
            t.baseUrl = QUrl(base);
            t.deployment = QStringLiteral("gpt-4o-mini");
        } else if (kind == QLatin1String("azure-v1")) {
            t.dialect = ChatDialect::Azure;
            t.baseUrl = QUrl(base);
            t.model = QStringLiteral("gpt-4o-mini");
            t.azureBearer = true;
        } else if (kind == QLatin1String("openai")) {
            t.baseUrl = QUrl(base + QStringLiteral("/providers/openai/v1"));
            t.model = QStringLiteral("gpt-4o-mini");
        } else if (kind == QLatin1String("anthropic")) {
            t.dialect = ChatDialect::Anthropic;
            t.baseUrl = QUrl(base + QStringLiteral("/providers/anthropic/v1"));
            t.model = QStringLiteral("claude-sonnet-4-5");
        } else {
            t.baseUrl = QUrl(base + QStringLiteral("/local/") + kind);
            t.model = QStringLiteral("llama3.2:3b");
            t.apiKey = nullptr; // local servers take no key
        }
        t.extraHeaders.append(HttpHeader{"x-inferscope-speed", speed});
        t.maxRetries = 0;
        return t;
    }

    static RunResult runOnce(ChatClient& client, const ChatTarget& t, const ChatRequest& r,
                             QString* deltas = nullptr, QStringList* pieces = nullptr)
    {
        QSignalSpy finished(&client, &ChatClient::finished);
        QString text;
        QStringList seen;
        auto c = QObject::connect(&client, &ChatClient::delta, [&](const QString& s) {
            text += s;
            seen << s;
        });
        if (!client.run(t, r))
            return {};
        if (!finished.wait(20000))
            return {};
        QObject::disconnect(c);
        if (deltas)
            *deltas = text;
        if (pieces)
            *pieces = seen;
        return finished.first().first().value<RunResult>();
    }

    /// What the emulator answers to `r` from `model` (the model it reports it ran).
    static QString expectedText(const ChatRequest& r, const QString& model)
    {
        QStringList contents;
        for (const ChatMessage& m : r.messages)
            contents << m.content;
        return emu::chatAnswerTokens(42, model, contents.join(QLatin1Char('\n')), 0)
            .join(QString());
    }

    static int expectedPromptTokens(const ChatRequest& r)
    {
        QStringList contents;
        for (const ChatMessage& m : r.messages)
            contents << m.content;
        return emu::emulatedPromptTokens(contents);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_emu = new emu::Emulator(42, this);
        QVERIFY(m_emu->listen());
    }

    void dialects_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("stream");
        for (const char* k :
             {"azure", "azure-v1", "openai", "anthropic", "vllm", "llamacpp", "ollama"}) {
            QTest::newRow(qPrintable(QStringLiteral("%1 stream").arg(k))) << QString(k) << true;
            QTest::newRow(qPrintable(QStringLiteral("%1 whole").arg(k))) << QString(k) << false;
        }
    }
    void dialects()
    {
        QFETCH(QString, kind);
        QFETCH(bool, stream);
        HttpClient http;
        ChatClient client(&http);
        ChatRequest r = ChatRequest::fromPrompt(QStringLiteral("You are terse."),
                                                QStringLiteral("Describe the fleet ") + kind);
        r.stream = stream;
        QString deltas;
        const RunResult res = runOnce(client, target(kind), r, &deltas);
        QVERIFY2(res.ok(), qPrintable(res.error));
        QVERIFY(!res.model.isEmpty());
        QCOMPARE(res.text, expectedText(r, res.model));
        QCOMPARE(deltas, res.text);
        QCOMPARE(res.metrics.httpStatus, 200);
        QVERIFY(!res.metrics.usage.estimated);
        QCOMPARE(res.metrics.usage.input, qint64(expectedPromptTokens(r)));
        QCOMPARE(res.metrics.usage.cached, qint64(0));
        QVERIFY(res.metrics.usage.output > 10);
        QVERIFY(res.metrics.ttftMs >= 0);
        QVERIFY(res.metrics.totalMs >= res.metrics.ttftMs);
        QVERIFY(!res.metrics.cost); // no price lookup: "no price", never $0
        QCOMPARE(res.toJson().value("cost").toString(), QStringLiteral("no price"));
        QVERIFY(res.toJson().value("cost_usd").isNull());
        if (stream) {
            QVERIFY(res.metrics.contentChunks > 10);
            QVERIFY(res.metrics.meanTbtMs >= 0);
        }
        if (kind.startsWith(QLatin1String("azure"))) {
            QCOMPARE(res.metrics.region, QStringLiteral("Sweden Central"));
            QCOMPARE(res.model, QStringLiteral("gpt-4o-mini-2024-07-18"));
        }
        if (!kind.startsWith(QLatin1String("vllm")) && !kind.startsWith(QLatin1String("llama")) &&
            kind != QLatin1String("ollama")) {
            QVERIFY(!res.metrics.requestId.isEmpty());
            QVERIFY(!res.metrics.rateLimitRemainingRequests.isEmpty());
        }
        QCOMPARE(http.pending(), 0);
    }

    void missingUsageIsEstimated_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("openai") << QStringLiteral("openai");
        QTest::newRow("azure") << QStringLiteral("azure");
        QTest::newRow("vllm") << QStringLiteral("vllm");
    }
    void missingUsageIsEstimated()
    {
        QFETCH(QString, kind);
        HttpClient http;
        ChatClient client(&http);
        ChatRequest r = ChatRequest::fromPrompt({}, QStringLiteral("no usage please"));
        r.includeUsage = false;
        const RunResult res = runOnce(client, target(kind), r);
        QVERIFY2(res.ok(), qPrintable(res.error));
        QVERIFY(res.metrics.usage.estimated);
        QCOMPARE(res.metrics.usage.output, estimateTokens(res.text));
        QCOMPARE(res.metrics.usage.input, estimatePromptTokens(r));
        QCOMPARE(res.toJson().value("tokens_estimated").toBool(), true);
    }

    void cachedNotDoubleCounted_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("openai") << QStringLiteral("openai");
        QTest::newRow("azure") << QStringLiteral("azure");
        QTest::newRow("anthropic") << QStringLiteral("anthropic");
    }
    void cachedNotDoubleCounted()
    {
        QFETCH(QString, kind);
        HttpClient http;
        ChatClient client(&http);
        const ChatRequest r = ChatRequest::fromPrompt(QString(6000, QLatin1Char('x')),
                                                      QStringLiteral("long context"));
        const int prompt = expectedPromptTokens(r);
        const int cached = emu::emulatedCachedTokens(prompt);
        QVERIFY(cached > 0);
        const RunResult res = runOnce(client, target(kind), r);
        QVERIFY2(res.ok(), qPrintable(res.error));
        QCOMPARE(res.metrics.usage.input, qint64(prompt));
        QCOMPARE(res.metrics.usage.cached, qint64(cached));
        QCOMPARE(res.metrics.usage.uncachedInput(), qint64(prompt - cached));
    }

    void priceLookup()
    {
        HttpClient http;
        ChatClient client(&http);
        RunUsage seen;
        client.setPriceLookup([&seen](const ChatTarget&, const QString&, const RunUsage& u) {
            seen = u;
            return std::optional<Money>(Money::fromMicros(u.uncachedInput() + 2 * u.output));
        });
        const RunResult res =
            runOnce(client, target(QStringLiteral("openai")), ChatRequest::fromPrompt({}, "hi"));
        QVERIFY(res.metrics.cost);
        QCOMPARE(res.metrics.cost->micros, seen.uncachedInput() + 2 * seen.output);
    }

    void cancelLeavesNothingPending()
    {
        HttpClient http;
        ChatClient client(&http);
        QSignalSpy finished(&client, &ChatClient::finished);
        int deltas = 0;
        connect(&client, &ChatClient::delta, &client, [&] {
            if (++deltas == 2)
                client.cancel();
        });
        QVERIFY(client.run(target(QStringLiteral("openai"), "0.2"),
                           ChatRequest::fromPrompt({}, QStringLiteral("cancel me"))));
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.size(), 1);
        const RunResult res = finished.first().first().value<RunResult>();
        QCOMPARE(res.errorKind, RunResult::ErrorKind::Cancelled);
        QCOMPARE(deltas, 2);
        QCOMPARE(http.pending(), 0);
        QVERIFY(!client.isRunning());
        // A second run works on the same client.
        const RunResult again = runOnce(client, target(QStringLiteral("openai")),
                                        ChatRequest::fromPrompt({}, QStringLiteral("again")));
        QVERIFY2(again.ok(), qPrintable(again.error));
    }

    // A key still being read from the keychain (or a sign-in) is waited for, once, before the
    // request leaves; the wait does not count in the run's timings.
    void waitsForAKeyStillBeingRead()
    {
        HttpClient http;
        ChatClient client(&http);
        ChatTarget t = target(QStringLiteral("openai"));
        auto read = std::make_shared<bool>(false);
        t.apiKey = [read](QString* error) {
            if (*read)
                return emu::Emulator::demoToken();
            *error = QStringLiteral("the key of \"oai\" is still being read from the keychain");
            return QString();
        };
        int waits = 0;
        int askedMs = 0;
        t.keyReady = [&, read](QObject* context, int timeoutMs, std::function<void()> ready) {
            ++waits;
            askedMs = timeoutMs;
            QTimer::singleShot(0, context, [read, ready] {
                *read = true;
                ready();
            });
        };
        const RunResult res = runOnce(client, t, ChatRequest::fromPrompt({}, QStringLiteral("x")));
        QVERIFY2(res.ok(), qPrintable(res.error));
        QCOMPARE(waits, 1);
        QCOMPARE(askedMs, t.keyWaitMs);
        QVERIFY(askedMs > 0);
    }

    // Cancelling while the key is read ends the run at once, once; a late key sends nothing.
    void cancelWhileTheKeyIsRead()
    {
        HttpClient http;
        ChatClient client(&http);
        ChatTarget t = target(QStringLiteral("openai"));
        std::function<void()> later;
        t.keyReady = [&](QObject*, int, std::function<void()> ready) { later = std::move(ready); };
        QSignalSpy finished(&client, &ChatClient::finished);
        QVERIFY(client.run(t, ChatRequest::fromPrompt({}, QStringLiteral("x"))));
        QVERIFY(client.isRunning());
        QVERIFY(later);
        client.cancel();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().value<RunResult>().errorKind,
                 RunResult::ErrorKind::Cancelled);
        QVERIFY(!client.isRunning());
        later(); // the keychain answers after all
        QCOMPARE(http.pending(), 0);
        QCOMPARE(finished.size(), 1);
    }

    void ptuSaturatedIs429()
    {
        const emu::TrafficModel& traffic = m_emu->traffic();
        qint64 saturated = 0;
        const qint64 start = 1788184800; // 2026-09-01 (a Tuesday) 02:00 UTC
        for (qint64 t = start; t < start + 7 * 86400 && !saturated; t += 60) {
            if (emu::ChatService::saturatedForMs(traffic, QStringLiteral("gpt-4o-ptu"), t) > 0)
                saturated = t + 20;
        }
        QVERIFY2(saturated > 0, "the demo fleet never saturates gpt-4o-ptu");
        m_emu->setClock([saturated] { return saturated; });
        HttpClient http;
        ChatClient client(&http);
        ChatTarget t = target(QStringLiteral("azure"));
        t.deployment = QStringLiteral("gpt-4o-ptu");
        const RunResult res = runOnce(client, t, ChatRequest::fromPrompt({}, QStringLiteral("hi")));
        m_emu->setClock([] { return QDateTime::currentSecsSinceEpoch(); });
        QCOMPARE(res.errorKind, RunResult::ErrorKind::RateLimited);
        QCOMPARE(res.metrics.httpStatus, 429);
        QVERIFY(res.metrics.retryAfterMs >= 1000);
        QVERIFY2(res.error.contains(QLatin1String("retry in")), qPrintable(res.error));
    }

    void contentFilter_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<bool>("partialText");
        QTest::newRow("prompt") << QString(emu::ChatService::kFilterPromptWord) << false;
        QTest::newRow("output") << QString(emu::ChatService::kFilterOutputWord) << true;
    }
    void contentFilter()
    {
        QFETCH(QString, word);
        QFETCH(bool, partialText);
        HttpClient http;
        ChatClient client(&http);
        const RunResult res = runOnce(client, target(QStringLiteral("azure")),
                                      ChatRequest::fromPrompt({}, QStringLiteral("say ") + word));
        QCOMPARE(res.errorKind, RunResult::ErrorKind::ContentFilter);
        QVERIFY(res.filterCategories.contains(QStringLiteral("violence")));
        QVERIFY2(res.error.contains(QLatin1String("violence")), qPrintable(res.error));
        QCOMPARE(!res.text.isEmpty(), partialText);
    }

    void authErrors_data()
    {
        QTest::addColumn<QString>("kind");
        for (const char* k : {"azure", "openai", "anthropic"})
            QTest::newRow(k) << QString(k);
    }
    void authErrors()
    {
        QFETCH(QString, kind);
        HttpClient http;
        ChatClient client(&http);
        ChatTarget t = target(kind);
        t.apiKey = [](QString*) { return QStringLiteral("wrong"); };
        const RunResult res = runOnce(client, t, ChatRequest::fromPrompt({}, QStringLiteral("x")));
        QCOMPARE(res.errorKind, RunResult::ErrorKind::Auth);
        QCOMPARE(res.metrics.httpStatus, 401);
        QVERIFY(res.error.contains(QLatin1String("401")));

        t.apiKey = [](QString* error) {
            *error = QStringLiteral("the environment variable X is not set");
            return QString();
        };
        const RunResult missing =
            runOnce(client, t, ChatRequest::fromPrompt({}, QStringLiteral("x")));
        QCOMPARE(missing.errorKind, RunResult::ErrorKind::Auth);
        QCOMPARE(missing.error, QStringLiteral("the environment variable X is not set"));
    }

    void timeoutInWords()
    {
        HttpClient http;
        ChatClient client(&http);
        ChatTarget t = target(QStringLiteral("openai"), "1");
        t.timeoutMs = 50; // the emulator's TTFT is far longer at speed 1
        const RunResult res = runOnce(client, t, ChatRequest::fromPrompt({}, QStringLiteral("x")));
        QCOMPARE(res.errorKind, RunResult::ErrorKind::Timeout);
        QVERIFY2(res.error.contains(QLatin1String("timed out")), qPrintable(res.error));
        QCOMPARE(http.pending(), 0);
    }

    void malformedEventEndsInError_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<int>("dialect");
        QTest::addColumn<QString>("partial");
        QTest::newRow("openai") << QStringLiteral("playground/openai_stream_malformed.sse")
                                << int(ChatDialect::OpenAi) << QStringLiteral("Hello there");
        QTest::newRow("anthropic") << QStringLiteral("playground/anthropic_stream_malformed.sse")
                                   << int(ChatDialect::Anthropic) << QStringLiteral("Hi there");
    }
    void malformedEventEndsInError()
    {
        QFETCH(QString, fixture);
        QFETCH(int, dialect);
        QFETCH(QString, partial);
        const auto server = serveFixture(test::readFixture(fixture));
        HttpClient http;
        ChatClient client(&http);
        QString deltas;
        const RunResult res = runOnce(client, fixtureTarget(*server, ChatDialect(dialect)),
                                      ChatRequest::fromPrompt({}, QStringLiteral("x")), &deltas);
        // As the official SDKs: an event that cannot be read fails the run; the text stays.
        QCOMPARE(res.errorKind, RunResult::ErrorKind::Protocol);
        QVERIFY2(res.error.contains(QLatin1String("1 malformed event")), qPrintable(res.error));
        QVERIFY2(res.error.contains(QLatin1String("127.0.0.1")), qPrintable(res.error));
        QCOMPARE(res.text, partial);
        QCOMPARE(deltas, partial);
        QCOMPARE(res.metrics.malformedEvents, 1);
        QCOMPARE(res.toJson().value("malformed_events").toInt(), 1);
        QCOMPARE(res.toJson().value("error_kind").toString(), QStringLiteral("protocol"));
    }

    void splitCharactersArriveWhole()
    {
        // é split by the transport between its two UTF-8 bytes, and U+1F600 split into its
        // UTF-16 halves across two events: every delta must hold whole characters.
        const QByteArray fixture = test::readFixture("playground/openai_stream_split_char.sse");
        const int e = fixture.indexOf("\xc3\xa9");
        QVERIFY(e > 0);
        const auto server = serveFixture(fixture, {}, {e + 1});
        HttpClient http;
        ChatClient client(&http);
        QString deltas;
        QStringList pieces;
        const RunResult res =
            runOnce(client, fixtureTarget(*server, ChatDialect::OpenAi),
                    ChatRequest::fromPrompt({}, QStringLiteral("x")), &deltas, &pieces);
        QVERIFY2(res.ok(), qPrintable(res.error));
        const QString expected = QStringLiteral("Caf\u00e9 au lait \U0001F600!");
        QCOMPARE(res.text, expected);
        QCOMPARE(deltas, expected);
        for (const QString& piece : pieces)
            QVERIFY2(!hasLoneSurrogate(piece), qPrintable(pieces.join(QLatin1Char('|'))));
    }

    void reasoningTokensReported()
    {
        const auto server =
            serveFixture(test::readFixture("playground/openai_stream_reasoning.sse"));
        HttpClient http;
        ChatClient client(&http);
        const RunResult res = runOnce(client, fixtureTarget(*server, ChatDialect::OpenAi),
                                      ChatRequest::fromPrompt({}, QStringLiteral("x")));
        QVERIFY2(res.ok(), qPrintable(res.error));
        QCOMPARE(res.metrics.usage.output, qint64(198));
        QCOMPARE(res.metrics.usage.reasoning, qint64(192));
        QCOMPARE(res.toJson().value("tokens_reasoning").toInt(), 192);
        QCOMPARE(res.toJson().value("tokens_out").toInt(), 198);
    }

    void providerHeadersRecorded()
    {
        const QByteArray secret = "sk-SECRET-4711";
        const auto server = serveFixture(test::readFixture("playground/openai_stream.sse"),
                                         {{"x-ratelimit-remaining-requests", "299"},
                                          {"x-ratelimit-remaining-tokens", "449000"},
                                          {"x-ratelimit-limit-requests", "300"},
                                          {"azure-openai-deployment-utilization", "87.5%"},
                                          {"x-ms-region", "Sweden Central"},
                                          {"apim-request-id", "a-1"},
                                          {"set-cookie", "session=" + secret},
                                          {"api-key", secret}, // an echoing proxy: never kept
                                          {"x-echo-authorization", "Bearer " + secret}});
        HttpClient http;
        ChatClient client(&http);
        ChatTarget t = fixtureTarget(*server, ChatDialect::OpenAi);
        t.apiKey = [secret](QString*) { return QString::fromUtf8(secret); };
        const RunResult res = runOnce(client, t, ChatRequest::fromPrompt({}, QStringLiteral("x")));
        QVERIFY2(res.ok(), qPrintable(res.error));
        const QJsonObject h = headersToJson(res.metrics.providerHeaders);
        QCOMPARE(h.value("x-ratelimit-remaining-requests").toString(), QStringLiteral("299"));
        QCOMPARE(h.value("x-ratelimit-remaining-tokens").toString(), QStringLiteral("449000"));
        QCOMPARE(h.value("azure-openai-deployment-utilization").toString(),
                 QStringLiteral("87.5%"));
        QCOMPARE(h.value("x-ms-region").toString(), QStringLiteral("Sweden Central"));
        QCOMPARE(h.value("apim-request-id").toString(), QStringLiteral("a-1"));
        QCOMPARE(h.size(), 5);
        QVERIFY(!QJsonDocument(h).toJson().contains(secret));
        QCOMPARE(res.metrics.attempts, 1);
    }

    void budgetDefaultsReportAStallWithinAMinute()
    {
        const ChatTarget t;
        ChatTarget local = t;
        local.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v1"));
        const HttpRequest req = buildChatHttpRequest(local, ChatRequest::fromPrompt({}, "x"), {});
        QVERIFY(req.firstByteTimeoutMs > 0);
        QVERIFY(req.firstByteTimeoutMs <= 60000);
        QVERIFY(req.timeoutMs > 0);
        QVERIFY(req.timeoutMs <= 60000);
        QCOMPARE(req.firstByteTimeoutMs, t.firstByteTimeoutMs);
        QCOMPARE(req.timeoutMs, t.timeoutMs);
    }

    // The emulator answers 200 and its headers, then nothing, on every attempt. A stream's
    // first byte and a non-streamed answer (it arrives whole: its first byte is the answer)
    // share one first-byte budget per run, retries included.
    void stallUsesOneFirstByteBudget_data()
    {
        QTest::addColumn<bool>("stream");
        QTest::newRow("streamed") << true;
        QTest::newRow("not streamed") << false;
    }
    void stallUsesOneFirstByteBudget()
    {
        QFETCH(bool, stream);
        HttpClient http;
        ChatClient client(&http);
        ChatTarget t = target(QStringLiteral("openai"));
        t.extraHeaders.append(HttpHeader{"x-inferscope-fault", "stall"});
        t.maxRetries = 2;
        t.timeoutMs = 10000;
        t.firstByteTimeoutMs = 300;
        ChatRequest r = ChatRequest::fromPrompt({}, QStringLiteral("x"));
        r.stream = stream;
        QElapsedTimer clock;
        clock.start();
        const RunResult res = runOnce(client, t, r);
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(res.errorKind, RunResult::ErrorKind::Timeout);
        QVERIFY2(res.error.contains(QLatin1String("0.3 s")), qPrintable(res.error));
        if (stream) {
            QVERIFY2(res.error.contains(QLatin1String("sent no data within 0.3 s")),
                     qPrintable(res.error));
            QCOMPARE(res.metrics.attempts, 1); // the retries did not get a budget of their own
            QCOMPARE(res.metrics.httpStatus, 200);
        }
        QVERIFY2(elapsed < 300 + 2000, qPrintable(QString::number(elapsed)));
        QCOMPARE(http.pending(), 0);
    }

    void emulatedReasoningModel_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("reasons");
        QTest::newRow("o4-mini") << QStringLiteral("o4-mini") << true;
        QTest::newRow("gpt-5") << QStringLiteral("gpt-5-mini") << true;
        QTest::newRow("gpt-4o-mini") << QStringLiteral("gpt-4o-mini") << false;
    }
    void emulatedReasoningModel()
    {
        QFETCH(QString, model);
        QFETCH(bool, reasons);
        HttpClient http;
        ChatClient client(&http);
        ChatTarget t = target(QStringLiteral("openai"));
        t.model = model;
        const ChatRequest r = ChatRequest::fromPrompt({}, QStringLiteral("think first"));
        const RunResult res = runOnce(client, t, r);
        QVERIFY2(res.ok(), qPrintable(res.error));
        const qint64 answer =
            emu::chatAnswerTokens(42, model, QStringLiteral("think first"), 0).size();
        const qint64 reasoning = emu::ChatService::reasoningTokens(model, int(answer));
        QCOMPARE(reasoning > 0, reasons);
        QCOMPARE(res.metrics.usage.reasoning, reasoning);
        QCOMPARE(res.metrics.usage.output, answer + reasoning); // billed as output, never shown
        QCOMPARE(res.text, expectedText(r, model));
    }

    void deterministicPerSeed()
    {
        const QString m = QStringLiteral("gpt-4o");
        const QStringList a = emu::chatAnswerTokens(42, m, QStringLiteral("p"), 0);
        QCOMPARE(emu::chatAnswerTokens(42, m, QStringLiteral("p"), 0), a);
        QVERIFY(emu::chatAnswerTokens(43, m, QStringLiteral("p"), 0) != a);
        QVERIFY(emu::chatAnswerTokens(42, QStringLiteral("gpt-4o-mini"), QStringLiteral("p"), 0) !=
                a);
        QCOMPARE(emu::chatAnswerTokens(42, m, QStringLiteral("p"), 5), a.mid(0, 5));
    }
};

QTEST_GUILESS_MAIN(tst_ChatClient)
#include "tst_chatclient.moc"
