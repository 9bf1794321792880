#include "playground/runrecord.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest/QtTest>

using namespace isc;

namespace {

const QString kSecret = QStringLiteral("sk-live-SECRET-0123456789");

ChatRequest sampleRequest()
{
    ChatRequest r = ChatRequest::fromPrompt(QStringLiteral("Be brief."),
                                            QStringLiteral("It's a test: say \"hi\""));
    r.temperature = 0.25;
    r.maxTokens = 64;
    r.stop = {QStringLiteral("END")};
    r.seed = 9007199254740993LL; // not exact as a double
    r.jsonResponse = true;
    return r;
}

RunResult sampleResult()
{
    RunResult r;
    r.target = QStringLiteral("gpt-4o-ptu");
    r.model = QStringLiteral("gpt-4o-2024-11-20");
    r.text = QStringLiteral("hi there");
    r.metrics.ttftMs = 250;
    r.metrics.httpStatus = 200;
    r.metrics.region = QStringLiteral("Sweden Central");
    r.metrics.requestId = QStringLiteral("req-1");
    r.metrics.usage.input = 20;
    r.metrics.usage.output = 3;
    return r;
}

ChatTarget target(ChatDialect dialect)
{
    ChatTarget t;
    t.name = QStringLiteral("target");
    t.dialect = dialect;
    t.apiKey = [](QString*) { return kSecret; };
    t.extraHeaders = {{"x-inferscope-speed", "fast"},
                      {"Authorization", "Bearer " + kSecret.toUtf8()}};
    switch (dialect) {
    case ChatDialect::Azure:
        t.baseUrl = QUrl(QStringLiteral("https://contoso.openai.azure.com"));
        t.deployment = QStringLiteral("gpt-4o-ptu");
        break;
    case ChatDialect::Anthropic:
        t.baseUrl = QUrl(QStringLiteral("https://api.anthropic.com/v1"));
        t.model = QStringLiteral("claude-sonnet-4-20250514");
        break;
    case ChatDialect::OpenAi:
        t.baseUrl = QUrl(QStringLiteral("https://api.openai.com/v1"));
        t.model = QStringLiteral("gpt-4o-mini");
        break;
    }
    return t;
}

} // namespace

class TestRunRecord : public QObject
{
    Q_OBJECT

private slots:
    void storedRunKeepsEverythingUnredacted()
    {
        const StoredRun run = makeStoredRun(target(ChatDialect::Azure), QStringLiteral("conn"),
                                            sampleRequest(), sampleResult(), false, 1234);
        QCOMPARE(run.target, QStringLiteral("target"));
        QCOMPARE(run.connection, QStringLiteral("conn"));
        QCOMPARE(run.dialect, QStringLiteral("azure"));
        QCOMPARE(run.model, QStringLiteral("gpt-4o-ptu"));
        QCOMPARE(run.output, QStringLiteral("hi there"));
        QVERIFY(run.messagesJson.contains(QLatin1String("Be brief.")));
        QVERIFY(run.headersJson.contains(QLatin1String("Sweden Central")));
        QVERIFY(run.metricsJson.contains(QLatin1String("\"ttft_ms\":250")));
        QVERIFY(!run.url.contains(kSecret));

        const std::optional<ChatRequest> back = requestFromRun(run);
        QVERIFY(back);
        const ChatRequest want = sampleRequest();
        QCOMPARE(back->messages.size(), 2);
        QCOMPARE(back->messages[1].content, want.messages[1].content);
        QCOMPARE(back->temperature, want.temperature);
        QCOMPARE(back->maxTokens, want.maxTokens);
        QCOMPARE(back->stop, want.stop);
        QCOMPARE(back->seed, want.seed);
        QCOMPARE(back->jsonResponse, true);
    }

    void redactedRunHasNoText()
    {
        const StoredRun run = makeStoredRun(target(ChatDialect::OpenAi), {}, sampleRequest(),
                                            sampleResult(), true, 1234);
        QVERIFY(run.redacted);
        QVERIFY(run.messagesJson.isEmpty());
        QVERIFY(run.output.isEmpty());
        const QString all = run.parametersJson + run.metricsJson + run.headersJson + run.url;
        QVERIFY(!all.contains(QLatin1String("brief")));
        QVERIFY(!all.contains(QLatin1String("say")));
        QVERIFY(!all.contains(QLatin1String("END"))); // stop sequences may quote the prompt
        QVERIFY(!all.contains(QLatin1String("hi there")));
        QVERIFY(!requestFromRun(run));
        QVERIFY(!curlCommand(run, QStringLiteral("OPENAI_API_KEY")));
        const QJsonObject json = runToJson(run);
        QVERIFY(!json.contains(QLatin1String("messages")));
        QVERIFY(!json.contains(QLatin1String("output")));
    }

