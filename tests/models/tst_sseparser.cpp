#include "net/sseparser.h"

#include <QtTest/QtTest>

using namespace isc;

using Events = QVector<SseEvent>;
Q_DECLARE_METATYPE(Events)

namespace {

SseEvent ev(const QByteArray& data, const QByteArray& type = "message", const QByteArray& id = {})
{
    SseEvent e;
    e.type = type;
    e.data = data;
    e.lastEventId = id;
    return e;
}

Events parseChunks(const QByteArray& bytes, const QVector<int>& cuts, bool* partial)
{
    SseParser parser;
    Events out;
    int from = 0;
    for (int cut : cuts) {
        parser.feed(QByteArrayView(bytes).sliced(from, cut - from), &out);
        from = cut;
    }
    parser.feed(QByteArrayView(bytes).sliced(from), &out);
    *partial = parser.hasPartialEvent();
    return out;
}

QString describe(const Events& events)
{
    QStringList parts;
    for (const SseEvent& e : events)
        parts << QStringLiteral("[%1|%2|%3]")
                     .arg(QString::fromUtf8(e.type), e.text(), QString::fromUtf8(e.lastEventId));
    return parts.join(QLatin1Char(' '));
}

} // namespace

class tst_SseParser : public QObject
{
    Q_OBJECT
private slots:
    void vectors_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<Events>("expected");
        QTest::addColumn<bool>("partial");
        QTest::newRow("lf") << QByteArray("data: hello\n\n") << Events{ev("hello")} << false;
        QTest::newRow("crlf, event name, multi-line data")
            << QByteArray("event: add\r\ndata: a\r\ndata: b\r\n\r\n") << Events{ev("a\nb", "add")}
            << false;
        QTest::newRow("cr only") << QByteArray("data:x\r\rdata:y\r\r") << Events{ev("x"), ev("y")}
                                 << false;
        QTest::newRow("mixed line ends") << QByteArray("data: a\r\n\ndata: b\n\r\ndata: c\r\r\n")
                                         << Events{ev("a"), ev("b"), ev("c")} << false;
        QTest::newRow("comments") << QByteArray(": ping\n\n:\ndata: z\n: mid\n\n")
                                  << Events{ev("z")} << false;
        QTest::newRow("ids persist")
            << QByteArray("id: 7\ndata: q\n\ndata: r\n\nid\ndata: s\n\n")
            << Events{ev("q", "message", "7"), ev("r", "message", "7"), ev("s")} << false;
        QTest::newRow("id with NUL ignored") << QByteArray("id: 1\n\nid: a\0b\ndata: t\n\n", 24)
                                             << Events{ev("t", "message", "1")} << false;
        QTest::newRow("one space stripped")
            << QByteArray("data:  two\ndata:none\n\n") << Events{ev(" two\nnone")} << false;
        QTest::newRow("field without colon")
            << QByteArray("data\n\ndata\ndata\n\n") << Events{ev(""), ev("\n")} << false;
        QTest::newRow("no data, no dispatch; type resets")
            << QByteArray("event: x\n\ndata: y\n\n") << Events{ev("y")} << false;
        QTest::newRow("bom") << QByteArray("\xEF\xBB\xBF"
                                           "data: b\n\n")
                             << Events{ev("b")} << false;
        QTest::newRow("partial bom is text") << QByteArray("\xEF\xBB"
                                                           "data: b\n\ndata: c\n\n")
                                             << Events{ev("c")} << false;
        QTest::newRow("utf-8")
            << QByteArray("data: h\xC3\xA9llo \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC"
                          " \xF0\x9F\x98\x80\n\n")
            << Events{ev(QStringLiteral("h\u00e9llo \u2014 \u65e5\u672c ").toUtf8() +
                         "\xF0\x9F\x98\x80")}
            << false;
        QTest::newRow("unknown fields and retry")
            << QByteArray("foo: bar\nretry: 3000\nretry: 1x\ndata: k\n\n") << Events{ev("k")}
            << false;
        QTest::newRow("truncated tail discarded")
            << QByteArray("data: a\n\ndata: b") << Events{ev("a")} << true;
        QTest::newRow("truncated before blank line")
            << QByteArray("data: a\n\ndata: b\n") << Events{ev("a")} << true;
        QTest::newRow("openai chunk")
            << QByteArray("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                          "data: [DONE]\n\n")
            << Events{ev("{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}"), ev("[DONE]")}
            << false;
        QTest::newRow("anthropic named events")
            << QByteArray("event: message_start\ndata: {\"a\":1}\n\nevent: ping\ndata: "
                          "{}\n\nevent: message_stop\r\ndata: {}\r\n\r\n")
            << Events{ev("{\"a\":1}", "message_start"), ev("{}", "ping"), ev("{}", "message_stop")}
            << false;
    }

    // The same events for every split into two chunks, every split into three (short vectors)
    // and byte by byte.
    void vectors()
    {
        QFETCH(QByteArray, input);
        QFETCH(Events, expected);
        QFETCH(bool, partial);
        bool gotPartial = false;
        const Events whole = parseChunks(input, {}, &gotPartial);
        QCOMPARE(describe(whole), describe(expected));
        QCOMPARE(whole, expected);
        QCOMPARE(gotPartial, partial);
        const int n = int(input.size());
        for (int i = 0; i <= n; ++i) {
            const Events got = parseChunks(input, {i}, &gotPartial);
            QVERIFY2(got == expected,
                     qPrintable(QStringLiteral("split at %1: %2").arg(i).arg(describe(got))));
            QCOMPARE(gotPartial, partial);
        }
        if (n <= 120) {
            for (int i = 0; i <= n; ++i) {
                for (int j = i; j <= n; ++j) {
                    const Events got = parseChunks(input, {i, j}, &gotPartial);
                    QVERIFY2(
                        got == expected,
                        qPrintable(
                            QStringLiteral("split at %1,%2: %3").arg(i).arg(j).arg(describe(got))));
                }
            }
        }
        QVector<int> everyByte;
        for (int i = 1; i < n; ++i)
            everyByte << i;
        QCOMPARE(parseChunks(input, everyByte, &gotPartial), expected);
        QCOMPARE(gotPartial, partial);
    }

    void utf8SplitMidCharacterDecodes()
    {
        const QByteArray text = QStringLiteral("\u65e5\u672c\u8a9e \U0001F600").toUtf8();
        const QByteArray bytes = "data: " + text + "\n\n";
        for (int i = 7; i < bytes.size() - 2; ++i) {
            SseParser parser;
            Events out = parser.feed(bytes.left(i));
            QVERIFY(out.isEmpty());
            out = parser.feed(bytes.mid(i));
            QCOMPARE(out.size(), 1);
            QCOMPARE(out.first().text(), QString::fromUtf8(text));
        }
    }

    void retryAndLastId()
    {
        SseParser parser;
        parser.feed("retry: 2500\nid: abc\n\n");
        QCOMPARE(parser.retryMs(), qint64(2500));
        QCOMPARE(parser.lastEventId(), QByteArray("abc"));
        parser.feed("retry: x\n\n");
        QCOMPARE(parser.retryMs(), qint64(2500));
        parser.reset();
        QCOMPARE(parser.retryMs(), qint64(-1));
        QVERIFY(parser.lastEventId().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_SseParser)
#include "tst_sseparser.moc"
