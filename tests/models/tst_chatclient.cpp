// Every dialect end to end: ChatClient -> HttpClient::stream -> the emulator's chat service.
#include "emulator/chatservice.h"
#include "emulator/chattext.h"
#include "emulator/emulator.h"
#include "net/httpclient.h"
#include "playground/chatclient.h"
#include "playground/tokenestimator.h"

#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;

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
                             QString* deltas = nullptr)
    {
        QSignalSpy finished(&client, &ChatClient::finished);
        QString text;
        auto c =
            QObject::connect(&client, &ChatClient::delta, [&text](const QString& s) { text += s; });
        if (!client.run(t, r))
            return {};
        if (!finished.wait(20000))
            return {};
        QObject::disconnect(c);
        if (deltas)
            *deltas = text;
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