    void curlHasNoSecret_data()
    {
        QTest::addColumn<int>("dialect");
        QTest::addColumn<QString>("keyHeader");
        QTest::addColumn<QString>("url");
        QTest::newRow("azure") << int(ChatDialect::Azure) << "-H \"api-key: ${MY_KEY}\""
                               << "'https://contoso.openai.azure.com/openai/deployments/"
                                  "gpt-4o-ptu/chat/completions?api-version=2024-10-21'";
        QTest::newRow("openai") << int(ChatDialect::OpenAi)
                                << "-H \"Authorization: Bearer ${MY_KEY}\""
                                << "'https://api.openai.com/v1/chat/completions'";
        QTest::newRow("anthropic") << int(ChatDialect::Anthropic) << "-H \"x-api-key: ${MY_KEY}\""
                                   << "'https://api.anthropic.com/v1/messages'";
    }
    void curlHasNoSecret()
    {
        QFETCH(int, dialect);
        QFETCH(QString, keyHeader);
        QFETCH(QString, url);
        const ChatTarget t = target(ChatDialect(dialect));
        const QString curl = curlCommand(t, sampleRequest(), QStringLiteral("MY_KEY"));
        QVERIFY2(!curl.contains(kSecret), qPrintable(curl));
        QVERIFY2(curl.contains(keyHeader), qPrintable(curl));
        QVERIFY2(curl.startsWith(QStringLiteral("curl -sS -N ") + url), qPrintable(curl));
        QVERIFY(curl.contains(QLatin1String("-H 'x-inferscope-speed: fast'")));
        // The body survives shell quoting: ' is written '\''.
        QVERIFY2(curl.contains(QLatin1String("It'\\''s a test")), qPrintable(curl));

        // The same from the stored run.
        const StoredRun run = makeStoredRun(t, {}, sampleRequest(), sampleResult(), false, 1);
        const std::optional<QString> stored = curlCommand(run, QStringLiteral("MY_KEY"));
        QVERIFY(stored);
        QVERIFY(!stored->contains(kSecret));
        QVERIFY2(stored->startsWith(QStringLiteral("curl -sS -N ") + url), qPrintable(*stored));
        QVERIFY(stored->contains(keyHeader));
    }

    void curlWithoutKeyVariableSendsNoKey()
    {
        const QString curl = curlCommand(target(ChatDialect::OpenAi), sampleRequest(), QString());
        QVERIFY(!curl.contains(QLatin1String("Authorization")));
        QVERIFY(!curl.contains(kSecret));
    }

    void providerHeadersAndReasoningStored()
    {
        RunResult r = sampleResult();
        r.metrics.usage.reasoning = 2;
        r.metrics.providerHeaders = {{"x-ratelimit-remaining-tokens", "449000"},
                                     {"azure-openai-deployment-utilization", "87.5%"},
                                     {"retry-after-ms", "1500"},
                                     {"x-ms-region", "Sweden Central"}};
        const StoredRun run = makeStoredRun(target(ChatDialect::Azure), QStringLiteral("c"),
                                            sampleRequest(), r, true, 1);
        const QJsonObject h = QJsonDocument::fromJson(run.headersJson.toUtf8()).object();
        QCOMPARE(h.value("x-ratelimit-remaining-tokens").toString(), QStringLiteral("449000"));
        QCOMPARE(h.value("azure-openai-deployment-utilization").toString(),
                 QStringLiteral("87.5%"));
        QCOMPARE(h.value("retry-after-ms").toString(), QStringLiteral("1500"));
        QCOMPARE(h.value("x-ms-region").toString(), QStringLiteral("Sweden Central"));
        QVERIFY(!run.headersJson.contains(kSecret));
        const QJsonObject m = QJsonDocument::fromJson(run.metricsJson.toUtf8()).object();
        QCOMPARE(m.value("tokens_reasoning").toInt(), 2);
        QCOMPARE(runToJson(run).value("headers").toObject().value("x-ms-region").toString(),
                 QStringLiteral("Sweden Central"));
    }

    void jsonExport()
    {
        StoredRun run = makeStoredRun(target(ChatDialect::OpenAi), QStringLiteral("c"),
                                      sampleRequest(), sampleResult(), false, 0);
        run.id = 7;
        const QJsonObject o = runToJson(run);
        QCOMPARE(o.value(QLatin1String("id")).toInt(), 7);
        QCOMPARE(o.value(QLatin1String("created_at")).toString(),
                 QStringLiteral("1970-01-01T00:00:00.000Z"));
        QCOMPARE(o.value(QLatin1String("messages")).toArray().size(), 2);
        QCOMPARE(o.value(QLatin1String("output")).toString(), QStringLiteral("hi there"));
        QCOMPARE(o.value(QLatin1String("metrics")).toObject().value("http_status").toInt(), 200);
        QVERIFY(!QJsonDocument(o).toJson().contains(kSecret.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(TestRunRecord)
#include "tst_runrecord.moc"
