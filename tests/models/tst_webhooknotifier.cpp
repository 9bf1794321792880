#include "alerts/delivery/webhooknotifier.h"
#include "fakekeychain.h"
#include "net/loopbackhttpserver.h"
#include "net/secretstore.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;

namespace {

// The part of every test URL that makes it a secret: it must never show up anywhere.
const QString kSecretPath = QStringLiteral("/services/T0SECRET/B0SECRET/xoxSecretToken42");
const char kEnvName[] = "INFERSCOPE_TEST_WEBHOOK_URL";

QMutex g_messagesMutex; // Qt's network thread may log too
QStringList g_messages; // every qDebug/qWarning/... of the test process
QtMessageHandler g_previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        const QMutexLocker lock(&g_messagesMutex);
        g_messages.append(message);
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

AlertNotice makeNotice(AlertNotice::Transition transition = AlertNotice::Transition::Firing)
{
    AlertNotice n;
    n.ruleId = QStringLiteral("ptu-saturation");
    n.ruleName = QStringLiteral("PTU saturation");
    n.metric = QStringLiteral("PTU utilization");
    n.severity = AlertNotice::Severity::Critical;
    n.transition = transition;
    n.labels = {{QStringLiteral("connection"), QStringLiteral("east")},
                {QStringLiteral("deployment"), QStringLiteral("gpt-4o-ptu")}};
    n.value = 97.3;
    n.threshold = 90;
    n.unit = Unit::Percent;
    n.aggregation = AlertNotice::Aggregation::P95;
    n.windowSeconds = 300;
    n.startsAt = QDateTime(QDate(2024, 5, 1), QTime(14, 5), Qt::UTC);
    n.at = transition == AlertNotice::Transition::Resolved ? n.startsAt.addSecs(1560) : n.startsAt;
    n.dedupKey = AlertNotice::dedupKeyFor(n.ruleId, n.labels);
    return n;
}

WebhookConfig envHook(WebhookConfig::Format format, const QString& id = QStringLiteral("ops"))
{
    WebhookConfig c;
    c.id = id;
    c.format = format;
    c.url = {SecretRef::Kind::Env, QString::fromLatin1(kEnvName)};
    return c;
}

// One scripted answer of the receiver.
struct Answer
{
    int status = 200;
    QList<HttpServerHeader> headers;
    QByteArray body = "ok";
};

} // namespace

class tst_WebhookNotifier : public QObject
{
    Q_OBJECT

    struct Received
    {
        QString path;
        QByteArray body;
        QByteArray contentType;
        qint64 atMs = 0;
    };

    std::unique_ptr<LoopbackHttpServer> m_server;
    QList<Answer> m_script; // answered in order; the last one repeats
    QList<Received> m_received;
    QElapsedTimer m_clock;
    std::unique_ptr<SecretStore> m_secrets;
    QStringList m_failures; // failed() reasons of the current test

    QString secretUrl() const { return m_server->serverUrl().toString() + kSecretPath; }

    std::unique_ptr<WebhookNotifier> makeNotifier(const QVector<WebhookConfig>& hooks,
                                                  int baseDelayMs = 50, int maxAttempts = 5)
    {
        auto n = std::make_unique<WebhookNotifier>(m_secrets.get());
        WebhookNotifier::RetrySettings s;
        s.baseDelayMs = baseDelayMs;
        s.jitter = 0; // exact waits, so the test can hold the receiver to them
        s.maxAttempts = maxAttempts;
        s.maxRetryAfterMs = 5000;
        s.attemptTimeoutMs = 10000;
        n->setRetrySettings(s);
        n->setTimeZone(QTimeZone::utc());
        n->setWebhooks(hooks);
        connect(n.get(), &WebhookNotifier::failed, this,
                [this](const QString&, const AlertNotice&, const QString& reason) {
                    m_failures.append(reason);
                });
        return n;
    }

