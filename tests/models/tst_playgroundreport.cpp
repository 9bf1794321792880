#include "reports/playgroundreport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QtTest>

using namespace isc;

namespace {

StoredRun run(qint64 id, bool redacted = false, bool starred = false, const QString& error = {})
{
    StoredRun r;
    r.id = id;
    r.createdAtMs = 1767225600000 + id;
    r.target = QStringLiteral("gpt-4o-std");
    r.model = QStringLiteral("gpt-4o");
    r.redacted = redacted;
    r.starred = starred;
    r.error = error;
    r.output = redacted ? QString() : QStringLiteral("An   answer\nin two lines");
    return r;
}

PlaygroundTarget target(const QString& id, const QString& provider, const QString& deployment = {})
{
    PlaygroundTarget t;
    t.id = id;
    t.connection = id.section('/', 0, 0);
    t.provider = provider;
    t.chat.name = id.section('/', 1);
    t.chat.deployment = deployment;
    return t;
}

} // namespace

class tst_PlaygroundReport : public QObject
{
    Q_OBJECT
private slots:
    void historyRow_data()
    {
        QTest::addColumn<QString>("metrics");
        QTest::addColumn<bool>("redacted");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("tokens");
        QTest::addColumn<QString>("cost");
        QTest::addColumn<QString>("summary");
        QTest::addColumn<int>("kind");
        QTest::newRow("answer") << "{\"tokens_out\":12,\"cost\":\"$0.0012\",\"model\":\"gpt-4o-x\"}"
                                << false << ""
                                << "12"
                                << "$0.0012"
                                << "An answer in two lines" << int(RunHistoryRow::Summary::Answer);
        QTest::newRow("estimated tokens, no price")
            << "{\"tokens_out\":7,\"tokens_estimated\":true}" << false << ""
            << "7 (est.)"
            << "no price"
            << "An answer in two lines" << int(RunHistoryRow::Summary::Answer);
        QTest::newRow("error") << "{}" << false << "HTTP 429"
                               << "–"
                               << "no price"
                               << "HTTP 429" << int(RunHistoryRow::Summary::Error);
        QTest::newRow("metrics only")
            << "{}" << true << ""
            << "–"
            << "no price"
            << "(stored without prompt and answer)" << int(RunHistoryRow::Summary::Redacted);
    }
    void historyRow()
    {
        QFETCH(QString, metrics);
        QFETCH(bool, redacted);
        QFETCH(QString, error);
        QFETCH(QString, tokens);
        QFETCH(QString, cost);
        QFETCH(QString, summary);
        QFETCH(int, kind);
        StoredRun r = run(7, redacted, true, error);
        r.metricsJson = metrics;
        const RunHistoryRow row = PlaygroundReport::historyRow(r);
        QCOMPARE(row.id, qint64(7));
        QCOMPARE(row.columns.size(), 9);
        QCOMPARE(row.columns.at(0), QStringLiteral("★"));
        QCOMPARE(row.columns.at(2), QStringLiteral("gpt-4o-std"));
        QCOMPARE(row.columns.at(3), metrics.contains(QStringLiteral("gpt-4o-x"))
                                        ? QStringLiteral("gpt-4o-x")
                                        : QStringLiteral("gpt-4o"));
        QCOMPARE(row.columns.at(4), QStringLiteral("–")); // no TTFT recorded
        QCOMPARE(row.columns.at(6), tokens);
        QCOMPARE(row.columns.at(7), cost);
        QCOMPARE(row.columns.at(8), summary);
        QCOMPARE(int(row.summary), kind);
    }

    void historyActions_data()
    {
        // One letter per selected run: t with its text, s starred, r stored without text.
        QTest::addColumn<QString>("selection");
        QTest::addColumn<QString>("enabled"); // of star, rerun, curl, export, delete, diff
        QTest::addColumn<QString>("starText");
        QTest::newRow("none") << ""
                              << "000000"
                              << "Star";
        QTest::newRow("one") << "t"
                             << "111110"
                             << "Star";
        QTest::newRow("one starred") << "s"
                                     << "111110"
                                     << "Unstar";
        QTest::newRow("one without text") << "r"
                                          << "100110"
                                          << "Star";
        QTest::newRow("two") << "tt"
                             << "100011"
                             << "Star";
        QTest::newRow("two, one without text") << "tr"
                                               << "100010"
                                               << "Star";
    }
    void historyActions()
    {
        QFETCH(QString, selection);
        QFETCH(QString, enabled);
        QFETCH(QString, starText);
        QVector<StoredRun> sel;
        for (QChar c : selection)
            sel << run(sel.size() + 1, c == 'r', c == 's');
        const RunHistoryActions a = PlaygroundReport::historyActions(sel);
        const QVector<bool> got{a.star, a.rerun, a.copyCurl, a.exportJson, a.remove, a.diff};
        QString bits;
        for (bool b : got)
            bits += b ? '1' : '0';
        QCOMPARE(bits, enabled);
        QCOMPARE(a.starText, starText);
        QCOMPARE(a.rerunToolTip.startsWith(QStringLiteral("This run was stored without")),
                 selection == QLatin1String("r"));
    }

