#include "alerttestdata.h"

#include "alerts/alertsignal.h"

#include <QMap>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

namespace {

class FakeInputs : public AlertInputs
{
public:
    std::optional<Spend> spendValue;
    QVector<Source> sourceList;
    QVector<Retirement> retirementList;

    std::optional<Spend> spend(qint64) const override { return spendValue; }
    QVector<Source> sources(qint64) const override { return sourceList; }
    QVector<Retirement> retirements(qint64) const override { return retirementList; }
};

QString instanceText(const AlertSeries& s)
{
    return s.instance;
}

} // namespace

class tst_AlertSignal : public QObject
{
    Q_OBJECT
private slots:
    void compose_data();
    void compose();
    void inputs_data();
    void inputs();
};

void tst_AlertSignal::compose_data()
{
    QTest::addColumn<QByteArray>("rule");
    QTest::addColumn<QStringList>("instances");
    const QByteArray base =
        "{\"id\": \"r\", \"metric\": \"AzureOpenAIRequests\", \"aggregation\": \"total\", "
        "\"threshold\": 1";
    auto with = [&](const char* extra) { return base + ", " + QByteArray(extra) + "}"; };
    const QString gpt4oStd = QStringLiteral("connection=demo-azure;ModelDeploymentName=gpt-4o-std");
    QTest::newRow("per deployment") << base + "}" << QStringList{gpt4oStd};
    QTest::newRow("by status") << with("\"by\": [\"StatusCode\"]")
                               << QStringList{"connection=demo-azure;StatusCode=200",
                                              "connection=demo-azure;StatusCode=429"};
    QTest::newRow("by nothing") << with("\"by\": []") << QStringList{"connection=demo-azure"};
    QTest::newRow("429s only") << with("\"labels\": [\"StatusCode=\\\"429\\\"\"]")
                               << QStringList{gpt4oStd};
    QTest::newRow("other connection") << with("\"connections\": [\"prod\"]") << QStringList();
    QTest::newRow("other deployment") << with("\"deployments\": [\"gpt-4o-ptu\"]") << QStringList();
    QTest::newRow("other aggregation")
        << QByteArray("{\"id\": \"r\", \"metric\": \"AzureOpenAIRequests\", \"threshold\": 1}")
        << QStringList();
    QTest::newRow("share of 429s")
        << with("\"labels\": [\"StatusCode=\\\"429\\\"\"], \"share\": {}") << QStringList{gpt4oStd};
}

void tst_AlertSignal::compose()
{
    QFETCH(QByteArray, rule);
    QFETCH(QStringList, instances);
    const AlertFixture f = loadAlertFixture(QStringLiteral("share-429.json"));
    const AlertRule r = alertRule(rule);
    const QVector<AlertSeries> got = composeAlertSeries(r, f.series);
    QStringList ids;
    for (const auto& s : got)
        ids << instanceText(s);
    QCOMPARE(ids, instances);
    // Each instance's minute is the sum of the raw series it groups (totals add up), and a share's
    // denominator is every series of the instance: recomputed here from the raw samples.
    for (const AlertSeries& s : got) {
        QMap<qint64, double> num, den;
        for (const SeriesSamples& raw : f.series) {
            if (!alertRuleReads(r, raw.key))
                continue;
            bool mine = true;
            for (const auto& [k, v] : s.labels) {
                if (k != connectionLabel())
                    mine = mine && labels::value(raw.key.labels, k) == v;
            }
            if (!mine)
                continue;
            const bool numerator =
                r.labels.isEmpty() ||
                labels::value(raw.key.labels, QStringLiteral("StatusCode")) == QLatin1String("429");
            for (const Sample& p : raw.samples) {
                if (numerator) {
                    num[p.ts] += p.value;
                }
                den[p.ts] += p.value;
            }
        }
        const QMap<qint64, double>& minutes = r.isShare ? den : num;
        QCOMPARE(s.points.size(), minutes.size());
        for (const AlertPoint& p : s.points) {
            QCOMPARE(p.value, num.value(p.ts));
            if (r.isShare)
                QCOMPARE(p.denominator, den.value(p.ts));
            else
                QVERIFY(std::isnan(p.denominator));
        }
    }
}

void tst_AlertSignal::inputs_data()
{
    QTest::addColumn<QByteArray>("rule");
    QTest::addColumn<QStringList>("expected"); ///< "instance = value"
    QTest::newRow("spend today")
        << QByteArray(
               "{\"id\": \"a\", \"input\": \"spendTodayPercent\", \"threshold\": 10, \"by\": []}")
        << QStringList{"budget=monthly = 5"};
    QTest::newRow("spend forecast")
        << QByteArray("{\"id\": \"a\", \"input\": \"spendForecastPercent\", \"threshold\": 100, "
                      "\"by\": []}")
        << QStringList{"budget=monthly = 110"};
    QTest::newRow("polls missed, every source")
        << QByteArray("{\"id\": \"a\", \"input\": \"pollsMissed\", \"threshold\": 3}")
        << QStringList{"connection=demo-azure = 0.5", "connection=demo-vllm = 6"};
    QTest::newRow("polls missed, one source")
        << QByteArray("{\"id\": \"a\", \"input\": \"pollsMissed\", \"threshold\": 3, "
                      "\"connections\": [\"demo-vllm\"]}")
        << QStringList{"connection=demo-vllm = 6"};
    QTest::newRow("days to retirement")
        << QByteArray("{\"id\": \"a\", \"input\": \"daysToRetirement\", \"op\": \"<=\", "
                      "\"threshold\": 60}")
        << QStringList{"connection=demo-azure;ModelDeploymentName=gpt-4o-ptu = 42",
                       "connection=demo-azure;ModelDeploymentName=old = -3"};
    QTest::newRow("a stored metric has no input")
        << QByteArray("{\"id\": \"a\", \"metric\": \"M\", \"threshold\": 1}") << QStringList();
}

void tst_AlertSignal::inputs()
{
    QFETCH(QByteArray, rule);
    QFETCH(QStringList, expected);
    const qint64 now = 1788265845; // 2026-09-01T12:30:45Z
    const qint64 today = floorTo(now, kSecondsPerDay);
    FakeInputs in;
    in.spendValue = AlertInputs::Spend{1250, 27500, 25000};
    in.sourceList = {{QStringLiteral("demo-azure"), now - 30, 60},
                     {QStringLiteral("demo-vllm"), now - 90, 15}};
    in.retirementList = {
        {QStringLiteral("demo-azure"), QStringLiteral("gpt-4o-ptu"), today + 42 * kSecondsPerDay},
        {QStringLiteral("demo-azure"), QStringLiteral("old"), today - 3 * kSecondsPerDay}};
    QStringList got;
    for (const AlertSeries& s : inputSeries(alertRule(rule), in, now)) {
        QCOMPARE(s.points.size(), 1);
        QCOMPARE(s.points.first().ts, floorTo(now, 60) - 60); // the last complete minute
        got << s.instance + QStringLiteral(" = ") + QString::number(s.points.first().value);
    }
    QCOMPARE(got, expected);
    // Without a budget there is nothing to compare.
    in.spendValue.reset();
    QVERIFY(inputSeries(
                alertRule("{\"id\": \"a\", \"input\": \"spendTodayPercent\", \"threshold\": 1}"),
                in, now)
                .isEmpty());
}

QTEST_GUILESS_MAIN(tst_AlertSignal)
#include "tst_alertsignal.moc"
