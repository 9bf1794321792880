#include "core/labels.h"
#include "emulator/cloudfleet.h"
#include "emulator/cloudprices.h"
#include "emulator/emulator.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "sources/anthropic/anthropicsource.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QUrlQuery>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;
using anthropic::AnthropicSource;
using Provider = emu::CloudFleet::Provider;

namespace {

// 2026-09-01 (a Tuesday) 12:00:30 UTC.
constexpr qint64 kNow = 1788220800 + 12 * 3600 + 30;
constexpr qint64 kEnd = kNow - 30;
constexpr qint64 kToday = 1788220800;
constexpr quint64 kSeed = 7;

Connection connectionTo(const QUrl& base)
{
    Connection c;
    c.id = QStringLiteral("demo-anthropic");
    c.kind = QStringLiteral("anthropic");
    c.displayName = QStringLiteral("Demo Anthropic");
    c.endpoint = base;
    c.credential.kind = SecretRef::Kind::Demo;
    return c;
}

SecretProvider fixedKey(const QString& key)
{
    return [key](QString*) { return key; };
}

QList<PollBatch> batchesOf(const QSignalSpy& spy)
{
    QList<PollBatch> out;
    for (const auto& args : spy)
        out << args.at(0).value<PollBatch>();
    return out;
}

double sumOf(const QList<PollBatch>& batches, const QString& metric, const QList<Label>& match,
             qint64 from, qint64 to)
{
    double sum = 0;
    for (const auto& b : batches) {
        for (const auto& s : b.series) {
            if (s.key.metric != metric)
                continue;
            bool all = true;
            for (const auto& [k, v] : match)
                all = all && labels::value(s.key.labels, k) == v;
            if (!all)
                continue;
            for (const auto& p : s.samples) {
                if (p.ts >= from && p.ts < to)
                    sum += p.value;
            }
        }
    }
    return sum;
}

// Later batches replace earlier samples (the store upserts): the last value per key and ts.
QList<PollBatch> upserted(const QList<PollBatch>& batches)
{
    QHash<SeriesKey, QMap<qint64, double>> last;
    for (const auto& b : batches) {
        for (const auto& s : b.series) {
            for (const auto& p : s.samples)
                last[s.key][p.ts] = p.value;
        }
    }
    PollBatch merged;
    for (auto it = last.cbegin(); it != last.cend(); ++it) {
        SeriesSamples s{it.key(), {}, {}};
        for (auto p = it.value().cbegin(); p != it.value().cend(); ++p)
            s.samples.append({p.key(), p.value()});
        merged.series.append(s);
    }
    return {merged};
}

// A fake Anthropic: answers each call in turn from `answers` (the last one repeats).
struct FakeAnthropic
{
    LoopbackHttpServer server;
    QList<QUrlQuery> calls;
    QList<QString> paths;
    QList<QByteArray> keys, versions;
    QList<std::pair<int, QByteArray>> answers;

    FakeAnthropic()
    {
        server.setHandler([this](const HttpServerRequest& req, HttpServerResponder& r) {
            calls << QUrlQuery(QString::fromLatin1(req.rawQuery()));
            paths << req.path();
            keys << req.header("x-api-key");
            versions << req.header("anthropic-version");
            const auto& [status, body] =
                answers.at(std::min<qsizetype>(calls.size() - 1, answers.size() - 1));
            r.respondJson(status, body);
        });
        server.listen();
    }
};

QByteArray emptyPage()
{
    return QByteArrayLiteral("{\"data\":[],\"has_more\":false,\"next_page\":null}");
}

} // namespace

