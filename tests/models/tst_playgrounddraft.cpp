#include "reports/playgrounddraft.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_PlaygroundDraft : public QObject
{
    Q_OBJECT
private slots:
    void request_data()
    {
        QTest::addColumn<QString>("system");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("variable"); // "name=value", empty for none
        QTest::addColumn<QString>("error");
        QTest::addColumn<int>("messages");
        QTest::newRow("system and user") << "Be brief."
                                         << "Hi"
                                         << ""
                                         << "" << 2;
        QTest::newRow("user only") << ""
                                   << "Hi"
                                   << ""
                                   << "" << 1;
        QTest::newRow("blank system dropped") << "  "
                                              << "Hi"
                                              << ""
                                              << "" << 1;
        QTest::newRow("nothing to send") << "Be brief."
                                         << "  "
                                         << ""
                                         << "Write a message to send first." << 0;
        QTest::newRow("variable without a value")
            << ""
            << "Explain {{topic}} to {{ who }}"
            << "topic=TTFT"
            << "Give a value to {{who}} in the Variables table first." << 0;
        QTest::newRow("variable given") << ""
                                        << "Explain {{topic}}"
                                        << "topic=TTFT"
                                        << "" << 1;
    }
    void request()
    {
        QFETCH(QString, system);
        QFETCH(QString, user);
        QFETCH(QString, variable);
        QFETCH(QString, error);
        QFETCH(int, messages);
        PlaygroundDraft d;
        d.system = system;
        d.turns = {{QStringLiteral("user"), user}};
        if (!variable.isEmpty())
            d.variables.insert(variable.section('=', 0, 0), variable.section('=', 1));
        QString why;
        const std::optional<ChatRequest> r = d.request(&why);
        QCOMPARE(why, error);
        QCOMPARE(r.has_value(), error.isEmpty());
        if (r) {
            QCOMPARE(r->messages.size(), messages);
            QVERIFY(!r->messages.last().content.contains(QStringLiteral("{{")));
        }
    }

    void parameters()
    {
        PlaygroundDraft d;
        d.turns = {{QStringLiteral("user"), QStringLiteral("Hi")},
                   {QStringLiteral("assistant"), QStringLiteral("Hello")},
                   {QStringLiteral("user"), QStringLiteral("More")}};
        d.temperature = 0.3;
        d.maxTokens = 160;
        d.stop = QStringLiteral(" END , ,STOP");
        d.seed = QStringLiteral("42");
        d.jsonResponse = true;
        QString error;
        const std::optional<ChatRequest> r = d.request(&error);
        QVERIFY(r);
        QCOMPARE(r->messages.size(), 3);
        QCOMPARE(r->temperature, std::optional<double>(0.3));
        QVERIFY(!r->topP);
        QCOMPARE(r->maxTokens, std::optional<int>(160));
        QCOMPARE(r->stop, (QStringList{"END", "STOP"}));
        QCOMPARE(r->seed, std::optional<qint64>(42));
        QVERIFY(r->jsonResponse);

        // Loaded back (a re-run), the draft sends the same request.
        const PlaygroundDraft back = PlaygroundDraft::fromRequest(*r);
        QVERIFY(back.system.isEmpty());
        QCOMPARE(back.turns.size(), 3);
        QCOMPARE(back.stop, QStringLiteral("END, STOP"));
        const std::optional<ChatRequest> again = back.request(&error);
        QVERIFY(again);
        QCOMPARE(again->stop, r->stop);
        QCOMPARE(again->seed, r->seed);
    }

    void noSeed_data()
    {
        QTest::addColumn<QString>("seed");
        QTest::newRow("empty") << "";
        QTest::newRow("minus sign only") << "-";
    }
    void noSeed()
    {
        QFETCH(QString, seed);
        PlaygroundDraft d;
        d.turns = {{QStringLiteral("user"), QStringLiteral("Hi")}};
        d.seed = seed;
        QString error;
        QVERIFY(!d.request(&error)->seed);
    }

    void variableNames()
    {
        QCOMPARE(PlaygroundDraft::variableNames(
                     {QStringLiteral("{{a}} and {{ b }}"), QStringLiteral("{{b}}, {{c}} {not}")}),
                 (QStringList{"a", "b", "c"}));
        QVERIFY(PlaygroundDraft::variableNames({QStringLiteral("none")}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_PlaygroundDraft)
#include "tst_playgrounddraft.moc"
