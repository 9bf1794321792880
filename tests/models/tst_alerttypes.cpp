#include "alerts/alerttypes.h"
#include "core/timerange.h"

#include <QJsonDocument>
#include <QtTest/QtTest>

using namespace isc;

namespace {

QJsonObject object(const QByteArray& json)
{
    return QJsonDocument::fromJson(json).object();
}

const QList<Label> kPtu{{QStringLiteral("connection"), QStringLiteral("demo-azure")},
                        {QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o-ptu")}};

} // namespace

class tst_AlertTypes : public QObject
{
    Q_OBJECT
private slots:
    void silenceErrors_data();
    void silenceErrors();
    void silenceMatches_data();
    void silenceMatches();
    void transitionRoundTrips_data();
    void transitionRoundTrips();
};

void tst_AlertTypes::silenceErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("id") << QByteArray("{\"endsAt\": \"2026-09-01T12:00:00Z\"}")
                        << "silences[0].id: is required";
    QTest::newRow("matcher")
        << QByteArray("{\"id\": \"s\", \"matchers\": [\"deployment=gpt\"]}")
        << "silences[0].matchers[0]: \"deployment=gpt\": the value must be in double quotes";
    QTest::newRow("start")
        << QByteArray(
               "{\"id\": \"s\", \"startsAt\": \"noon\", \"endsAt\": \"2026-09-01T12:00:00Z\"}")
        << "silences[0].startsAt: \"noon\" is not a time such as 2026-09-01T12:00:00Z";
    QTest::newRow("end") << QByteArray("{\"id\": \"s\", \"startsAt\": \"2026-09-01T12:00:00Z\"}")
                         << "silences[0].endsAt: \"\" is not a time such as 2026-09-01T12:00:00Z";
    QTest::newRow("end before start")
        << QByteArray("{\"id\": \"s\", \"startsAt\": \"2026-09-01T12:00:00Z\", \"endsAt\": "
                      "\"2026-09-01T11:00:00Z\"}")
        << "silences[0].endsAt: must be after startsAt";
}

void tst_AlertTypes::silenceErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!AlertSilence::fromJson(object(json), QStringLiteral("silences[0]"), &got));
    QCOMPARE(got, error);
}

void tst_AlertTypes::silenceMatches_data()
{
    QTest::addColumn<QString>("rule"); ///< the silence's rule, empty = any
    QTest::addColumn<QStringList>("matchers");
    QTest::addColumn<QString>("at");
    QTest::addColumn<bool>("matches");
    const QString inside = QStringLiteral("2026-09-01T12:30:00Z");
    QTest::newRow("everything") << "" << QStringList() << inside << true;
    QTest::newRow("its rule") << "ptu" << QStringList() << inside << true;
    QTest::newRow("another rule") << "ttft" << QStringList() << inside << false;
    QTest::newRow("deployment") << "" << QStringList{"ModelDeploymentName=\"gpt-4o-ptu\""} << inside
                                << true;
    QTest::newRow("label name in any case")
        << "" << QStringList{"modeldeploymentname=\"gpt-4o-ptu\""} << inside << true;
    QTest::newRow("other deployment")
        << "" << QStringList{"ModelDeploymentName=\"gpt-4o\""} << inside << false;
    QTest::newRow("regex and connection")
        << "" << QStringList{"ModelDeploymentName=~\"gpt-4o-.*\"", "connection!=\"prod\""} << inside
        << true;
    QTest::newRow("absent label") << "" << QStringList{"quota=\"x\""} << inside << false;
    QTest::newRow("at the start") << "" << QStringList() << "2026-09-01T12:00:00Z" << true;
    QTest::newRow("at the end (exclusive)")
        << "" << QStringList() << "2026-09-01T13:00:00Z" << false;
    QTest::newRow("before") << "" << QStringList() << "2026-09-01T11:59:59Z" << false;
}

void tst_AlertTypes::silenceMatches()
{
    QFETCH(QString, rule);
    QFETCH(QStringList, matchers);
    QFETCH(QString, at);
    QFETCH(bool, matches);
    QJsonObject json{{"id", "s"},
                     {"matchers", QJsonArray::fromStringList(matchers)},
                     {"startsAt", "2026-09-01T12:00:00Z"},
                     {"endsAt", "2026-09-01T13:00:00Z"}};
    if (!rule.isEmpty())
        json.insert(QStringLiteral("rule"), rule);
    QString error;
    const auto silence = AlertSilence::fromJson(json, QStringLiteral("s"), &error);
    QVERIFY2(silence, qPrintable(error));
    QCOMPARE(silence->matches(QStringLiteral("ptu"), kPtu, *parseIsoUtc(at)), matches);
    // What it writes reads back the same.
    const auto again = AlertSilence::fromJson(silence->toJson(), QStringLiteral("s"), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->toJson(), silence->toJson());
}

void tst_AlertTypes::transitionRoundTrips_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("notify");
    QTest::addColumn<QString>("suppressed");
    QTest::newRow("pending") << int(AlertTransition::Kind::Pending) << 91.5 << false << QString();
    QTest::newRow("firing") << int(AlertTransition::Kind::Firing) << 95.0 << true << QString();
    QTest::newRow("resolved, rate limited")
        << int(AlertTransition::Kind::Resolved) << 80.0 << false << "rate limit: at most 3 per 1h";
    QTest::newRow("cancelled without a value")
        << int(AlertTransition::Kind::Cancelled) << qQNaN() << false << QString();
}

void tst_AlertTypes::transitionRoundTrips()
{
    QFETCH(int, kind);
    QFETCH(double, value);
    QFETCH(bool, notify);
    QFETCH(QString, suppressed);
    AlertTransition t;
    t.ruleId = QStringLiteral("ptu");
    t.instance = labels::canonical(kPtu);
    t.labels = kPtu;
    t.kind = AlertTransition::Kind(kind);
    t.at = 1788271500;
    t.episodeStart = 1788271200;
    t.value = value;
    t.threshold = 90;
    t.emittedAt = 1788271560;
    t.notify = notify;
    t.suppressed = suppressed;
    QString error;
    const auto again = AlertTransition::fromJson(
        QJsonDocument::fromJson(QJsonDocument(t.toJson()).toJson()).object(), &error);
    QVERIFY2(again, qPrintable(error));
    QVERIFY(*again == t);
    QCOMPARE(again->key(),
             QStringLiteral("ptu|%1|%2|1788271500").arg(t.instance, alertTransitionName(t.kind)));
}

QTEST_GUILESS_MAIN(tst_AlertTypes)
#include "tst_alerttypes.moc"