    void launch_data()
    {
        QTest::addColumn<QString>("selected");
        QTest::addColumn<QString>("modelOverride");
        QTest::addColumn<QString>("target"); // empty: a problem
        QTest::addColumn<QString>("model");  // of the request sent
        QTest::addColumn<QString>("problem");
        QTest::newRow("a target") << "oa/gpt-4o"
                                  << ""
                                  << "oa/gpt-4o"
                                  << "asked"
                                  << "";
        QTest::newRow("a target, model overridden") << "oa/gpt-4o"
                                                    << "gpt-4o-mini"
                                                    << "oa/gpt-4o"
                                                    << "gpt-4o-mini"
                                                    << "";
        QTest::newRow("none picked") << ""
                                     << ""
                                     << ""
                                     << "asked"
                                     << "Pick a target for this pane.";
        QTest::newRow("gone") << "oa/old"
                              << ""
                              << ""
                              << "asked"
                              << "Pick a target for this pane.";
    }
    void launch()
    {
        QFETCH(QString, selected);
        QFETCH(QString, modelOverride);
        QFETCH(QString, target);
        QFETCH(QString, model);
        QFETCH(QString, problem);
        ChatRequest request = ChatRequest::fromPrompt({}, QStringLiteral("Hi"));
        request.model = QStringLiteral("asked");
        const PaneLaunch l = PlaygroundReport::launch(
            selected, false, modelOverride, request, {}, {},
            {target_("oa/gpt-4o", "openai"), target_("an/claude", "anthropic")}, 600);
        QCOMPARE(l.target ? l.target->id : QString(), target);
        QCOMPARE(l.request.model, model);
        QCOMPARE(l.problem, problem);
        QVERIFY(l.note.isEmpty());
    }

    // Without a routing policy Auto cannot choose: the pane says why.
    void launchAutoWithoutPolicy()
    {
        const PaneLaunch l = PlaygroundReport::launch(
            QStringLiteral("auto"), true, {}, ChatRequest::fromPrompt({}, QStringLiteral("Hi")), {},
            {}, {target_("oa/gpt-4o", "openai")}, 600);
        QVERIFY(!l.target);
        QVERIFY(!l.problem.isEmpty());
    }

    void words()
    {
        AutoChoice c;
        c.reason = QStringLiteral("it is up");
        QCOMPARE(PlaygroundReport::autoNote(c, QStringLiteral("gpt-4o")),
                 QStringLiteral("Auto chose gpt-4o (the policy's fallback): it is up"));
        c.ruleName = QStringLiteral("cheap first");
        QCOMPARE(PlaygroundReport::autoNote(c, QStringLiteral("gpt-4o")),
                 QStringLiteral("Auto chose gpt-4o by rule \"cheap first\": it is up"));
        QCOMPARE(PlaygroundReport::runningStatus(2, true),
                 QStringLiteral("Running on 2 target(s)…"));
        QCOMPARE(PlaygroundReport::runningStatus(1, false),
                 QStringLiteral("Running on 1 target(s)… (history keeps metrics only)"));
    }

    // The demo's prompt sends as it is, its variable given; other parameters are kept.
    void demoDraft()
    {
        PlaygroundDraft current;
        current.topP = 0.9;
        const PlaygroundDraft d = PlaygroundReport::demoDraft(current);
        QString error;
        const std::optional<ChatRequest> r = d.request(&error);
        QVERIFY2(r, qPrintable(error));
        QCOMPARE(r->messages.size(), 2);
        QVERIFY(
            r->messages.last().content.contains(QStringLiteral("a provisioned (PTU) deployment")));
        QCOMPARE(r->maxTokens, std::optional<int>(160));
        QCOMPARE(r->temperature, std::optional<double>(0.3));
        QCOMPARE(r->topP, std::optional<double>(0.9));
    }

    // The demo runs one target per kind of provider, never a PTU deployment (it may be full).
    void demoTargets()
    {
        Deployment ptu;
        ptu.source = QStringLiteral("az");
        ptu.name = QStringLiteral("gpt-4o-ptu");
        ptu.sku = QStringLiteral("ProvisionedManaged");
        Deployment std = ptu;
        std.name = QStringLiteral("gpt-4o-std");
        std.sku = QStringLiteral("Standard");
        const QVector<PlaygroundTarget> targets = {
            target_("az/gpt-4o-ptu", "azure-openai", "gpt-4o-ptu"),
            target_("az/gpt-4o-std", "azure-openai", "gpt-4o-std"),
            target_("oa/gpt-4o", "openai"),
            target_("oa/gpt-4o-mini", "openai"),
            target_("an/claude", "anthropic"),
            target_("local/llama", "local"),
            target_("other/x", "other"),
        };
        QCOMPARE(PlaygroundReport::demoTargets(targets, {ptu, std}, 4),
                 (QStringList{"az/gpt-4o-std", "oa/gpt-4o", "an/claude", "local/llama"}));
        QVERIFY(PlaygroundReport::demoTargets({}, {}, 4).isEmpty());
    }

private:
    static PlaygroundTarget target_(const char* id, const char* provider, const char* dep = "")
    {
        return target(QString::fromUtf8(id), QString::fromUtf8(provider), QString::fromUtf8(dep));
    }
};

QTEST_GUILESS_MAIN(tst_PlaygroundReport)
#include "tst_playgroundreport.moc"
