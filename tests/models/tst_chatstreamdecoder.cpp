#include "testsupport.h"

#include "net/sseparser.h"
#include "playground/chatrequest.h"
#include "playground/chatstreamdecoder.h"
#include "playground/chattarget.h"
#include "playground/chatwire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QtTest>

using namespace isc;

namespace {

ChatStreamState decodeFixture(ChatDialect dialect, const QString& name, QString* deltas = nullptr,
                              QStringList* pieces = nullptr)
{
    SseParser parser;
    ChatStreamDecoder decoder(dialect);
    for (const SseEvent& e : parser.feed(test::readFixture(name))) {
        const QString t = decoder.decode(e);
        if (deltas)
            *deltas += t;
        if (pieces && !t.isEmpty())
            *pieces << t;
    }
    const QString rest = decoder.takeHeldText();
    if (deltas)
        *deltas += rest;
    if (pieces && !rest.isEmpty())
        *pieces << rest;
    return decoder.state();
}

} // namespace

class tst_ChatStreamDecoder : public QObject
{
    Q_OBJECT
private slots:
    void openAiStreamWithUsage()
    {
        QString deltas;
        const ChatStreamState s = decodeFixture(
            ChatDialect::OpenAi, QStringLiteral("playground/openai_stream.sse"), &deltas);
        QCOMPARE(s.text, QStringLiteral("Hello w\u00f6rld"));
        QCOMPARE(deltas, s.text);
        QCOMPARE(s.finishReason, QStringLiteral("stop"));
        QVERIFY(s.done);
        QVERIFY(s.usageSeen);
        // prompt_tokens includes cached_tokens: nothing is counted twice.
        QCOMPARE(s.usage.input, qint64(1500));
        QCOMPARE(s.usage.cached, qint64(1280));
        QCOMPARE(s.usage.uncachedInput(), qint64(220));
        QCOMPARE(s.usage.output, qint64(2));
        QVERIFY(!s.usage.estimated);
        QCOMPARE(s.model, QStringLiteral("gpt-4o-mini-2024-07-18"));
    }

    void azureFilterChunkAndContentFilterFinish()
    {
        const ChatStreamState s =
            decodeFixture(ChatDialect::Azure, QStringLiteral("playground/azure_stream_filter.sse"));
        QVERIFY(s.promptFilterSeen);
        QCOMPARE(s.text, QStringLiteral("Once"));
        QCOMPARE(s.finishReason, QStringLiteral("content_filter"));
        QCOMPARE(s.filterCategories, QStringList{QStringLiteral("violence")});
        QCOMPARE(s.filterDetails, QStringList{QStringLiteral("violence (medium)")});
        QVERIFY(!s.usageSeen); // no include_usage: the caller must estimate
        QCOMPARE(s.malformedEvents, 0);
    }

    void anthropicUsageAcrossEvents()
    {
        const ChatStreamState s = decodeFixture(ChatDialect::Anthropic,
                                                QStringLiteral("playground/anthropic_stream.sse"));
        QCOMPARE(s.text, QStringLiteral("Hi there"));
        QCOMPARE(s.finishReason, QStringLiteral("end_turn"));
        QVERIFY(s.done);
        // input_tokens excludes cache reads and writes; input() is their sum.
        QCOMPARE(s.usage.input, qint64(125));
        QCOMPARE(s.usage.cached, qint64(60));
        QCOMPARE(s.usage.cacheWrite, qint64(25));
        QCOMPARE(s.usage.uncachedInput(), qint64(40));
        QCOMPARE(s.usage.output, qint64(15)); // message_delta's count replaces message_start's
    }

    void anthropicErrorEvent()
    {
        const ChatStreamState s = decodeFixture(
            ChatDialect::Anthropic, QStringLiteral("playground/anthropic_stream_error.sse"));
        QCOMPARE(s.text, QStringLiteral("Par"));
        QCOMPARE(s.errorType, QStringLiteral("overloaded_error"));
        QCOMPARE(s.errorMessage, QStringLiteral("Overloaded"));
        QVERIFY(!s.done);
    }