    void verifyNoSecret(const QString& where, const QString& text)
    {
        QVERIFY2(!text.contains(QLatin1String("xoxSecretToken42")) &&
                     !text.contains(QLatin1String("T0SECRET")) && !text.contains(secretUrl()),
                 qPrintable(where + QStringLiteral(" holds the secret: ") + text));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        g_previousHandler = qInstallMessageHandler(captureMessage);
    }
    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void init()
    {
        m_script = {Answer{}};
        m_received.clear();
        m_failures.clear();
        m_clock.start();
        m_server = std::make_unique<LoopbackHttpServer>();
        m_server->setHandler([this](const HttpServerRequest& req, HttpServerResponder& res) {
            m_received.append(
                {req.path(), req.body, req.header("content-type"), m_clock.elapsed()});
            const Answer a = m_script.size() > 1 ? m_script.takeFirst() : m_script.first();
            res.respond(a.status, a.headers, a.body);
        });
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
        qputenv(kEnvName, secretUrl().toUtf8());
        auto keychain = std::make_unique<test::FakeKeychain>();
        keychain->entries.insert(QStringLiteral("alerts/ops-teams"),
                                 {KeychainBackend::Status::Ok, secretUrl(), {}});
        m_secrets = std::make_unique<SecretStore>(std::move(keychain));
    }
    void cleanup()
    {
        qunsetenv(kEnvName);
        QStringList messages;
        {
            const QMutexLocker lock(&g_messagesMutex);
            messages = std::exchange(g_messages, {});
        }
        for (const QString& m : std::as_const(messages))
            verifyNoSecret(QStringLiteral("a log message"), m);
        for (const QString& f : std::as_const(m_failures))
            verifyNoSecret(QStringLiteral("a failure reason"), f);
        m_server.reset();
        m_secrets.reset();
    }

