#include "emulator/cloudadminquery.h"
#include "emulator/cloudfleet.h"
#include "emulator/cloudprices.h"
#include "emulator/emulator.h"
#include "net/httpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;
using emu::CloudFleet;
using Provider = CloudFleet::Provider;

namespace {

constexpr qint64 kTuesday = 1788220800; // 2026-09-01 00:00 UTC
constexpr qint64 kNow = kTuesday + 12 * 3600 + 30;

} // namespace

class tst_CloudFleet : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<emu::Emulator> m_emu;

    // GET `path` on the emulator with `headers`; returns (status, JSON object).
    std::pair<int, QJsonObject> get(const QString& path, const QList<HttpHeader>& headers)
    {
        HttpClient http;
        HttpRequest req;
        req.url = m_emu->baseUrl().resolved(QUrl(path));
        req.headers = headers;
        req.maxRetries = 0;
        std::pair<int, QJsonObject> out{0, {}};
        bool done = false;
        http.send(req, this, [&](const HttpResponse& r) {
            out = {r.status, QJsonDocument::fromJson(r.body).object()};
            done = true;
        });
        if (!QTest::qWaitFor([&] { return done; }, 10000))
            qWarning("no answer from the emulator");
        return out;
    }

private slots:
    void initTestCase()
    {
        m_emu = std::make_unique<emu::Emulator>(7);
        QVERIFY(m_emu->listen());
        m_emu->setClock([] { return kNow; });
    }

    void wholeNumbersThatAddUp()
    {
        const CloudFleet fleet(7);
        for (Provider p : {Provider::OpenAi, Provider::Anthropic}) {
            const int n = static_cast<int>(CloudFleet::streams(p).size());
            QVERIFY(n >= 2);
            for (int i = 0; i < n; ++i) {
                for (qint64 m = kTuesday; m < kTuesday + 86400; m += 611 * 60) {
                    const emu::CloudMinute c = fleet.at(p, i, m);
                    QVERIFY(c.uncachedTokens() >= 0);
                    QVERIFY(c.requests >= 0 && c.outputTokens >= 0);
                    QVERIFY(c.cachedTokens + c.cacheWrite5m + c.cacheWrite1h <= c.inputTokens);
                    // Deterministic: a pure function of (seed, minute).
                    const emu::CloudMinute again = CloudFleet(7).at(p, i, m);
                    QCOMPARE(again.inputTokens, c.inputTokens);
                }
            }
        }
        // Another seed gives other numbers.
        QVERIFY(CloudFleet(8).sum(Provider::OpenAi, 0, kTuesday, kTuesday + 3600).inputTokens !=
                fleet.sum(Provider::OpenAi, 0, kTuesday, kTuesday + 3600).inputTokens);
    }

    void followsTheDemandEnvelope()
    {
        const CloudFleet fleet(7);
        // Interactive load peaks in the afternoon, the batch share at night.
        const auto hour = [&](int stream, int h) {
            return fleet
                .sum(Provider::OpenAi, stream, kTuesday + h * 3600, kTuesday + (h + 1) * 3600)
                .requests;
        };
        QVERIFY(hour(0, 14) > 2 * hour(0, 3)); // the envelope: ~1.0 at 14:30, ~0.36 at night
        QVERIFY(hour(4, 2) > 2 * hour(4, 14)); // stream 4 is the batch share
        QVERIFY(CloudFleet::streams(Provider::OpenAi).at(4).batch);
    }

    void costsInCentsAreExact_data()
    {
        QTest::addColumn<qint64>("pico");
        QTest::addColumn<QString>("cents");
        QTest::newRow("one cent") << qint64(10000000000) << QStringLiteral("1.00");
        QTest::newRow("fraction") << qint64(123000000) << QStringLiteral("0.0123");
        QTest::newRow("large") << qint64(1234567800000000) << QStringLiteral("123456.78");
        QTest::newRow("tiny") << qint64(1) << QStringLiteral("0.0000000001");
    }
    void costsInCentsAreExact()
    {
        QFETCH(qint64, pico);
        QFETCH(QString, cents);
        QCOMPARE(emu::detail::picoUsdAsCents(pico), cents);
    }

    void costLinesUseTheTable()
    {
        const auto s = CloudFleet::streams(Provider::Anthropic).at(0);
        emu::CloudMinute u;
        u.inputTokens = 1000000 + 1000000 + 1000000 + 1000000;
        u.cacheWrite5m = 1000000;
        u.cacheWrite1h = 1000000;
        u.cachedTokens = 1000000;
        u.outputTokens = 1000000;
        // Sonnet: $3 in, 1.25x / 2x / 0.1x for cache writes and reads, $15 out (per 1M).
        const QMap<QString, qint64> want{
            {QStringLiteral("uncached_input_tokens"), 3000000000000},
            {QStringLiteral("cache_creation.ephemeral_5m_input_tokens"), 3750000000000},
            {QStringLiteral("cache_creation.ephemeral_1h_input_tokens"), 6000000000000},
            {QStringLiteral("cache_read_input_tokens"), 300000000000},
            {QStringLiteral("output_tokens"), 15000000000000}};
        const auto lines = emu::cloudCostLines(Provider::Anthropic, s, u);
        QCOMPARE(lines.size(), want.size());
        for (const auto& l : lines)
            QCOMPARE(l.picoUsd, want.value(l.item));
    }

    void adminEndpointsAnswerInTheProvidersShapes_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("anthropic");
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("errorType");
        const QString oa = QStringLiteral("/providers/openai/v1/organization/");
        const QString an = QStringLiteral("/providers/anthropic/v1/organizations/");
        const QString demo = emu::Emulator::demoToken();
        QTest::newRow("openai wrong key")
            << oa + "costs?start_time=0" << false << "sk-admin-x" << 401 << "invalid_api_key";
        QTest::newRow("openai limit too large")
            << oa + "usage/completions?start_time=0&bucket_width=1h&limit=169" << false << demo
            << 400 << "invalid_request_error";
        QTest::newRow("openai foreign cursor") << oa + "usage/completions?start_time=0&page=abc"
                                               << false << demo << 400 << "invalid_request_error";
        QTest::newRow("openai costs by the hour")
            << oa + "costs?start_time=0&bucket_width=1h" << false << demo << 400
            << "invalid_request_error";
        QTest::newRow("anthropic wrong key")
            << an + "cost_report?starting_at=2026-09-01T00:00:00Z" << true << "sk-ant-admin-x"
            << 401 << "authentication_error";
        QTest::newRow("anthropic bad group")
            << an + "usage_report/messages?starting_at=2026-09-01T00:00:00Z&group_by[]=color"
            << true << demo << 400 << "invalid_request_error";
        QTest::newRow("anthropic ok")
            << an + "usage_report/messages?starting_at=2026-09-01T11:00:00Z&bucket_width=1m&limit=5"
            << true << demo << 200 << "";
    }
    void adminEndpointsAnswerInTheProvidersShapes()
    {
        QFETCH(QString, path);
        QFETCH(bool, anthropic);
        QFETCH(QString, key);
        QFETCH(int, status);
        QFETCH(QString, errorType);
        QList<HttpHeader> headers;
        if (anthropic)
            headers = {{"x-api-key", key.toUtf8()}, {"anthropic-version", "2023-06-01"}};
        else
            headers = {{"Authorization", "Bearer " + key.toUtf8()}};
        const auto [got, body] = get(path, headers);
        QCOMPARE(got, status);
        if (status == 200) {
            QCOMPARE(body.value(QLatin1String("data")).toArray().size(), 5);
            QVERIFY(body.value(QLatin1String("has_more")).toBool()); // 60 minutes, 5 a page
            QVERIFY(body.value(QLatin1String("next_page"))
                        .toString()
                        .startsWith(QLatin1String("page_")));
            return;
        }
        const QJsonObject error = body.value(QLatin1String("error")).toObject();
        const QString type = anthropic ? error.value(QLatin1String("type")).toString()
                                       : (error.value(QLatin1String("code")).isString()
                                              ? error.value(QLatin1String("code")).toString()
                                              : error.value(QLatin1String("type")).toString());
        QCOMPARE(type, errorType);
        QVERIFY(!error.value(QLatin1String("message")).toString().isEmpty());
        if (anthropic)
            QCOMPARE(body.value(QLatin1String("type")).toString(), QStringLiteral("error"));
    }
};

QTEST_GUILESS_MAIN(tst_CloudFleet)
#include "tst_cloudfleet.moc"
