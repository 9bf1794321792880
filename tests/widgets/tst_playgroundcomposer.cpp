#include "playgroundcomposer.h"

#include <QPlainTextEdit>
#include <QSettings>
#include <QTableWidget>
#include <QtTest/QtTest>

using namespace isc;

class tst_PlaygroundComposer : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // What is loaded is what the draft reads back; variables follow the messages.
    void loadAndDraft()
    {
        PlaygroundComposer c;
        PlaygroundDraft d;
        d.system = QStringLiteral("Be {{tone}}.");
        d.turns = {{QStringLiteral("user"), QStringLiteral("Explain {{topic}}")},
                   {QStringLiteral("assistant"), QStringLiteral("Sure")}};
        d.variables = {{QStringLiteral("topic"), QStringLiteral("TTFT")}};
        d.temperature = 0.5;
        d.maxTokens = 64;
        d.stop = QStringLiteral("END");
        d.seed = QStringLiteral("7");
        d.jsonResponse = true;
        c.load(d);
        const PlaygroundDraft back = c.draft();
        QCOMPARE(back.system, d.system);
        QCOMPARE(back.turns.size(), 2);
        QCOMPARE(back.turns.at(1).role, QStringLiteral("assistant"));
        QCOMPARE(back.variables, d.variables); // tone has no value yet
        QCOMPARE(back.temperature, d.temperature);
        QVERIFY(!back.topP);
        QCOMPARE(back.maxTokens, d.maxTokens);
        QCOMPARE(back.stop, d.stop);
        QCOMPARE(back.seed, d.seed);
        QVERIFY(back.jsonResponse);
        auto* table = c.findChild<QTableWidget*>();
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("tone"));

        // Loading new messages keeps the values of the variables still used.
        PlaygroundDraft next = c.draft();
        next.system.clear();
        next.variables.clear();
        c.load(next);
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(c.draft().variables.value(QStringLiteral("topic")), QStringLiteral("TTFT"));
    }

    void saveAndRestore()
    {
        QTemporaryDir dir;
        QSettings s(dir.filePath(QStringLiteral("p.ini")), QSettings::IniFormat);
        {
            PlaygroundComposer c;
            PlaygroundDraft d;
            d.turns = {{QStringLiteral("user"), QStringLiteral("Hi {{name}}")}};
            d.variables = {{QStringLiteral("name"), QStringLiteral("Ada")}};
            d.maxTokens = 128;
            c.load(d);
            c.save(s);
        }
        PlaygroundComposer restored;
        restored.restore(s);
        const PlaygroundDraft d = restored.draft();
        QCOMPARE(d.turns.size(), 1);
        QCOMPARE(d.turns.first().content, QStringLiteral("Hi {{name}}"));
        QCOMPARE(d.variables.value(QStringLiteral("name")), QStringLiteral("Ada"));
        QCOMPARE(d.maxTokens, std::optional<int>(128));

        // Nothing saved: one empty user turn to type in.
        QSettings empty(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
        PlaygroundComposer fresh;
        fresh.restore(empty);
        QCOMPARE(fresh.draft().turns.size(), 1);
        QCOMPARE(fresh.draft().turns.first().role, QStringLiteral("user"));
    }
};

QTEST_MAIN(tst_PlaygroundComposer)
#include "tst_playgroundcomposer.moc"
