#include "routing/policyvalidator.h"
#include "routing/routingpolicy.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

RoutingPolicy fullPolicy()
{
    RoutingPolicy p;
    p.name = QStringLiteral("cheap first");
    RoutingRule r;
    r.name = QStringLiteral("everything");
    r.target = QStringLiteral("demo/llama");
    r.when.minPromptTokens = 10;
    r.when.maxPromptTokens = 1000;
    r.when.models = QStringList{QStringLiteral("gpt-4o")};
    r.when.tags = QStringList{QStringLiteral("chat"), QStringLiteral("eu")};
    r.when.fromMinute = 22 * 60 + 30;
    r.when.toMinute = 6 * 60;
    r.when.utilizationTarget = QStringLiteral("gpt-4o-ptu");
    r.when.utilizationAbovePct = 90;
    r.when.healthTarget = QStringLiteral("gpt-4o-std");
    r.when.errorRateAbovePct = 5.5;
    p.rules << r;
    RoutingRule plain;
    plain.target = QStringLiteral("gpt-4o-std");
    p.rules << plain;
    p.fallbackTarget = QStringLiteral("gpt-4o-mini");
    return p;
}

} // namespace

class tst_RoutingPolicy : public QObject
{
    Q_OBJECT
private slots:
    // The demo workspace's policy names real demo targets and has nothing to flag.
    void demoDefault()
    {
        const RoutingPolicy p = RoutingPolicy::demoDefault();
        QCOMPARE(p.rules.size(), 3);
        QCOMPARE(p.fallbackTarget, RoutingPolicy::kOrigin);
        QString error;
        const auto back = RoutingPolicy::fromJsonObject(p.toJsonObject(), &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        QCOMPARE(*back, p);
        const QStringList demoTargets{QStringLiteral("gpt-4o-ptu"), QStringLiteral("gpt-4o-std"),
                                      QStringLiteral("gpt-4o-mini"),
                                      QStringLiteral("demo-vllm/meta-llama/Llama-3.1-8B-Instruct")};
        QCOMPARE(PolicyValidator(demoTargets).validate(p), QVector<PolicyIssue>{});
    }

    void roundTrip()
    {
        const RoutingPolicy p = fullPolicy();
        QString error;
        const auto back = RoutingPolicy::fromJson(p.toJson(), &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        QCOMPARE(back->toJson(), p.toJson());
        QVERIFY(*back == p);
        QCOMPARE(back->targets(), (QStringList{"demo/llama", "gpt-4o-std", "gpt-4o-mini"}));
    }

    void fileRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("policy.json"));
        QString error;
        QVERIFY2(fullPolicy().save(path, &error), qPrintable(error));
        const auto back = RoutingPolicy::load(path, &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        QVERIFY(*back == fullPolicy());
        QVERIFY(!RoutingPolicy::load(dir.filePath(QStringLiteral("missing.json")), &error));
        QVERIFY(error.contains(QLatin1String("missing.json")));
    }

    void defaultsToIdentity()
    {
        QString error;
        const auto p = RoutingPolicy::fromJson("{}", &error);
        QVERIFY(p.has_value());
        QVERIFY(p->rules.isEmpty());
        QCOMPARE(p->fallbackTarget, RoutingPolicy::kOrigin);
        QCOMPARE(RoutingPolicy::identity().fallbackTarget, RoutingPolicy::kOrigin);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("{") << "not a JSON object";
        QTest::newRow("rules not a list") << QByteArray("{\"rules\": 3}") << "must be a list";
        QTest::newRow("no target") << QByteArray("{\"rules\": [{\"name\": \"x\"}]}")
                                   << "Rule 1 (\"x\") of the routing policy needs a \"target\"";
        QTest::newRow("bad time")
            << QByteArray("{\"rules\": [{\"target\": \"a\", \"when\": {\"timeOfDay\": {\"from\": "
                          "\"25:00\", \"to\": \"06:00\"}}}]}")
            << "Rule 1 of the routing policy has an invalid timeOfDay";
        QTest::newRow("negative tokens")
            << QByteArray("{\"rules\": [{\"target\": \"a\", \"when\": {\"promptTokens\": {\"min\": "
                          "-5}}}]}")
            << "invalid promptTokens";
        QTest::newRow("utilization without target")
            << QByteArray("{\"rules\": [{\"target\": \"a\", \"when\": {\"utilizationAbove\": "
                          "{\"percent\": 90}}}]}")
            << "invalid utilizationAbove";
        QTest::newRow("models not strings")
            << QByteArray("{\"rules\": [{\"target\": \"a\", \"when\": {\"models\": [1]}}]}")
            << "invalid models";
        QTest::newRow("fallback not a string") << QByteArray("{\"fallback\": 1}") << "fallback";
    }
    void rejects()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!RoutingPolicy::fromJson(json, &error).has_value());
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    // The fuzzer's input (tests/data/routing/fuzz-huge-hour.json): refused in words.
    void fuzzedPolicyIsRefused()
    {
        QFile f(QFINDTESTDATA("../data/routing/fuzz-huge-hour.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QString error;
        QVERIFY(!RoutingPolicy::fromJson(f.readAll(), &error).has_value());
        QVERIFY2(error.contains(QStringLiteral("timeOfDay")), qPrintable(error));
    }

    void minuteOfDay_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("minute");
        QTest::newRow("midnight") << "00:00" << 0;
        QTest::newRow("end of day") << "24:00" << 1440;
        QTest::newRow("short hour") << "6:05" << 365;
        QTest::newRow("past end") << "24:01" << -1;
        QTest::newRow("minutes 60") << "10:60" << -1;
        QTest::newRow("no colon") << "1000" << -1;
        QTest::newRow("one digit minutes") << "10:5" << -1;
        // Found by fuzz_routingpolicy: hours * 60 overflowed an int (undefined behaviour).
        QTest::newRow("huge hour") << "794885210:00" << -1;
        QTest::newRow("hour past a day") << "25:00" << -1;
    }
    void minuteOfDay()
    {
        QFETCH(QString, text);
        QFETCH(int, minute);
        const auto m = parseMinuteOfDay(text);
        QCOMPARE(m.value_or(-1), minute);
        if (m && minute < 1440)
            QCOMPARE(parseMinuteOfDay(formatMinuteOfDay(*m)).value_or(-1), minute);
    }
};

QTEST_APPLESS_MAIN(tst_RoutingPolicy)
#include "tst_routingpolicy.moc"