    void malformedEventCounted()
    {
        ChatStreamDecoder d(ChatDialect::OpenAi);
        SseEvent e;
        e.data = "{not json";
        QVERIFY(d.decode(e).isEmpty());
        QCOMPARE(d.state().malformedEvents, 1);
    }

    void malformedFixtures_data()
    {
        QTest::addColumn<int>("dialect");
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("text");
        QTest::newRow("openai") << int(ChatDialect::OpenAi)
                                << QStringLiteral("playground/openai_stream_malformed.sse")
                                << QStringLiteral("Hello there");
        QTest::newRow("anthropic") << int(ChatDialect::Anthropic)
                                   << QStringLiteral("playground/anthropic_stream_malformed.sse")
                                   << QStringLiteral("Hi there");
    }
    void malformedFixtures()
    {
        QFETCH(int, dialect);
        QFETCH(QString, fixture);
        QFETCH(QString, text);
        const ChatStreamState s = decodeFixture(ChatDialect(dialect), fixture);
        QCOMPARE(s.text, text);
        QCOMPARE(s.malformedEvents, 1);
        QVERIFY(s.done);
        // What was wrong, in the parser's words and without the payload (it may quote the
        // answer, and errors are stored even when the history keeps no text).
        QVERIFY2(s.malformedDetail.contains(QLatin1String("offset")),
                 qPrintable(s.malformedDetail));
        QVERIFY(!s.malformedDetail.contains(QLatin1String("wor")));
    }

    void splitCharacterHeldUntilWhole()
    {
        // U+1F600 arrives as its two UTF-16 halves in two events: no delta may carry half of
        // it (printed alone, each half is "?").
        QString deltas;
        QStringList pieces;
        const ChatStreamState s = decodeFixture(
            ChatDialect::OpenAi, QStringLiteral("playground/openai_stream_split_char.sse"), &deltas,
            &pieces);
        QCOMPARE(s.text, QStringLiteral("Caf\u00e9 au lait \U0001F600!"));
        QCOMPARE(deltas, s.text);
        for (const QString& p : pieces)
            QVERIFY2(QString::fromUtf8(p.toUtf8()) == p, qPrintable(pieces.join(QLatin1Char('|'))));
    }

    void heldHalfReleasedAtTheEnd()
    {
        ChatStreamDecoder d(ChatDialect::OpenAi);
        SseEvent e;
        e.data = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\\ud83d\"}}]}";
        QCOMPARE(d.decode(e), QStringLiteral("a"));
        QCOMPARE(d.takeHeldText().size(), 1); // a stream that ends on half a pair keeps it
        QVERIFY(d.takeHeldText().isEmpty());
        QCOMPARE(d.state().text.size(), 2);
    }

    void reasoningTokens()
    {
        const ChatStreamState s = decodeFixture(
            ChatDialect::OpenAi, QStringLiteral("playground/openai_stream_reasoning.sse"));
        QCOMPARE(s.text, QStringLiteral("Forty-two."));
        QCOMPARE(s.usage.output, qint64(198));
        QCOMPARE(s.usage.reasoning, qint64(192)); // part of output, not on top of it
    }

    // A token count past qint64 (or not finite) is no count: unknown, not undefined behaviour.
    void hugeCountsAreUnknown()
    {
        ChatStreamDecoder d(ChatDialect::OpenAi);
        SseEvent e;
        e.data = "{\"choices\":[],\"usage\":{\"prompt_tokens\":1e30,\"completion_tokens\":7,"
                 "\"prompt_tokens_details\":{\"cached_tokens\":-1e300}}}";
        d.decode(e);
        QCOMPARE(d.state().usage.input, qint64(-1));
        QCOMPARE(d.state().usage.output, qint64(7));
        QCOMPARE(d.state().usage.cached, qint64(0));
    }

