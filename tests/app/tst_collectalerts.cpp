// End to end: headless `inferscope collect` evaluates the workspace's alert rules after each
// stored poll, logs each transition once, POSTs it to the webhook (whose URL never shows up in
// the log) and serves the alert state on /metrics.
#include "testsupport.h"

#include "core/timerange.h"
#include "emulator/emulator.h"
#include "net/loopbackhttpserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

// The part of the webhook URL that makes it a secret.
const QString kSecretPath = QStringLiteral("/hooks/T0SECRET/xoxAlertToken77");
constexpr qint64 kEmulatorAhead = 3600; // every minute asked for is final on first read

} // namespace

class tst_CollectAlerts : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_home;
    emu::Emulator m_emulator{7};
    LoopbackHttpServer m_hooks;
    QVector<QJsonObject> m_posts;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", m_home.filePath("config"));
        env.insert("XDG_DATA_HOME", m_home.filePath("data"));
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("TST_COLLECTALERTS_TOKEN", emu::Emulator::demoToken());
        env.insert("TST_COLLECTALERTS_HOOK", secretUrl());
        return env;
    }

    QString secretUrl() const { return m_hooks.serverUrl().toString() + kSecretPath; }

    // One Azure connection on the emulator; one custom rule that every PTU minute meets.
    QString writeWorkspace(const QJsonObject& alerts)
    {
        const QString path = m_home.filePath("ws.json");
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(
            QJsonDocument(
                QJsonObject{{"name", "Alerts"},
                            {"connections",
                             QJsonArray{QJsonObject{
                                 {"id", "east"},
                                 {"kind", "azure-openai"},
                                 {"managementEndpoint", m_emulator.baseUrl().toString()},
                                 {"resourceId", emu::Emulator::accountResourceId()},
                                 {"pollIntervalSeconds", 10},
                                 {"credential", QJsonObject{{"env", "TST_COLLECTALERTS_TOKEN"}}}}}},
                            {"alerts", alerts}})
                .toJson());
        return path;
    }

    static QJsonObject alwaysFiring()
    {
        return QJsonObject{
            {"builtins", false},
            {"rules",
             QJsonArray{QJsonObject{{"id", "ptu-busy"},
                                    {"name", "PTU busy"},
                                    {"metric", "AzureOpenAIProvisionedManagedUtilizationV2"},
                                    {"aggregation", "average"},
                                    {"op", ">="},
                                    {"threshold", 0},
                                    {"for", "2m"},
                                    {"unit", "%"}}}},
            {"webhooks", QJsonArray{QJsonObject{{"id", "ops"},
                                                {"format", "generic"},
                                                {"url", QJsonObject{{"env", "TST_COLLECTALERTS_"
                                                                            "HOOK"}}}}}}};
    }

    // The "alert firing" lines of a log, and whether each was notified.
    static QStringList firingLines(const QString& log)
    {
        QStringList out;
        for (const QString& line : log.split(QLatin1Char('\n')))
            if (line.startsWith(QLatin1String("inferscope: alert firing: ")))
                out << line;
        return out;
    }

    // The /metrics lines about alerts, for a failure's message.
    static QByteArray alertLines(const QByteArray& body)
    {
        QByteArrayList out;
        for (const QByteArray& line : body.split('\n'))
            if (line.contains("alert"))
                out << line;
        return out.join('\n');
    }

    void verifyNoSecret(const QString& log)
    {
        QVERIFY2(!log.contains(QLatin1String("xoxAlertToken77")) &&
                     !log.contains(QLatin1String("T0SECRET")),
                 qPrintable(QStringLiteral("the webhook URL is in the log: ") + log));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!test::inferscopeBinary().isEmpty(), "INFERSCOPE_BINARY is not set");
        QVERIFY(m_home.isValid());
        QString error;
        QVERIFY2(m_emulator.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_emulator.setClock([] { return nowUtc() + kEmulatorAhead; });
        m_hooks.setHandler([this](const HttpServerRequest& req, HttpServerResponder& res) {
            if (req.path() == kSecretPath)
                m_posts.append(QJsonDocument::fromJson(req.body).object());
            res.respond(200, {}, "ok");
        });
        QVERIFY2(m_hooks.listen(), qPrintable(m_hooks.errorString()));
    }

    void init() { m_posts.clear(); }

    // --once: the backfill's minutes fire the rule; each transition is logged and POSTed once
    // before collect exits.
    void onceLogsAndDeliversEachTransition()
    {
        const QString ws = writeWorkspace(alwaysFiring());
        QVERIFY(!ws.isEmpty());
        const QString db = m_home.filePath("once.sqlite");
        QProcess collect;
        collect.setProcessEnvironment(environment());
        QSignalSpy finished(&collect, &QProcess::finished);
        collect.start(test::inferscopeBinary(),
                      {"collect", "--db", db, "--workspace", ws, "--backfill", "30m", "--once"});
        QVERIFY(finished.wait(180000) || !finished.isEmpty());
        const QString log = QString::fromUtf8(collect.readAllStandardError());
        QVERIFY2(collect.exitStatus() == QProcess::NormalExit && collect.exitCode() == 0,
                 qPrintable(log));
        verifyNoSecret(log);

        const QStringList firing = firingLines(log);
        QVERIFY2(!firing.isEmpty(), qPrintable(log));
        // One POST per notified transition, each naming the rule, the value and the threshold.
        const auto notified = std::count_if(firing.cbegin(), firing.cend(), [](const QString& l) {
            return !l.contains(QLatin1String("(not notified"));
        });
        QVERIFY(notified > 0);
        QCOMPARE(m_posts.size(), qsizetype(notified));
        QSet<QString> fingerprints;
        for (const QJsonObject& post : std::as_const(m_posts)) {
            QCOMPARE(post.value("status").toString(), QStringLiteral("firing"));
            QCOMPARE(post.value("rule").toObject().value("id").toString(),
                     QStringLiteral("ptu-busy"));
            QCOMPARE(post.value("threshold").toDouble(), 0.0);
            QVERIFY(post.value("value").toDouble() >= 0.0);
            QVERIFY(!post.value("labels").toObject().value("deployment").toString().isEmpty());
            fingerprints.insert(post.value("fingerprint").toString());
        }
        QCOMPARE(fingerprints.size(), m_posts.size());

        // A second run on the same history: still firing, nothing announced again.
        m_posts.clear();
        QProcess again;
        again.setProcessEnvironment(environment());
        QSignalSpy againFinished(&again, &QProcess::finished);
        again.start(test::inferscopeBinary(), {"collect", "--db", db, "--workspace", ws, "--once"});
        QVERIFY(againFinished.wait(180000) || !againFinished.isEmpty());
        const QString againLog = QString::fromUtf8(again.readAllStandardError());
        QVERIFY2(again.exitCode() == 0, qPrintable(againLog));
        QVERIFY2(firingLines(againLog).isEmpty(), qPrintable(againLog));
        QCOMPARE(m_posts.size(), 0);
    }

    // Polling until stopped: SIGTERM stops it cleanly, the alerts of what it stored delivered.
    void sigtermStopsCleanly()
    {
        const QString ws = writeWorkspace(alwaysFiring());
        const QString db = m_home.filePath("sigterm.sqlite");
        QProcess collect;
        collect.setProcessEnvironment(environment());
        QSignalSpy finished(&collect, &QProcess::finished);
        collect.start(test::inferscopeBinary(),
                      {"collect", "--db", db, "--workspace", ws, "--backfill", "30m"});
        QVERIFY(collect.waitForStarted());
        QByteArray err;
        QTRY_VERIFY2_WITH_TIMEOUT(
            (err += collect.readAllStandardError(),
             err.contains("inferscope: alert firing: ") || collect.state() == QProcess::NotRunning),
            err.constData(), 90000);
        QVERIFY2(collect.state() == QProcess::Running, err.constData());
        collect.terminate(); // SIGTERM
        QVERIFY(finished.wait(60000) || !finished.isEmpty());
        err += collect.readAllStandardError();
        QVERIFY2(collect.exitStatus() == QProcess::NormalExit && collect.exitCode() == 0,
                 err.constData());
        QVERIFY2(err.contains("inferscope: SIGTERM: stopping"), err.constData());
        const QStringList firing = firingLines(QString::fromUtf8(err));
        QVERIFY(!firing.isEmpty());
        const auto notified = std::count_if(firing.cbegin(), firing.cend(), [](const QString& l) {
            return !l.contains(QLatin1String("(not notified"));
        });
        QTRY_COMPARE(m_posts.size(), qsizetype(notified));
    }

    // --listen: the firing rule is on /metrics while collect runs.
    void servesAlertStateOnMetrics()
    {
        const QString ws = writeWorkspace(alwaysFiring());
        const QString db = m_home.filePath("listen.sqlite");
        QProcess collect;
        collect.setProcessEnvironment(environment());
        QSignalSpy finished(&collect, &QProcess::finished);
        collect.start(test::inferscopeBinary(),
                      {"collect", "--db", db, "--workspace", ws, "--backfill", "30m", "--duration",
                       "60", "--listen", "127.0.0.1:0"});
        QVERIFY(collect.waitForStarted());
        QByteArray err;
        const QRegularExpression served(
            QStringLiteral("serving Prometheus metrics at (http://127\\.0\\.0\\.1:\\d+/metrics)"));
        QRegularExpressionMatch m;
        QTRY_VERIFY2_WITH_TIMEOUT((err += collect.readAllStandardError(),
                                   m = served.match(QString::fromUtf8(err)),
                                   m.hasMatch() || collect.state() == QProcess::NotRunning),
                                  err.constData(), 60000);
        QVERIFY2(m.hasMatch(), err.constData());

        QNetworkAccessManager net;
        QByteArray body;
        const auto scrape = [&] {
            QNetworkReply* reply = net.get(QNetworkRequest(QUrl(m.captured(1))));
            QSignalSpy done(reply, &QNetworkReply::finished);
            if (!reply->isFinished())
                done.wait(10000);
            body = reply->readAll();
            reply->deleteLater();
            return body;
        };
        // Served from the start at 0; 1 or more once the backfill's minutes were evaluated.
        const QRegularExpression firing(QStringLiteral(
            "inferscope_alerts_firing\\{rule=\"ptu-busy\",severity=\"[a-z]+\"\\} [1-9]"));
        QTRY_VERIFY2_WITH_TIMEOUT(firing.match(QString::fromUtf8(scrape())).hasMatch(),
                                  alertLines(body).constData(), 90000);
        QVERIFY2(body.contains("inferscope_alert{rule=\"ptu-busy\""), alertLines(body).constData());
        QVERIFY2(body.contains("state=\"firing\""), alertLines(body).constData());
        verifyNoSecret(QString::fromUtf8(body));

        QVERIFY(finished.wait(180000) || !finished.isEmpty());
        err += collect.readAllStandardError();
        QVERIFY2(collect.exitCode() == 0, err.constData());
        verifyNoSecret(QString::fromUtf8(err));
        QVERIFY2(!firingLines(QString::fromUtf8(err)).isEmpty(), err.constData());
    }
};

QTEST_GUILESS_MAIN(tst_CollectAlerts)
#include "tst_collectalerts.moc"