    void onePostPerTransition_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("keychain");
        QTest::newRow("generic") << int(WebhookConfig::Format::Generic) << false;
        QTest::newRow("slack") << int(WebhookConfig::Format::Slack) << false;
        QTest::newRow("teams, URL in the keychain") << int(WebhookConfig::Format::Teams) << true;
    }
    void onePostPerTransition()
    {
        QFETCH(int, format);
        QFETCH(bool, keychain);
        WebhookConfig hook = envHook(static_cast<WebhookConfig::Format>(format));
        if (keychain)
            hook.url = {SecretRef::Kind::Keychain, QStringLiteral("alerts/ops-teams")};
        auto notifier = makeNotifier({hook});
        QSignalSpy delivered(notifier.get(), &WebhookNotifier::delivered);

        const AlertNotice firing = makeNotice();
        notifier->notify(makeNotice(AlertNotice::Transition::Pending)); // not sent by default
        notifier->notify(firing);
        notifier->notify(firing); // the same transition twice: one POST
        QTRY_COMPARE(delivered.count(), 1);
        const AlertNotice resolved = makeNotice(AlertNotice::Transition::Resolved);
        notifier->notify(resolved);
        QTRY_COMPARE(delivered.count(), 2);
        notifier->notify(resolved);
        QCOMPARE(notifier->pending(), 0);
        QCOMPARE(m_received.size(), 2);

        for (const Received& r : std::as_const(m_received)) {
            QCOMPARE(r.path, kSecretPath);
            QVERIFY(r.contentType.startsWith("application/json"));
        }
        QJsonParseError error;
        const QJsonObject first = QJsonDocument::fromJson(m_received.at(0).body, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject second = QJsonDocument::fromJson(m_received.at(1).body).object();
        const QString title = QStringLiteral("PTU utilization ≥ 90 % on gpt-4o-ptu (east)");

        switch (static_cast<WebhookConfig::Format>(format)) {
        case WebhookConfig::Format::Generic:
            QCOMPARE(first.value(QLatin1String("version")).toString(), QStringLiteral("1"));
            QCOMPARE(first.value(QLatin1String("receiver")).toString(), QStringLiteral("ops"));
            QCOMPARE(first.value(QLatin1String("status")).toString(), QStringLiteral("firing"));
            QCOMPARE(second.value(QLatin1String("status")).toString(), QStringLiteral("resolved"));
            QCOMPARE(
                first.value(QLatin1String("rule")).toObject().value(QLatin1String("id")).toString(),
                QStringLiteral("ptu-saturation"));
            QCOMPARE(first.value(QLatin1String("labels"))
                         .toObject()
                         .value(QLatin1String("deployment"))
                         .toString(),
                     QStringLiteral("gpt-4o-ptu"));
            QCOMPARE(first.value(QLatin1String("value")).toDouble(), 97.3);
            QCOMPARE(first.value(QLatin1String("threshold")).toDouble(), 90.0);
            QCOMPARE(first.value(QLatin1String("comparison")).toString(), QStringLiteral(">="));
            QCOMPARE(first.value(QLatin1String("unit")).toString(), QStringLiteral("%"));
            QCOMPARE(first.value(QLatin1String("aggregation")).toString(), QStringLiteral("p95"));
            QCOMPARE(first.value(QLatin1String("startsAt")).toString(),
                     QStringLiteral("2024-05-01T14:05:00.000Z"));
            QCOMPARE(first.value(QLatin1String("endsAt")).toString(),
                     QStringLiteral("0001-01-01T00:00:00Z"));
            QCOMPARE(second.value(QLatin1String("endsAt")).toString(),
                     QStringLiteral("2024-05-01T14:31:00.000Z"));
            QCOMPARE(first.value(QLatin1String("fingerprint")).toString(), firing.dedupKey);
            QCOMPARE(first.value(QLatin1String("annotations"))
                         .toObject()
                         .value(QLatin1String("summary"))
                         .toString(),
                     title);
            break;
        case WebhookConfig::Format::Slack: {
            const QString text = first.value(QLatin1String("text")).toString();
            QVERIFY2(text.contains(title), qPrintable(text));
            QVERIFY2(text.contains(QLatin1String("95th percentile of 97.3 %")), qPrintable(text));
            const QJsonArray blocks = first.value(QLatin1String("blocks")).toArray();
            QVERIFY(!blocks.isEmpty());
            QCOMPARE(blocks.at(0).toObject().value(QLatin1String("type")).toString(),
                     QStringLiteral("section"));
            // mrkdwn escapes its control characters.
            const QString section = blocks.at(0)
                                        .toObject()
                                        .value(QLatin1String("text"))
                                        .toObject()
                                        .value(QLatin1String("text"))
                                        .toString();
            QVERIFY2(section.contains(QLatin1String("Firing (critical)")), qPrintable(section));
            QVERIFY(second.value(QLatin1String("text"))
                        .toString()
                        .startsWith(QLatin1String("Resolved")));
            break;
        }
        case WebhookConfig::Format::Teams: {
            QCOMPARE(first.value(QLatin1String("type")).toString(), QStringLiteral("message"));
            const QJsonObject attachment =
                first.value(QLatin1String("attachments")).toArray().at(0).toObject();
            QCOMPARE(attachment.value(QLatin1String("contentType")).toString(),
                     QStringLiteral("application/vnd.microsoft.card.adaptive"));
            const QJsonObject card = attachment.value(QLatin1String("content")).toObject();
            QCOMPARE(card.value(QLatin1String("type")).toString(), QStringLiteral("AdaptiveCard"));
            QCOMPARE(card.value(QLatin1String("version")).toString(), QStringLiteral("1.4"));
            const QByteArray raw = m_received.at(0).body;
            QVERIFY(raw.contains(title.toUtf8()));
            QVERIFY(raw.contains("threshold 90 %"));
            break;
        }
        }
        const QString log = notifier->log().text();
        QVERIFY2(log.contains(m_server->serverUrl().host()), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("/…")), qPrintable(log));
        verifyNoSecret(QStringLiteral("the delivery log"), log);
    }

    void severityFilter()
    {
        WebhookConfig hook = envHook(WebhookConfig::Format::Generic);
        hook.minSeverity = AlertNotice::Severity::Critical;
        auto notifier = makeNotifier({hook});
        AlertNotice warning = makeNotice();
        warning.severity = AlertNotice::Severity::Warning;
        notifier->notify(warning);
        QCOMPARE(notifier->pending(), 0);
        QCOMPARE(m_received.size(), 0);
    }

    void retriesWithGrowingBackoff()
    {
        m_script = {Answer{500, {}, "{\"error\":\"database down\"}"}, Answer{500, {}, {}},
                    Answer{200, {}, "ok"}};
        auto notifier = makeNotifier({envHook(WebhookConfig::Format::Slack)}, 100);
        QSignalSpy delivered(notifier.get(), &WebhookNotifier::delivered);
        notifier->notify(makeNotice());
        QVERIFY(delivered.wait(20000));
        QCOMPARE(m_received.size(), 3);

        const auto& log = notifier->log().entries();
        QCOMPARE(log.size(), 3);
        QCOMPARE(log.at(0).outcome, DeliveryAttempt::Outcome::Retrying);
        QCOMPARE(log.at(0).status, 500);
        QVERIFY2(log.at(0).detail.contains(QLatin1String("database down")),
                 qPrintable(log.at(0).detail));
        QCOMPARE(log.at(1).outcome, DeliveryAttempt::Outcome::Retrying);
        QCOMPARE(log.at(2).outcome, DeliveryAttempt::Outcome::Delivered);
        QCOMPARE(log.at(2).attempt, 3);
        // Exponential: 100 ms, then 200 ms; the receiver never saw a retry early.
        QCOMPARE(log.at(0).retryInMs, qint64(100));
        QCOMPARE(log.at(1).retryInMs, qint64(200));
        QVERIFY2(m_received.at(1).atMs - m_received.at(0).atMs >= 99,
                 qPrintable(QString::number(m_received.at(1).atMs - m_received.at(0).atMs)));
        QVERIFY2(m_received.at(2).atMs - m_received.at(1).atMs >= 199,
                 qPrintable(QString::number(m_received.at(2).atMs - m_received.at(1).atMs)));
        verifyNoSecret(QStringLiteral("the delivery log"), notifier->log().text());
    }

    void jitterShortensWaits()
    {
        m_script = {Answer{503, {}, {}}, Answer{503, {}, {}}, Answer{200, {}, {}}};
        auto notifier = makeNotifier({envHook(WebhookConfig::Format::Generic)}, 100);
        auto s = notifier->retrySettings();
        s.jitter = 0.25;
        notifier->setRetrySettings(s);
        QSignalSpy delivered(notifier.get(), &WebhookNotifier::delivered);
        notifier->notify(makeNotice());
        QVERIFY(delivered.wait(20000));
        const auto& log = notifier->log().entries();
        QCOMPARE(log.size(), 3);
        QVERIFY(log.at(0).retryInMs >= 75 && log.at(0).retryInMs <= 100);
        QVERIFY(log.at(1).retryInMs >= 150 && log.at(1).retryInMs <= 200);
        QVERIFY(log.at(1).retryInMs > log.at(0).retryInMs);
    }

    void clientErrorsAreNotRetried_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("400 bad request") << 400;
        QTest::newRow("403 forbidden") << 403;
        QTest::newRow("404 gone webhook") << 404;
        QTest::newRow("410 archived channel") << 410;
    }
    void clientErrorsAreNotRetried()
    {
        QFETCH(int, status);
        m_script = {Answer{status, {}, "invalid_payload"}, Answer{200, {}, {}}};
        auto notifier = makeNotifier({envHook(WebhookConfig::Format::Slack)}, 10);
        QSignalSpy failed(notifier.get(), &WebhookNotifier::failed);
        notifier->notify(makeNotice());
        QVERIFY(failed.wait(10000));
        QCOMPARE(m_received.size(), 1);
        QCOMPARE(notifier->log().entries().size(), 1);
        QCOMPARE(notifier->log().entries().at(0).outcome, DeliveryAttempt::Outcome::Failed);
        const QString reason = failed.at(0).at(2).toString();
        QVERIFY2(reason.contains(QStringLiteral("HTTP %1").arg(status)), qPrintable(reason));
        QVERIFY2(reason.contains(QLatin1String("invalid_payload")), qPrintable(reason));
        QCOMPARE(notifier->pending(), 0);
        // The loss is in the log too (which cleanup() searches for the secret).
        const QMutexLocker lock(&g_messagesMutex);
        QVERIFY2(
            g_messages.join(QLatin1Char('\n'))
                .contains(QLatin1String("was not delivered to webhook ops (http://127.0.0.1:")),
            qPrintable(g_messages.join(QLatin1Char('\n'))));
    }

    void retryAfterIsHonoured_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("waitMs");
        QTest::newRow("429, seconds")
            << 429 << QByteArray("Retry-After") << QByteArray("1") << qint64(1000);
        QTest::newRow("503, seconds")
            << 503 << QByteArray("Retry-After") << QByteArray("1") << qint64(1000);
        QTest::newRow("429, retry-after-ms")
            << 429 << QByteArray("retry-after-ms") << QByteArray("700") << qint64(700);
    }
    void retryAfterIsHonoured()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        QFETCH(qint64, waitMs);
        m_script = {Answer{status, {{header, value}}, {}}, Answer{200, {}, {}}};
        auto notifier = makeNotifier({envHook(WebhookConfig::Format::Generic)}, 10);
        QSignalSpy delivered(notifier.get(), &WebhookNotifier::delivered);
        notifier->notify(makeNotice());
        QVERIFY(delivered.wait(20000));
        QCOMPARE(m_received.size(), 2);
        const qint64 gap = m_received.at(1).atMs - m_received.at(0).atMs;
        QVERIFY2(gap >= waitMs - 1, qPrintable(QString::number(gap)));
        QCOMPARE(notifier->log().entries().at(0).retryInMs, waitMs);
    }

    void tooLongRetryAfterEndsTheDelivery()
    {
        m_script = {Answer{429, {{"Retry-After", "3600"}}, {}}, Answer{200, {}, {}}};
        auto notifier = makeNotifier({envHook(WebhookConfig::Format::Generic)}, 10);
        QSignalSpy failed(notifier.get(), &WebhookNotifier::failed);
        notifier->notify(makeNotice());
        QVERIFY(failed.wait(10000));
        QCOMPARE(m_received.size(), 1);
        QVERIFY2(failed.at(0).at(2).toString().contains(QLatin1String("asked to wait")),
                 qPrintable(failed.at(0).at(2).toString()));
    }

    void givesUpAfterMaxAttempts()
    {
        m_script = {Answer{502, {}, {}}};
        auto notifier = makeNotifier({envHook(WebhookConfig::Format::Teams)}, 10, 3);
        QSignalSpy failed(notifier.get(), &WebhookNotifier::failed);
        notifier->notify(makeNotice());
        QVERIFY(failed.wait(10000));
        QCOMPARE(m_received.size(), 3);
        QVERIFY2(failed.at(0).at(2).toString().contains(QLatin1String("gave up after 3 attempts")),
                 qPrintable(failed.at(0).at(2).toString()));
    }

    void networkErrorsAreRetried()
    {
        // A port nobody listens on any more: connection refused, every time.
        const QString url = secretUrl();
        m_server->close();
        qputenv(kEnvName, url.toUtf8());
        auto notifier = makeNotifier({envHook(WebhookConfig::Format::Generic)}, 10, 3);
        QSignalSpy failed(notifier.get(), &WebhookNotifier::failed);
        notifier->notify(makeNotice());
        QVERIFY(failed.wait(20000));
        const auto& log = notifier->log().entries();
        QCOMPARE(log.size(), 3);
        QCOMPARE(log.at(0).outcome, DeliveryAttempt::Outcome::Retrying);
        QCOMPARE(log.at(0).status, 0);
        QVERIFY2(log.at(2).detail.contains(QLatin1String("could not reach")),
                 qPrintable(log.at(2).detail));
        verifyNoSecret(QStringLiteral("the delivery log"), notifier->log().text());
    }

    void missingUrlSaysWhere_data()
    {
        QTest::addColumn<bool>("keychain");
        QTest::addColumn<QString>("words");
        QTest::newRow("unset variable") << false << QString::fromLatin1(kEnvName);
        QTest::newRow("no keychain entry") << true << QStringLiteral("alerts/nope");
    }
    void missingUrlSaysWhere()
    {
        QFETCH(bool, keychain);
        QFETCH(QString, words);
        qunsetenv(kEnvName);
        WebhookConfig hook = envHook(WebhookConfig::Format::Slack);
        if (keychain)
            hook.url = {SecretRef::Kind::Keychain, QStringLiteral("alerts/nope")};
        auto notifier = makeNotifier({hook});
        QSignalSpy failed(notifier.get(), &WebhookNotifier::failed);
        notifier->notify(makeNotice());
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(2).toString().contains(words),
                 qPrintable(failed.at(0).at(2).toString()));
        QCOMPARE(m_received.size(), 0);
    }

    void badUrlIsNeverQuoted()
    {
        qputenv(kEnvName, "ftp://hooks.example/T0SECRET/xoxSecretToken42");
        auto notifier = makeNotifier({envHook(WebhookConfig::Format::Slack)});
        QSignalSpy failed(notifier.get(), &WebhookNotifier::failed);
        notifier->notify(makeNotice());
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(2).toString().contains(QLatin1String("not an http(s) URL")),
                 qPrintable(failed.at(0).at(2).toString()));
        verifyNoSecret(QStringLiteral("the delivery log"), notifier->log().text());
    }
};

QTEST_GUILESS_MAIN(tst_WebhookNotifier)
#include "tst_webhooknotifier.moc"