    void wholeBodies_data()
    {
        QTest::addColumn<int>("dialect");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("input");
        QTest::addColumn<qint64>("cached");
        QTest::newRow("openai")
            << int(ChatDialect::OpenAi)
            << QByteArray("{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{"
                          "\"role\":\"assistant\",\"content\":\"Yes.\"},\"finish_reason\":"
                          "\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,"
                          "\"prompt_tokens_details\":{\"cached_tokens\":0}}}")
            << QStringLiteral("Yes.") << qint64(10) << qint64(0);
        QTest::newRow("anthropic")
            << int(ChatDialect::Anthropic)
            << QByteArray("{\"id\":\"msg\",\"model\":\"c\",\"content\":[{\"type\":\"text\","
                          "\"text\":\"No.\"}],\"stop_reason\":\"end_turn\",\"usage\":{"
                          "\"input_tokens\":5,\"cache_read_input_tokens\":7,\"output_tokens\":2}}")
            << QStringLiteral("No.") << qint64(12) << qint64(7);
    }
    void wholeBodies()
    {
        QFETCH(int, dialect);
        QFETCH(QByteArray, body);
        QFETCH(QString, text);
        QFETCH(qint64, input);
        QFETCH(qint64, cached);
        ChatStreamDecoder d(static_cast<ChatDialect>(dialect));
        QVERIFY(d.decodeBody(body));
        QCOMPARE(d.state().text, text);
        QCOMPARE(d.state().usage.input, input);
        QCOMPARE(d.state().usage.cached, cached);
        QCOMPARE(d.state().usage.output, qint64(2));
        QVERIFY(!ChatStreamDecoder(ChatDialect::OpenAi).decodeBody("<html>"));
    }

    void chatUrls_data()
    {
        QTest::addColumn<int>("dialect");
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("deployment");
        QTest::addColumn<QString>("url");
        QTest::newRow("azure deployment")
            << int(ChatDialect::Azure) << "https://x.openai.azure.com/"
            << "gpt-4o"
            << "https://x.openai.azure.com/openai/deployments/gpt-4o/chat/"
               "completions?api-version=2024-10-21";
        QTest::newRow("azure v1") << int(ChatDialect::Azure) << "https://x.openai.azure.com"
                                  << ""
                                  << "https://x.openai.azure.com/openai/v1/chat/completions";
        QTest::newRow("azure v1 base")
            << int(ChatDialect::Azure) << "https://x.openai.azure.com/openai/v1"
            << ""
            << "https://x.openai.azure.com/openai/v1/chat/completions";
        QTest::newRow("openai") << int(ChatDialect::OpenAi) << "https://api.openai.com/v1"
                                << ""
                                << "https://api.openai.com/v1/chat/completions";
        QTest::newRow("local root") << int(ChatDialect::OpenAi) << "http://127.0.0.1:11434"
                                    << ""
                                    << "http://127.0.0.1:11434/v1/chat/completions";
        QTest::newRow("anthropic") << int(ChatDialect::Anthropic) << "https://api.anthropic.com"
                                   << ""
                                   << "https://api.anthropic.com/v1/messages";
    }
    void chatUrls()
    {
        QFETCH(int, dialect);
        QFETCH(QString, base);
        QFETCH(QString, deployment);
        QFETCH(QString, url);
        ChatTarget t;
        t.dialect = static_cast<ChatDialect>(dialect);
        t.baseUrl = QUrl(base);
        t.deployment = deployment;
        QCOMPARE(t.chatUrl().toString(), url);
    }

