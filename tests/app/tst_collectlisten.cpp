// End to end: `inferscope collect --listen` scraped by a real Prometheus; its PromQL answers
// equal `inferscope query` over the same stored minutes.
#include "testprometheus.h"
#include "testsupport.h"

#include "core/timerange.h"
#include "emulator/emulator.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <optional>

using namespace isc;

namespace {

const QString kDeployment = QStringLiteral("gpt-4o-ptu");

// The emulator's clock runs an hour ahead: every minute the collector asks for is final on
// first read (none fills in later), so a scrape and the database at the end agree minute by
// minute.
constexpr qint64 kEmulatorAhead = 3600;

} // namespace

class tst_CollectListen : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_home;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", m_home.filePath("config"));
        env.insert("XDG_DATA_HOME", m_home.filePath("data"));
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("TST_COLLECTLISTEN_TOKEN", emu::Emulator::demoToken());
        return env;
    }

    QString writeWorkspace(const QUrl& emulator)
    {
        const QString path = m_home.filePath("ws.json");
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(QJsonDocument(
                    QJsonObject{
                        {"name", "Listen"},
                        {"connections",
                         QJsonArray{QJsonObject{
                             {"id", "east"},
                             {"kind", "azure-openai"},
                             {"managementEndpoint", emulator.toString()},
                             {"resourceId", emu::Emulator::accountResourceId()},
                             {"pollIntervalSeconds", 10},
                             {"credential", QJsonObject{{"env", "TST_COLLECTLISTEN_TOKEN"}}}}}}})
                    .toJson());
        return path;
    }

    // `inferscope query … --step 1m` over [from, to): the rows' values (the event loop runs).
    std::optional<QVector<double>> queryMinutes(const QString& db, const QStringList& extra,
                                                qint64 from, qint64 to, QString* error)
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        QSignalSpy finished(&p, &QProcess::finished);
        p.start(test::inferscopeBinary(),
                QStringList{"query", "--db", db, "--deployment", kDeployment, "--from",
                            formatIsoUtc(from), "--to", formatIsoUtc(to), "--step", "1m",
                            "--format", "json"} +
                    extra);
        if (!finished.wait(120000) || p.exitCode() != 0) {
            *error = QString::fromUtf8(p.readAllStandardError());
            return std::nullopt;
        }
        QVector<double> values;
        const QJsonArray rows =
            QJsonDocument::fromJson(p.readAllStandardOutput()).object().value("rows").toArray();
        for (const QJsonValue& row : rows)
            values.append(row.toObject().value("value").toDouble());
        return values;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!test::inferscopeBinary().isEmpty(), "INFERSCOPE_BINARY is not set");
        QVERIFY(m_home.isValid());
    }

    void prometheusAnswersEqualQuery()
    {
        emu::Emulator emulator(5);
        QString error;
        QVERIFY2(emulator.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        emulator.setClock([] { return nowUtc() + kEmulatorAhead; });
        const QString ws = writeWorkspace(emulator.baseUrl());
        QVERIFY(!ws.isEmpty());
        const QString db = m_home.filePath("listen.sqlite");

        QProcess collect;
        collect.setProcessEnvironment(environment());
        QSignalSpy finished(&collect, &QProcess::finished);
        collect.start(test::inferscopeBinary(),
                      {"collect", "--db", db, "--workspace", ws, "--backfill", "10m", "--duration",
                       "100", "--listen", "127.0.0.1:0"});
        QVERIFY(collect.waitForStarted());
        // The port it chose is in the line that logs the URL.
        QByteArray err;
        const QRegularExpression served(
            QStringLiteral("serving Prometheus metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics"));
        QRegularExpressionMatch m;
        QTRY_VERIFY2_WITH_TIMEOUT((err += collect.readAllStandardError(),
                                   m = served.match(QString::fromUtf8(err)),
                                   m.hasMatch() || collect.state() == QProcess::NotRunning),
                                  err.constData(), 60000);
        QVERIFY2(m.hasMatch(), err.constData());
        const QString target = QStringLiteral("127.0.0.1:") + m.captured(1);

        test::TestPrometheus prometheus;
        QVERIFY2(prometheus.start(target, &error), qPrintable(error));
        // Scraped, parsed, and a poll with traffic of the deployment counted.
        const QString requestsQl =
            QStringLiteral("sum(inferscope_requests_total{connection=\"east\",deployment=\"%1\"})")
                .arg(kDeployment);
        QVERIFY2(
            prometheus.waitForResult(QStringLiteral("up{job=\"inferscope\"} == 1"), 30000, &error),
            qPrintable(error + QString::fromUtf8(prometheus.log())));
        // The first counted minute (the start's) is polled once it is over: up to 70 s.
        QVERIFY2(prometheus.waitForResult(requestsQl + QStringLiteral(" > 0"), 95000, &error),
                 qPrintable(error));

        // Every answer at one instant comes from one scrape.
        const double at = QDateTime::currentMSecsSinceEpoch() / 1000.0;
        const auto scalar = [&](const QString& promql) -> std::optional<double> {
            const auto result = prometheus.query(promql, at, &error);
            if (!result || result->size() != 1)
                return std::nullopt;
            return result->at(0).toObject().value("value").toArray().at(1).toString().toDouble();
        };
        const auto newest =
            scalar("inferscope_source_newest_sample_timestamp_seconds{connection=\"east\"}");
        const auto started = scalar("inferscope_collector_start_time_seconds");
        const auto requests = scalar(requestsQl);
        const QString one =
            QStringLiteral("{connection=\"east\",deployment=\"%1\"").arg(kDeployment);
        const auto output = scalar("inferscope_output_tokens_total" + one + "}");
        const auto ptu = scalar("inferscope_ptu_utilization_ratio" + one + "}");
        const auto ttft =
            scalar("inferscope_time_to_first_token_seconds" + one + ",aggregation=\"average\"}");
        QVERIFY2(newest && started && requests && output && ptu && ttft, qPrintable(error));

        // Let collect end by itself: a clean exit, leak checks included.
        QVERIFY(finished.wait(120000) || !finished.isEmpty());
        QCOMPARE(collect.exitStatus(), QProcess::NormalExit);
        QVERIFY2(collect.exitCode() == 0, collect.readAllStandardError().constData());

        // The counters count the stored minutes from the start's minute to the newest one.
        const qint64 from = floorTo(qint64(*started), 60);
        const qint64 to = qint64(*newest) + 60;
        QVERIFY(to > from);
        const auto sum = [](const QVector<double>& v) {
            double s = 0;
            for (double x : v)
                s += x;
            return s;
        };
        auto rows = queryMinutes(db, {"--metric", "AzureOpenAIRequests"}, from, to, &error);
        QVERIFY2(rows, qPrintable(error));
        QCOMPARE(*requests, sum(*rows));
        rows = queryMinutes(db, {"--metric", "GeneratedTokens"}, from, to, &error);
        QVERIFY2(rows, qPrintable(error));
        QCOMPARE(*output, sum(*rows));
        QVERIFY(*output > 0);

        // The gauges are the newest minute's, in base units.
        rows = queryMinutes(
            db,
            {"--metric", "AzureOpenAIProvisionedManagedUtilizationV2", "--aggregation", "average"},
            qint64(*newest), qint64(*newest) + 60, &error);
        QVERIFY2(rows && rows->size() == 1, qPrintable(error));
        QCOMPARE(*ptu, rows->at(0) / 100);
        rows = queryMinutes(
            db, {"--metric", "AzureOpenAINormalizedTTFTInMS", "--aggregation", "average"},
            qint64(*newest), qint64(*newest) + 60, &error);
        QVERIFY2(rows && rows->size() == 1, qPrintable(error));
        QCOMPARE(*ttft, rows->at(0) / 1000);
        qInfo("compared %lld minutes: %.0f requests, %.0f output tokens, PTU %g, TTFT %g s",
              (to - from) / 60, *requests, *output, *ptu, *ttft);
    }

    void portInUseIsRefusedBeforeCollecting()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        const QString db = m_home.filePath("in-use.sqlite");
        QProcess p;
        p.setProcessEnvironment(environment());
        QSignalSpy finished(&p, &QProcess::finished);
        p.start(test::inferscopeBinary(), {"collect", "--db", db, "--demo", "--once", "--listen",
                                           QStringLiteral("127.0.0.1:%1").arg(taken.serverPort())});
        QVERIFY(finished.wait(120000));
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains(QStringLiteral("cannot serve metrics on 127.0.0.1:%1: the address is "
                                             "already in use")
                                  .arg(taken.serverPort())
                                  .toUtf8()),
                 err.constData());
        QVERIFY2(!err.contains("backfill"), "nothing was collected");
    }
};

QTEST_GUILESS_MAIN(tst_CollectListen)
#include "tst_collectlisten.moc"
