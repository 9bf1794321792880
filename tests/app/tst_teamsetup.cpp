// The team set-up of README, end to end on one machine: one PostgreSQL history, a headless
// collector serving /metrics and a standby beside it, two windows opened from two HOMEs as
// viewers, and a Prometheus scraping both collectors. Killing the writer lets the standby take
// over; the windows then name the new collector; Prometheus' numbers equal the database's.
#include "testpostgres.h"
#include "testprometheus.h"
#include "testsupport.h"

#include "core/timerange.h"
#include "emulator/emulator.h"

#include <QDateTime>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <optional>

using namespace isc;

namespace {

const QString kDeployment = QStringLiteral("gpt-4o-ptu");
constexpr int kPollSeconds = 10;
// Every minute the collectors ask for is final on first read (the emulator runs an hour ahead),
// so a scrape and the database agree minute by minute.
constexpr qint64 kEmulatorAhead = 3600;

} // namespace

class tst_TeamSetup : public QObject
{
    Q_OBJECT

    test::TestPostgres m_pg;
    QTemporaryDir m_dir;
    QString m_db;
    QString m_uri;

    /// The environment of a process whose home is `home` (a folder of m_dir).
    QProcessEnvironment environment(const QString& home) const
    {
        const QString root = m_dir.filePath(home);
        QDir().mkpath(root);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), root);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), root + QStringLiteral("/.config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), root + QStringLiteral("/.local/share"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), root + QStringLiteral("/.cache"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("TST_TEAMSETUP_TOKEN"), emu::Emulator::demoToken());
        return env;
    }

    QString writeWorkspace(const QUrl& emulator)
    {
        const QString ws = m_dir.filePath(QStringLiteral("team.json"));
        QFile f(ws);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(
            QJsonDocument(
                QJsonObject{{"name", "Team"},
                            {"connections",
                             QJsonArray{QJsonObject{
                                 {"id", "east"},
                                 {"kind", "azure-openai"},
                                 {"managementEndpoint", emulator.toString()},
                                 {"resourceId", emu::Emulator::accountResourceId()},
                                 {"pollIntervalSeconds", kPollSeconds},
                                 {"credential", QJsonObject{{"env", "TST_TEAMSETUP_TOKEN"}}}}}}})
                .toJson());
        return ws;
    }

    /// A headless collector (home "collector-N") serving /metrics on a free loopback port.
    std::unique_ptr<QProcess> startCollector(const QString& ws, const QString& home)
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(environment(home));
        p->start(test::inferscopeBinary(),
                 {QStringLiteral("collect"), QStringLiteral("--db"), m_uri,
                  QStringLiteral("--workspace"), ws, QStringLiteral("--backfill"),
                  QStringLiteral("10m"), QStringLiteral("--duration"), QStringLiteral("900"),
                  QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        return p;
    }

    /// The "127.0.0.1:PORT" collector `p` serves on (from the line that logs its URL); what it
    /// wrote to stderr meanwhile is added to `err`.
    static QString servedTarget(QProcess* p, QByteArray* err)
    {
        const QRegularExpression served(
            QStringLiteral("serving Prometheus metrics at http://(127\\.0\\.0\\.1:\\d+)/metrics"));
        QRegularExpressionMatch m;
        const bool seen = QTest::qWaitFor(
            [&] {
                *err += p->readAllStandardError();
                m = served.match(QString::fromUtf8(*err));
                return m.hasMatch() || p->state() == QProcess::NotRunning;
            },
            60000);
        return seen && m.hasMatch() ? m.captured(1) : QString();
    }

    QString one(const QString& sql) const
    {
        const QStringList rows = m_pg.sql(m_db, sql);
        return rows.isEmpty() ? QString() : rows.first();
    }

    /// The holder of source "east" in the writers table ("HOST (pid N)"), empty when none.
    QString writer() const
    {
        return one(QStringLiteral("SELECT holder FROM inferscope.writers WHERE source = 'east' "
                                  "AND last_poll > 0"));
    }

    /// Opens a window from `home` on the shared database, as a user would, and captures the
    /// Overview; returns the status bar's words the window showed (from the PNG's text).
    QString openWindow(const QString& ws, const QString& home, QString* error)
    {
        const QString png = m_dir.filePath(home + QStringLiteral(".png"));
        QFile::remove(png);
        QProcess window;
        window.setProcessEnvironment(environment(home));
        QSignalSpy finished(&window, &QProcess::finished);
        window.start(test::inferscopeBinary(),
                     {QStringLiteral("--workspace"), ws, QStringLiteral("--db"), m_uri,
                      QStringLiteral("--screenshot"), png, QStringLiteral("--page"),
                      QStringLiteral("overview")});
        if (!finished.wait(180000) || window.exitCode() != 0) {
            *error = QString::fromUtf8(window.readAllStandardError());
            return {};
        }
        const QImage image(png);
        if (image.isNull()) {
            *error = QStringLiteral("no PNG at %1").arg(png);
            return {};
        }
        return image.text(QStringLiteral("Description"));
    }

    /// `inferscope query` of one minute of a gauge of kDeployment, from `home`.
    std::optional<double> queryMinute(const QString& metric, qint64 minute, QString* error)
    {
        QProcess p;
        p.setProcessEnvironment(environment(QStringLiteral("query")));
        QSignalSpy finished(&p, &QProcess::finished);
        p.start(test::inferscopeBinary(),
                {"query", "--db", m_uri, "--deployment", kDeployment, "--metric", metric,
                 "--aggregation", "average", "--from", formatIsoUtc(minute), "--to",
                 formatIsoUtc(minute + 60), "--step", "1m", "--format", "json"});
        if (!finished.wait(120000) || p.exitCode() != 0) {
            *error = QString::fromUtf8(p.readAllStandardError());
            return std::nullopt;
        }
        const QJsonArray rows =
            QJsonDocument::fromJson(p.readAllStandardOutput()).object().value("rows").toArray();
        if (rows.size() != 1) {
            *error = QStringLiteral("%1 rows for one minute").arg(rows.size());
            return std::nullopt;
        }
        return rows.at(0).toObject().value("value").toDouble();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!test::inferscopeBinary().isEmpty(), "INFERSCOPE_BINARY is not set");
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_pg.start(&error), qPrintable(error));
        m_uri = m_pg.createDatabase(&error);
        QVERIFY2(!m_uri.isEmpty(), qPrintable(error));
        m_db = m_uri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
    }

    void twoWindowsOneCollectorAndAStandby()
    {
        emu::Emulator emulator(7);
        QString error;
        QVERIFY2(emulator.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        emulator.setClock([] { return nowUtc() + kEmulatorAhead; });
        const QString ws = writeWorkspace(emulator.baseUrl());
        QVERIFY(!ws.isEmpty());
        const QString host = QSysInfo::machineHostName();

        // The collector, then its standby, each serving /metrics.
        auto first = startCollector(ws, QStringLiteral("collector-1"));
        QVERIFY(first->waitForStarted());
        const QString firstPid = QString::number(first->processId());
        QByteArray firstErr;
        const QString firstTarget = servedTarget(first.get(), &firstErr);
        QVERIFY2(!firstTarget.isEmpty(), firstErr.constData());
        QTRY_VERIFY_WITH_TIMEOUT(writer().contains(QStringLiteral("(pid %1)").arg(firstPid)),
                                 120000);

        auto second = startCollector(ws, QStringLiteral("collector-2"));
        QVERIFY(second->waitForStarted());
        const QString secondPid = QString::number(second->processId());
        QByteArray secondErr;
        const QString secondTarget = servedTarget(second.get(), &secondErr);
        QVERIFY2(!secondTarget.isEmpty(), secondErr.constData());
        QTRY_VERIFY_WITH_TIMEOUT(
            (secondErr += second->readAllStandardError()).contains("standing by, collected by"),
            60000);

        test::TestPrometheus prometheus;
        QVERIFY2(prometheus.start(QStringList{firstTarget, secondTarget}, &error),
                 qPrintable(error));

        // Two engineers open their windows, each from a HOME of their own: both are viewers,
        // naming the collector; neither takes the writer's role.
        for (const QString& home : QStringList{QStringLiteral("alice"), QStringLiteral("bob")}) {
            const QString status = openWindow(ws, home, &error);
            QVERIFY2(!status.isEmpty(), qPrintable(error));
            QVERIFY2(
                status.contains(QStringLiteral("collected by %1 (pid %2)").arg(host, firstPid)),
                qPrintable(home + QStringLiteral(": ") + status));
            QVERIFY2(writer().contains(QStringLiteral("(pid %1)").arg(firstPid)),
                     qPrintable(writer()));
        }

        // The collector dies without a goodbye; the standby takes over.
        const qint64 killedAt = nowUtc();
        first->kill();
        QVERIFY(first->waitForFinished());
        QTRY_VERIFY_WITH_TIMEOUT(writer().contains(QStringLiteral("(pid %1)").arg(secondPid)),
                                 2 * kPollSeconds * 1000);
        QTRY_VERIFY_WITH_TIMEOUT(
            one(QStringLiteral("SELECT last_poll FROM inferscope.writers")).toLongLong() >=
                killedAt,
            3 * kPollSeconds * 1000);

        // A window opened now names the new collector.
        const QString status = openWindow(ws, QStringLiteral("alice"), &error);
        QVERIFY2(status.contains(QStringLiteral("collected by %1 (pid %2)").arg(host, secondPid)),
                 qPrintable(status + error));

        // Prometheus, scraping the new writer, shows the database's numbers for its newest
        // minute.
        const QString instance =
            QStringLiteral("{instance=\"%1\",connection=\"east\"").arg(secondTarget);
        const QString newestQl =
            QStringLiteral("inferscope_source_newest_sample_timestamp_seconds") + instance +
            QStringLiteral("} >= %1").arg(killedAt - 120);
        QVERIFY2(prometheus.waitForResult(newestQl, 60000, &error),
                 qPrintable(error + QString::fromUtf8(prometheus.log())));
        const double at = QDateTime::currentMSecsSinceEpoch() / 1000.0;
        const auto scalar = [&](const QString& promql) -> std::optional<double> {
            const auto result = prometheus.query(promql, at, &error);
            if (!result || result->size() != 1)
                return std::nullopt;
            return result->at(0).toObject().value("value").toArray().at(1).toString().toDouble();
        };
        const auto newest = scalar(QStringLiteral("inferscope_source_newest_sample_timestamp_"
                                                  "seconds") +
                                   instance + QStringLiteral("}"));
        const QString series = instance + QStringLiteral(",deployment=\"%1\"").arg(kDeployment);
        const auto ptu = scalar(QStringLiteral("inferscope_ptu_utilization_ratio") + series +
                                QStringLiteral("}"));
        const auto ttft = scalar(QStringLiteral("inferscope_time_to_first_token_seconds") + series +
                                 QStringLiteral(",aggregation=\"average\"}"));
        QVERIFY2(newest && ptu && ttft, qPrintable(error));
        const auto storedPtu = queryMinute(
            QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2"), qint64(*newest), &error);
        QVERIFY2(storedPtu, qPrintable(error));
        QCOMPARE(*ptu, *storedPtu / 100);
        const auto storedTtft =
            queryMinute(QStringLiteral("AzureOpenAINormalizedTTFTInMS"), qint64(*newest), &error);
        QVERIFY2(storedTtft, qPrintable(error));
        QCOMPARE(*ttft, *storedTtft / 1000);

        second->kill();
        QVERIFY(second->waitForFinished());

        // One history: every minute once, none missing across the takeover, no gap recorded.
        const QString holes = one(QStringLiteral(
            "SELECT count(*) FROM (SELECT series_id, max(ts) - min(ts) + 60 AS span, count(*) AS "
            "n FROM inferscope.samples s JOIN inferscope.series r ON r.id = s.series_id WHERE "
            "r.metric = 'AzureOpenAIRequests' GROUP BY series_id) x WHERE n * 60 <> span"));
        QCOMPARE(holes, QStringLiteral("0"));
        QCOMPARE(one(QStringLiteral("SELECT count(*) FROM inferscope.gaps")), QStringLiteral("0"));
        qInfo("two viewers, one collector, takeover by the standby; PTU %g, TTFT %g s at %s", *ptu,
              *ttft, qPrintable(formatIsoUtc(qint64(*newest))));
    }
};

QTEST_GUILESS_MAIN(tst_TeamSetup)
#include "tst_teamsetup.moc"