    void requestBodies()
    {
        ChatRequest r = ChatRequest::fromPrompt(QStringLiteral("Be brief."), QStringLiteral("Hi"));
        QString error;
        QVERIFY(r.setParam(QStringLiteral("temperature"), QStringLiteral("0.5"), &error));
        QVERIFY(!r.setParam(QStringLiteral("temperature"), QStringLiteral("hot"), &error));
        QVERIFY(error.contains(QLatin1String("temperature")));
        QVERIFY(!r.setParam(QStringLiteral("colour"), QStringLiteral("red"), &error));

        ChatTarget openai;
        openai.model = QStringLiteral("gpt-4o-mini");
        const QJsonObject o = QJsonDocument::fromJson(chatRequestBody(openai, r)).object();
        QCOMPARE(o.value("stream").toBool(), true);
        QCOMPARE(o.value("stream_options").toObject().value("include_usage").toBool(), true);
        QCOMPARE(o.value("messages").toArray().size(), 2);
        QCOMPARE(o.value("temperature").toDouble(), 0.5);

        ChatTarget anthropic;
        anthropic.dialect = ChatDialect::Anthropic;
        anthropic.model = QStringLiteral("claude-sonnet-4-5");
        const QJsonObject a = QJsonDocument::fromJson(chatRequestBody(anthropic, r)).object();
        QCOMPARE(a.value("system").toString(), QStringLiteral("Be brief."));
        QCOMPARE(a.value("messages").toArray().size(), 1);
        QCOMPARE(a.value("max_tokens").toInt(), 1024);
        QVERIFY(!a.contains("stream_options"));

        const HttpRequest h = buildChatHttpRequest(anthropic, r, QStringLiteral("k"));
        QCOMPARE(h.method, QByteArray("POST"));
        bool key = false, version = false;
        for (const auto& [n, v] : h.headers) {
            key |= n == "x-api-key" && v == "k";
            version |= n == "anthropic-version" && v == "2023-06-01";
        }
        QVERIFY(key && version);
    }

    // ChatRequest::setParam: what each key accepts, and the words when it does not.
    void setParam_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("temperature 0.5") << "temperature"
                                         << "0.5" << true << "";
        QTest::newRow("temperature 2") << "temperature"
                                       << "2" << true << "";
        QTest::newRow("temperature 2.1") << "temperature"
                                         << "2.1" << false << "between 0 and 2";
        QTest::newRow("temperature text") << "temperature"
                                          << "hot" << false << "temperature";
        QTest::newRow("top_p 0") << "top_p"
                                 << "0" << true << "";
        QTest::newRow("top_p 1") << "top_p"
                                 << "1" << true << "";
        QTest::newRow("top_p 1.5") << "top_p"
                                   << "1.5" << false << "between 0 and 1";
        QTest::newRow("top_p negative") << "top_p"
                                        << "-0.1" << false << "between 0 and 1";
        QTest::newRow("max_tokens 0") << "max_tokens"
                                      << "0" << false << "positive integer";
        QTest::newRow("unknown key") << "colour"
                                     << "red" << false << "unknown parameter";
    }
    void setParam()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(bool, accepted);
        QFETCH(QString, errorPart);
        ChatRequest r = ChatRequest::fromPrompt(QString(), QStringLiteral("Hi"));
        QString error;
        QCOMPARE(r.setParam(key, value, &error), accepted);
        if (accepted)
            QVERIFY2(error.isEmpty(), qPrintable(error));
        else
            QVERIFY2(error.contains(errorPart), qPrintable(error));
        if (key == QLatin1String("top_p")) {
            QCOMPARE(r.topP.has_value(), accepted); // a refused value is not kept
            if (accepted)
                QCOMPARE(*r.topP, value.toDouble());
        }
    }

    void contentFilterError()
    {
        const ChatErrorInfo info = parseChatError(
            test::readFixture(QStringLiteral("playground/azure_error_content_filter.json")));
        QVERIFY(info.isContentFilter());
        QCOMPARE(info.filterCategories,
                 (QStringList{QStringLiteral("jailbreak"), QStringLiteral("violence")}));
        QVERIFY(info.filterDetails.contains(QStringLiteral("violence (high)")));
        QVERIFY(info.message.contains(QLatin1String("content management policy")));
    }

    void variables()
    {
        QStringList missing;
        const QString out =
            substituteVariables(QStringLiteral("Hi {{ name }}, {{x}} and {{name}}"),
                                {{QStringLiteral("name"), QStringLiteral("Ada")}}, &missing);
        QCOMPARE(out, QStringLiteral("Hi Ada, {{x}} and Ada"));
        QCOMPARE(missing, QStringList{QStringLiteral("x")});
    }
};

QTEST_GUILESS_MAIN(tst_ChatStreamDecoder)
#include "tst_chatstreamdecoder.moc"