class tst_AnthropicSource : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<emu::Emulator> m_emu;

    QUrl base() const
    {
        return m_emu->baseUrl().resolved(QUrl(QStringLiteral("/providers/anthropic/v1")));
    }

    std::unique_ptr<AnthropicSource> makeSource(HttpClient* http, const QUrl& endpoint,
                                                SecretProvider key)
    {
        auto src = std::make_unique<AnthropicSource>(connectionTo(endpoint), http, std::move(key));
        src->setClock([] { return kNow; });
        return src;
    }

    QList<PollBatch> backfill(const QVector<TimeRange>& window, int pageLimit, qint64 minuteHistory,
                              int* requests = nullptr)
    {
        HttpClient http;
        auto src = makeSource(&http, base(), fixedKey(emu::Emulator::demoToken()));
        src->setPageLimit(pageLimit);
        src->setMinuteHistorySeconds(minuteHistory);
        QSignalSpy batches(src.get(), &Source::batchReady);
        QSignalSpy gaps(src.get(), &Source::pollFailed);
        QSignalSpy done(src.get(), &Source::backfillFinished);
        const int before = m_emu->requestCount();
        src->start(window);
        if (!done.wait(60000) && done.isEmpty())
            qWarning("backfill did not finish");
        src->stop();
        if (!gaps.isEmpty())
            qWarning("%s", qPrintable(gaps.first().at(0).value<GapMarker>().reason));
        if (requests)
            *requests = m_emu->requestCount() - before;
        return gaps.isEmpty() ? batchesOf(batches) : QList<PollBatch>{};
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_emu = std::make_unique<emu::Emulator>(kSeed);
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_emu->setClock([] { return kNow; });
    }

    void requestShape()
    {
        FakeAnthropic fake;
        fake.answers = {{200, emptyPage()}};
        HttpClient http;
        const QUrl endpoint = fake.server.serverUrl().resolved(QUrl(QStringLiteral("/v1")));
        auto src = makeSource(&http, endpoint, fixedKey(QStringLiteral("sk-ant-admin01-x")));
        QSignalSpy batches(src.get(), &Source::batchReady);
        src->pollNow();
        QVERIFY(batches.wait(5000));
        QCOMPARE(fake.calls.size(), 2);
        QCOMPARE(fake.paths.at(0), QStringLiteral("/v1/organizations/usage_report/messages"));
        QCOMPARE(fake.paths.at(1), QStringLiteral("/v1/organizations/cost_report"));
        const QUrlQuery& usage = fake.calls.at(0);
        QCOMPARE(usage.queryItemValue(QStringLiteral("starting_at"), QUrl::FullyDecoded),
                 formatIsoUtc(kEnd - 600));
        QCOMPARE(usage.queryItemValue(QStringLiteral("ending_at"), QUrl::FullyDecoded),
                 formatIsoUtc(kEnd));
        QCOMPARE(usage.queryItemValue(QStringLiteral("bucket_width")), QStringLiteral("1m"));
        QCOMPARE(usage.allQueryItemValues(QStringLiteral("group_by[]")),
                 QStringList({QStringLiteral("model"), QStringLiteral("workspace_id"),
                              QStringLiteral("service_tier")}));
        const QUrlQuery& cost = fake.calls.at(1);
        QCOMPARE(cost.queryItemValue(QStringLiteral("starting_at"), QUrl::FullyDecoded),
                 formatIsoUtc(kToday));
        QCOMPARE(cost.queryItemValue(QStringLiteral("limit")), QStringLiteral("31"));
        QCOMPARE(cost.allQueryItemValues(QStringLiteral("group_by[]")),
                 QStringList({QStringLiteral("workspace_id"), QStringLiteral("description")}));
        for (int i = 0; i < fake.calls.size(); ++i) {
            QCOMPARE(fake.keys.at(i), QByteArray("sk-ant-admin01-x"));
            QCOMPARE(fake.versions.at(i), QByteArray("2023-06-01"));
        }
    }

    void overloadedIsRetried()
    {
        FakeAnthropic fake;
        fake.answers = {{529, test::readFixture(QStringLiteral("anthropic/error_overloaded.json"))},
                        {200, test::readFixture(QStringLiteral("anthropic/usage_page2.json"))},
                        {200, emptyPage()}};
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedKey(QStringLiteral("k")));
        QSignalSpy batches(src.get(), &Source::batchReady);
        QSignalSpy gaps(src.get(), &Source::pollFailed);
        src->pollNow();
        QVERIFY(batches.wait(10000));
        QVERIFY(gaps.isEmpty());
        QCOMPARE(fake.calls.size(), 3); // 529, its retry, then the cost report
        QCOMPARE(
            sumOf(batchesOf(batches), QStringLiteral("InputTokensCached"), {}, 0, kNow + 86400),
            585.0);
    }

    void spendLimitIsNotRetried()
    {
        FakeAnthropic fake;
        fake.answers = {
            {429, test::readFixture(QStringLiteral("anthropic/error_spend_limit.json"))}};
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedKey(QStringLiteral("k")));
        QSignalSpy gaps(src.get(), &Source::pollFailed);
        src->pollNow();
        QVERIFY(gaps.wait(10000));
        QCOMPARE(fake.calls.size(), 1);
        const QString reason = gaps.first().at(0).value<GapMarker>().reason;
        QVERIFY2(reason.contains(QLatin1String("spend limit")) &&
                     reason.contains(QLatin1String("not retried")),
                 qPrintable(reason));
    }

    void pagesFollowTheCursor()
    {
        FakeAnthropic fake;
        fake.answers = {{200, test::readFixture(QStringLiteral("anthropic/usage_page1.json"))},
                        {200, test::readFixture(QStringLiteral("anthropic/usage_page2.json"))},
                        {200, test::readFixture(QStringLiteral("anthropic/cost_report.json"))}};
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedKey(QStringLiteral("k")));
        QSignalSpy batches(src.get(), &Source::batchReady);
        src->pollNow();
        QVERIFY(batches.wait(5000));
        QCOMPARE(fake.calls.size(), 3);
        QCOMPARE(fake.calls.at(1).queryItemValue(QStringLiteral("page"), QUrl::FullyDecoded),
                 QStringLiteral("page_MjAyNi0wOS0wMVQxMjowMTowMFo="));
        const auto got = batchesOf(batches);
        QCOMPARE(got.size(), 1);
        QCOMPARE(sumOf(got, QStringLiteral("InputTokensCached"), {}, 0, kNow + 86400), 20585.0);
        QCOMPARE(sumOf(got, QStringLiteral("ReportedCost"), {}, 0, kNow + 86400),
                 123.0 + 1234567800.0 + 2500000.0);
    }

    void refusedKeyInWords()
    {
        HttpClient http;
        auto src = makeSource(&http, base(), fixedKey(QStringLiteral("sk-ant-admin-wrong")));
        QSignalSpy gaps(src.get(), &Source::pollFailed);
        src->pollNow();
        QVERIFY(gaps.wait(5000));
        const QString reason = gaps.first().at(0).value<GapMarker>().reason;
        QVERIFY2(reason.startsWith(QLatin1String("Anthropic refused the admin key (401): "
                                                 "authentication_error: invalid x-api-key")),
                 qPrintable(reason));
    }

    void backfillSumsEqualTheFleet()
    {
        int requests = 0;
        const QList<PollBatch> got = backfill({{kEnd - 30 * 3600, kEnd}}, 7, 2 * 3600, &requests);
        QVERIFY(!got.isEmpty());
        QCOMPARE(got.size(), 2);
        QVERIFY2(requests > 20, qPrintable(QString::number(requests)));
        const QList<PollBatch> merged = upserted(got);
        const emu::CloudFleet fleet(kSeed);
        const auto streams = emu::CloudFleet::streams(Provider::Anthropic);
        for (int i = 0; i < streams.size(); ++i) {
            const QList<Label> match{{QStringLiteral("ModelDeploymentName"), streams[i].model}};
            const emu::CloudMinute want = fleet.sum(Provider::Anthropic, i, kEnd - 30 * 3600, kEnd);
            QVERIFY(want.cacheWrite5m > 0 && want.cachedTokens > want.uncachedTokens());
            QCOMPARE(sumOf(merged, QStringLiteral("InputTokensUncached"), match, 0, kNow),
                     double(want.uncachedTokens()));
            QCOMPARE(sumOf(merged, QStringLiteral("CacheWrite5mTokens"), match, 0, kNow),
                     double(want.cacheWrite5m));
            QCOMPARE(sumOf(merged, QStringLiteral("CacheWrite1hTokens"), match, 0, kNow),
                     double(want.cacheWrite1h));
            QCOMPARE(sumOf(merged, QStringLiteral("InputTokensCached"), match, 0, kNow),
                     double(want.cachedTokens));
            QCOMPARE(sumOf(merged, QStringLiteral("OutputTokens"), match, 0, kNow),
                     double(want.outputTokens));
        }
    }

    // The emulator's daily cost is its own price table applied to its own token counts.
    void reportedDailyCostEqualsThePriceTable()
    {
        const qint64 yesterday = kToday - 86400;
        const QList<PollBatch> got = upserted(backfill({{yesterday, kEnd}}, 0, 3600));
        QVERIFY(!got.isEmpty());
        const emu::CloudFleet fleet(kSeed);
        const auto streams = emu::CloudFleet::streams(Provider::Anthropic);
        const emu::CacheMultipliers x = emu::anthropicCacheMultipliers();
        for (int i = 0; i < streams.size(); ++i) {
            const auto& s = streams[i];
            const emu::CloudMinute u = fleet.sum(Provider::Anthropic, i, yesterday, kToday);
            const emu::CloudPrice p = emu::cloudPrice(Provider::Anthropic, s.model);
            QVERIFY(p.input > 0);
            // micro-USD = tokens x milli-USD per 1M / 1000 (x multiplier per mille / 1000).
            const double in = double(p.input) / 1000.0;
            const double want = double(u.uncachedTokens()) * in +
                                double(u.cacheWrite5m) * in * double(x.write5m) / 1000.0 +
                                double(u.cacheWrite1h) * in * double(x.write1h) / 1000.0 +
                                double(u.cachedTokens) * in * double(x.read) / 1000.0 +
                                double(u.outputTokens) * double(p.output) / 1000.0;
            const double reported =
                sumOf(got, QStringLiteral("ReportedCost"),
                      {{QStringLiteral("ModelDeploymentName"), s.model}}, yesterday, yesterday + 1);
            QVERIFY(want > 1e6);
            QVERIFY2(std::abs(reported - want) <= 5, // five token types, each rounded once
                     qPrintable(QStringLiteral("%1: reported %2, price table %3")
                                    .arg(s.model)
                                    .arg(reported, 0, 'f', 1)
                                    .arg(want, 0, 'f', 1)));
            // Cache reads are a tenth of the input price.
            const double reads =
                sumOf(got, QStringLiteral("ReportedCost"),
                      {{QStringLiteral("ModelDeploymentName"), s.model},
                       {QStringLiteral("token_type"), QStringLiteral("cache_read_input_tokens")}},
                      yesterday, yesterday + 1);
            QVERIFY(std::abs(reads - double(u.cachedTokens) * in / 10.0) <= 1);
        }
    }
};

QTEST_GUILESS_MAIN(tst_AnthropicSource)
#include "tst_anthropicsource.moc"
