#include "core/labels.h"
#include "itemmodels/kpimodel.h"
#include "store/samplestore.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>
#include <functional>

using namespace isc;

namespace {

constexpr qint64 kHour = 3600;

SeriesSamples series(const QString& metric, const QString& aggregation, const QList<Label>& labels,
                     qint64 from, qint64 to, const std::function<double(qint64)>& value)
{
    SeriesSamples s;
    s.key = {QStringLiteral("demo"), metric, aggregation, labels::canonical(labels)};
    for (qint64 ts = from; ts < to; ts += 60) {
        const double v = value(ts);
        if (!std::isnan(v))
            s.samples.push_back({ts, v});
    }
    return s;
}

QList<Label> requestLabels(const QString& status, bool spill)
{
    return {
        {QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o-ptu")},
        {QStringLiteral("StatusCode"), status},
        {QStringLiteral("IsSpillover"), spill ? QStringLiteral("True") : QStringLiteral("False")}};
}

const QList<Label> kPtu = {{QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o-ptu")}};

} // namespace

class tst_KpiModel : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SampleStore* m_store = nullptr;
    qint64 m_t0 = 0; // data: [t0 - 2 h, t0); the current hour is [t0 - 1 h, t0)

    void load(KpiModel& model, TimeRange range)
    {
        QSignalSpy updated(&model, &KpiModel::updated);
        model.setTimeRange(range);
        QVERIFY(updated.wait(5000));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = new SampleStore(this);
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("kpi.sqlite"))).result().usable());
        m_t0 = floorTo(nowUtc(), kHour) - kHour;
        const qint64 from = m_t0 - 2 * kHour, cur = m_t0 - kHour;
        const double nan = std::nan("");
        auto inCur = [cur](qint64 ts) { return ts >= cur; };
        PollBatch b;
        b.source = QStringLiteral("demo");
        b.window = {from, m_t0};
        const QString req = QStringLiteral("AzureOpenAIRequests");
        const QString total = QStringLiteral("total"), avg = QStringLiteral("average");
        b.series = {
            series(req, total, requestLabels("200", false), from, m_t0,
                   [&](qint64 ts) { return inCur(ts) ? 90.0 : 60.0; }),
            series(req, total, requestLabels("429", false), from, m_t0,
                   [&](qint64 ts) { return inCur(ts) ? 10.0 : nan; }),
            series(QStringLiteral("ProcessedPromptTokens"), total, kPtu, from, m_t0,
                   [&](qint64 ts) { return inCur(ts) ? 4000.0 : 2000.0; }),
            series(QStringLiteral("GeneratedTokens"), total, kPtu, from, m_t0,
                   [](qint64) { return 1000.0; }),
            series(QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2"), avg, kPtu, from,
                   m_t0, [&](qint64 ts) { return ts == m_t0 - 60 ? 104.0 : 80.0; }),
            series(QStringLiteral("AzureOpenAINormalizedTTFTInMS"), avg, kPtu, from, m_t0,
                   [&](qint64 ts) { return inCur(ts) ? 300.0 : 400.0; }),
        };
        QVERIFY(m_store->write(b).result().ok);
    }

    void modelTester()
    {
        KpiModel model(m_store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), int(KpiModel::KpiCount));
        load(model, {m_t0 - 6 * kHour, m_t0});
        QVERIFY(model.isLoaded());
        QVERIFY(!model.roleNames().value(KpiModel::TrendTextRole).isEmpty());
    }

    void values_data()
    {
        QTest::addColumn<int>("kpi");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("trend");
        QTest::addColumn<int>("sentiment");
        QTest::addColumn<int>("status");
        // Current hour: 100 requests/min (10 of them 429); previous hour: 60 requests/min.
        QTest::newRow("requests") << int(KpiModel::RequestsPerMin) << 100.0 << "100 requests/min"
                                  << "+67 % vs previous hour" << 0 << int(KpiModel::Status::Normal);
        QTest::newRow("tokens") << int(KpiModel::TokensPerMin) << 5000.0 << "5.00k tokens/min"
                                << "+67 % vs previous hour" << 0 << int(KpiModel::Status::Normal);
        QTest::newRow("ptu") << int(KpiModel::PtuUtilization) << 104.0 << "104 %"
                             << "+24.0 pts vs 1 h earlier" << 0 << int(KpiModel::Status::Critical);
        QTest::newRow("429") << int(KpiModel::ThrottledShare) << 10.0 << "10.0 %"
                             << "+10.0 pts vs previous hour" << -1
                             << int(KpiModel::Status::Critical);
        QTest::newRow("ttft") << int(KpiModel::TtftAvg) << 300.0 << "300 ms"
                              << "−25 % vs previous hour" << 1 << int(KpiModel::Status::Normal);
    }
    void values()
    {
        QFETCH(int, kpi);
        QFETCH(double, value);
        QFETCH(QString, text);
        QFETCH(QString, trend);
        QFETCH(int, sentiment);
        QFETCH(int, status);
        KpiModel model(m_store);
        load(model, {m_t0 - 6 * kHour, m_t0});
        QCOMPARE(model.nowMinute(), m_t0 - 60);
        const QModelIndex i = model.index(kpi);
        QCOMPARE(i.data(KpiModel::ValueRole).toDouble(), value);
        QCOMPARE(i.data(KpiModel::TextRole).toString(), text);
        QCOMPARE(i.data(Qt::DisplayRole).toString(), text);
        QCOMPARE(i.data(KpiModel::TrendTextRole).toString(), trend);
        QCOMPARE(i.data(KpiModel::TrendSentimentRole).toInt(), sentiment);
        QCOMPARE(int(i.data(KpiModel::StatusRole).value<KpiModel::Status>()), status);
        QVERIFY(!i.data(KpiModel::TitleRole).toString().isEmpty());
        QVERIFY(!i.data(KpiModel::DetailRole).toString().isEmpty());
    }

    void nowIsTheNewestCompleteMinuteInRange()
    {
        KpiModel model(m_store);
        // The range ends 30 minutes before the data does: "now" follows the range, not the data.
        load(model, {m_t0 - 6 * kHour, m_t0 - 30 * 60});
        QCOMPARE(model.nowMinute(), m_t0 - 31 * 60);
    }

    void noData()
    {
        KpiModel model(m_store);
        load(model, {m_t0 - 30 * kHour, m_t0 - 24 * kHour});
        QCOMPARE(model.nowMinute(), qint64(0));
        for (int k = 0; k < KpiModel::KpiCount; ++k) {
            QVERIFY(std::isnan(model.value(KpiModel::Kpi(k))));
            QCOMPARE(model.index(k).data(KpiModel::StatusRole).value<KpiModel::Status>(),
                     KpiModel::Status::NoData);
        }
    }

    void filterByDeployment()
    {
        KpiModel model(m_store);
        model.setLabelFilter({{QStringLiteral("ModelDeploymentName"), QStringLiteral("other")}});
        load(model, {m_t0 - 6 * kHour, m_t0});
        QVERIFY(std::isnan(model.value(KpiModel::RequestsPerMin)));
    }

    void cleanupTestCase()
    {
        delete m_store;
        m_store = nullptr;
    }
};

QTEST_GUILESS_MAIN(tst_KpiModel)
#include "tst_kpimodel.moc"
