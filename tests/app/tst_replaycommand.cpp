#include "../models/replaytestdata.h"
#include "commandline.h"
#include "commands/replaycommand.h"
#include "routing/routingpolicy.h"
#include "store/samplestore.h"

#include "core/workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;
using namespace isc::app;

namespace {

const QString kSource = QStringLiteral("demo-azure");
constexpr int kMinutes = 1440;

} // namespace

class tst_ReplayCommand : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;

    QString writePolicy(const QString& name, const RoutingPolicy& p)
    {
        const QString path = m_dir.filePath(name);
        QString error;
        if (!p.save(path, &error))
            qWarning("%s", qPrintable(error));
        return path;
    }

    QJsonObject runJson(const QStringList& args, int* code, QString* error,
                        QStringList* warnings = nullptr)
    {
        QString parseError;
        const auto inv = parseCommandLine(args, &parseError);
        if (!inv) {
            *code = -1;
            *error = parseError;
            return {};
        }
        QByteArray out;
        QStringList w;
        *code = replayReport(*inv, &out, &w, error);
        if (warnings)
            *warnings = w;
        return QJsonDocument::fromJson(out).object();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("history.sqlite"));
        // One day of the demo fleet, stored as the Azure source stores it.
        const emu::TrafficModel tm(42);
        SampleStore store;
        QVERIFY(store.open(m_db).result().usable());
        store.saveDeployments(kSource, test::fleetInventory(tm, kSource)).waitForFinished();
        const WriteReport w =
            store.write(test::batchFromModel(tm, kSource, test::kReplayTuesday, kMinutes)).result();
        QVERIFY2(w.ok, qPrintable(w.error));
    }

    void parses_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error"); // empty = accepted
        QTest::newRow("minimal") << QStringList{"replay", "--db", "x", "--policy", "p.json"} << "";
        QTest::newRow("all") << QStringList{"replay", "--db",        "x",     "--policy",
                                            "p",      "--last",      "7d",    "--format",
                                            "json",   "--workspace", "w.json"}
                             << "";
        QTest::newRow("no policy")
            << QStringList{"replay", "--db", "x"} << "replay needs --db DB and --policy FILE";
        QTest::newRow("bad format")
            << QStringList{"replay", "--db", "x", "--policy", "p", "--format", "csv"}
            << "--format: \"csv\" is not text or json";
        QTest::newRow("bad last")
            << QStringList{"replay", "--db", "x", "--policy", "p", "--last", "soon"}
            << "--last: \"soon\" is not a duration (examples: 90s, 5m, 24h, 30d)";
        QTest::newRow("last and from")
            << QStringList{"replay", "--db",   "x",          "--policy", "p",         "--last",
                           "1d",     "--from", "2026-09-01", "--to",     "2026-09-02"}
            << "replay takes --last DURATION or --from ISO --to ISO";
    }
    void parses()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        QString got;
        const auto inv = parseCommandLine(args, &got);
        QCOMPARE(got, error);
        QCOMPARE(inv.has_value(), error.isEmpty());
        if (inv) {
            QCOMPARE(inv->command, Invocation::Command::Replay);
            QVERIFY(inv->last == 30 * 86400 || args.contains(QStringLiteral("--last")));
        }
    }

    void identityEqualsActual()
    {
        RoutingPolicy identity = RoutingPolicy::identity();
        identity.name = QStringLiteral("as recorded");
        int code = 0;
        QString error;
        const QJsonObject doc =
            runJson({"replay", "--db", m_db, "--policy", writePolicy("identity.json", identity),
                     "--last", "1d", "--format", "json"},
                    &code, &error);
        QVERIFY2(code == 0, qPrintable(error));
        QCOMPARE(doc.value(QLatin1String("minutes")).toInt(), kMinutes);
        QCOMPARE(doc.value(QLatin1String("deployments")).toInt(), 5);
        QCOMPARE(doc.value(QLatin1String("from")).toString(), formatIsoUtc(test::kReplayTuesday));
        const QJsonObject actual = doc.value(QLatin1String("actual")).toObject();
        const QJsonObject replayed = doc.value(QLatin1String("replayed")).toObject();
        const double a = actual.value(QLatin1String("total"))
                             .toObject()
                             .value(QLatin1String("costUsd"))
                             .toDouble();
        const double r = replayed.value(QLatin1String("total"))
                             .toObject()
                             .value(QLatin1String("costUsd"))
                             .toDouble();
        QVERIFY(a > 0);
        QVERIFY2(std::abs(a - r) <= 1e-5, qPrintable(QStringLiteral("%1 vs %2").arg(a).arg(r)));
        // The store round trip keeps the recorded 429s and spillover.
        const emu::TrafficModel tm(42);
        double recorded429 = 0, spill = 0;
        for (int m = 0; m < kMinutes; ++m) {
            for (const emu::MinuteTraffic& t : tm.atAll(test::kReplayTuesday + 60LL * m)) {
                recorded429 += t.requests429;
                spill += t.spilloverRequests;
            }
        }
        const QJsonObject total = actual.value(QLatin1String("total")).toObject();
        QCOMPARE(total.value(QLatin1String("requests429")).toDouble(), recorded429);
        QCOMPARE(total.value(QLatin1String("spilloverIn")).toDouble(), spill);
        QCOMPARE(replayed.value(QLatin1String("policy")).toString(), QStringLiteral("as recorded"));
    }

    void cheaperPolicyCostsLess()
    {
        RoutingPolicy p;
        p.name = QStringLiteral("mini for all");
        RoutingRule all;
        all.target = QStringLiteral("gpt-4o-mini");
        RoutingRule never; // unreachable after the catch-all: a warning, not an error
        never.target = QStringLiteral("gpt-4o-std");
        never.when.maxPromptTokens = 10;
        p.rules << all << never;
        int code = 0;
        QString error;
        QStringList warnings;
        const QJsonObject doc = runJson(
            {"replay", "--db", m_db, "--policy", writePolicy("mini.json", p), "--format", "json"},
            &code, &error, &warnings);
        QVERIFY2(code == 0, qPrintable(error));
        QCOMPARE(warnings.size(), 1);
        QVERIFY2(warnings[0].contains(QLatin1String("unreachable")), qPrintable(warnings[0]));
        const auto cost = [&](const char* which) {
            return doc.value(QLatin1String(which))
                .toObject()
                .value(QLatin1String("total"))
                .toObject()
                .value(QLatin1String("costUsd"))
                .toDouble();
        };
        QVERIFY(cost("replayed") < cost("actual"));
    }

    void unknownTargetRefused()
    {
        RoutingPolicy p;
        p.fallbackTarget = QStringLiteral("gpt-5-turbo");
        int code = 0;
        QString error;
        runJson({"replay", "--db", m_db, "--policy", writePolicy("bad.json", p)}, &code, &error);
        QCOMPARE(code, 2);
        QVERIFY2(error.contains(QLatin1String("\"gpt-5-turbo\", which is not a known deployment")),
                 qPrintable(error));
    }

    void textReport()
    {
        int code = 0;
        QString error;
        const auto inv = parseCommandLine(
            {"replay", "--db", m_db, "--policy", writePolicy("id.json", RoutingPolicy::identity())},
            &error);
        QVERIFY(inv);
        QByteArray out;
        QStringList warnings;
        code = replayReport(*inv, &out, &warnings, &error);
        QVERIFY2(code == 0, qPrintable(error));
        QVERIFY2(out.contains("Cost avoided vs baseline"), out.constData());
        QVERIFY(out.contains("provisioned"));
        QVERIFY(out.contains("Prices: "));
    }

    // A local server takes at most its busiest recorded minute: the report says where the rest
    // went, in words and in the JSON.
    void localServerCapInTheReport()
    {
        const QString db = m_dir.filePath(QStringLiteral("local.sqlite"));
        const TimeRange hour{test::kReplayTuesday, test::kReplayTuesday + 3600};
        {
            const emu::TrafficModel tm(42);
            SampleStore store;
            QVERIFY(store.open(db).result().usable());
            store.saveDeployments(kSource, test::fleetInventory(tm, kSource)).waitForFinished();
            QVERIFY(store.write(test::batchFromModel(tm, kSource, hour.from, 60)).result().ok);
            PollBatch b; // a vLLM server: 2 requests of 500 + 100 tokens a minute
            b.source = QStringLiteral("vllm");
            b.window = hour;
            const QString labels = labels::canonical(
                {{QStringLiteral("ModelDeploymentName"), QStringLiteral("llama")}});
            for (const auto& [metric, value] :
                 {std::pair{"Requests", 2.0}, std::pair{"InputTokens", 1000.0},
                  std::pair{"OutputTokens", 200.0}}) {
                SeriesSamples series{
                    {b.source, QLatin1String(metric), QStringLiteral("total"), labels},
                    QStringLiteral("Count"),
                    {}};
                for (int m = 0; m < 60; ++m)
                    series.samples.append({hour.from + 60LL * m, value});
                b.series.append(series);
            }
            QVERIFY(store.write(b).result().ok);
        }
        Workspace ws;
        ws.name = QStringLiteral("local");
        Connection vllm;
        vllm.id = QStringLiteral("vllm");
        vllm.kind = QStringLiteral("prometheus");
        vllm.endpoint = QUrl(QStringLiteral("http://127.0.0.1:8000/metrics"));
        ws.connections = {vllm};
        const QString wsPath = m_dir.filePath(QStringLiteral("local-ws.json"));
        QString error;
        QVERIFY2(ws.save(wsPath, &error), qPrintable(error));
        RoutingPolicy p;
        p.name = QStringLiteral("mini to vLLM");
        RoutingRule local;
        local.when.tags = QStringList{QStringLiteral("gpt-4o-mini")};
        local.target = QStringLiteral("vllm/llama");
        p.rules = {local};
        const QString policyPath = writePolicy(QStringLiteral("local.json"), p);
        const QString from = formatIsoUtc(hour.from), to = formatIsoUtc(hour.to);

        auto inv = parseCommandLine({"replay", "--db", db, "--policy", policyPath, "--workspace",
                                     wsPath, "--from", from, "--to", to},
                                    &error);
        QVERIFY2(inv, qPrintable(error));
        QByteArray out;
        QStringList warnings;
        QVERIFY2(replayReport(*inv, &out, &warnings, &error) == 0, qPrintable(error));
        QVERIFY2(out.contains("Local servers (capped at their busiest recorded minute):\n"
                              "  llama capped at 1,200 tokens/min (its busiest recorded minute): "),
                 out.constData());
        QVERIFY2(out.contains("requests spilled to gpt-4o-mini"), out.constData());

        int code = 0;
        const QJsonObject doc =
            runJson({"replay", "--db", db, "--policy", policyPath, "--workspace", wsPath, "--from",
                     from, "--to", to, "--format", "json"},
                    &code, &error);
        QVERIFY2(code == 0, qPrintable(error));
        const QJsonArray caps = doc.value(QLatin1String("replayed"))
                                    .toObject()
                                    .value(QLatin1String("localCaps"))
                                    .toArray();
        QCOMPARE(caps.size(), 1);
        const QJsonObject cap = caps.first().toObject();
        QCOMPARE(cap.value(QLatin1String("target")).toString(), QStringLiteral("vllm/llama"));
        QCOMPARE(cap.value(QLatin1String("capTokensPerMinute")).toDouble(), 1200.0);
        QVERIFY(cap.value(QLatin1String("cappedRequests")).toDouble() > 0);
        QCOMPARE(cap.value(QLatin1String("spilledTo"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("target")),
                 QStringLiteral("demo-azure/gpt-4o-mini"));
    }

    void missingDatabase()
    {
        int code = 0;
        QString error;
        runJson({"replay", "--db", m_dir.filePath(QStringLiteral("none.sqlite")), "--policy",
                 writePolicy("p.json", RoutingPolicy::identity())},
                &code, &error);
        QCOMPARE(code, 1);
        QVERIFY(error.startsWith(QLatin1String("no database at")));
    }
};

QTEST_GUILESS_MAIN(tst_ReplayCommand)
#include "tst_replaycommand.moc"
