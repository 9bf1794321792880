#include "core/labels.h"
#include "emulator/cloudfleet.h"
#include "emulator/cloudprices.h"
#include "emulator/emulator.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "sources/credentialprovider.h"
#include "sources/openai/openaisource.h"
#include "sources/sourcefactory.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QUrlQuery>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;
using openai::OpenAiSource;
using Provider = emu::CloudFleet::Provider;

namespace {

// 2026-09-01 (a Tuesday) 12:00:30 UTC: weekday traffic, half a minute into the minute.
constexpr qint64 kNow = 1788220800 + 12 * 3600 + 30;
constexpr qint64 kEnd = kNow - 30;
constexpr qint64 kToday = 1788220800;
constexpr quint64 kSeed = 7;

Connection connectionTo(const QUrl& base)
{
    Connection c;
    c.id = QStringLiteral("demo-openai");
    c.kind = QStringLiteral("openai");
    c.displayName = QStringLiteral("Demo OpenAI");
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

// Sum of `metric` over [from, to) for series whose labels contain every pair of `match`.
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

// A fake OpenAI that records each call and answers with `answer`.
struct FakeOpenAi
{
    LoopbackHttpServer server;
    QList<QUrlQuery> calls;
    QList<QString> paths;
    QList<QByteArray> authorizations;
    std::function<std::pair<int, QByteArray>(const QUrlQuery&)> answer;

    FakeOpenAi()
    {
        server.setHandler([this](const HttpServerRequest& req, HttpServerResponder& r) {
            const QUrlQuery q(QString::fromLatin1(req.rawQuery()));
            calls << q;
            paths << req.path();
            authorizations << req.header("authorization");
            const auto [status, body] = answer(q);
            r.respondJson(status, body);
        });
        server.listen();
    }
};

} // namespace

class tst_OpenAiSource : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<emu::Emulator> m_emu;

    QUrl base() const
    {
        return m_emu->baseUrl().resolved(QUrl(QStringLiteral("/providers/openai/v1")));
    }

    std::unique_ptr<OpenAiSource> makeSource(HttpClient* http, const QUrl& endpoint,
                                             SecretProvider key)
    {
        auto src = std::make_unique<OpenAiSource>(connectionTo(endpoint), http, std::move(key));
        src->setClock([] { return kNow; });
        return src;
    }

    // Backfills `window` against the emulator; returns the batches (fails the test on a gap).
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

    // The demo workspace carries the OpenAI and Anthropic organisations of the emulator.
    void demoConnections_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("path");
        QTest::newRow("openai") << "demo-openai"
                                << "openai"
                                << "/providers/openai/v1";
        QTest::newRow("anthropic") << "demo-anthropic"
                                   << "anthropic"
                                   << "/providers/anthropic/v1";
    }
    void demoConnections()
    {
        QFETCH(QString, id);
        QFETCH(QString, kind);
        QFETCH(QString, path);
        const Workspace ws =
            Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
        const auto it = std::find_if(ws.connections.cbegin(), ws.connections.cend(),
                                     [&](const Connection& c) { return c.id == id; });
        QVERIFY(it != ws.connections.cend());
        QCOMPARE(it->kind, kind);
        QCOMPARE(it->endpoint.path(), path);
        QCOMPARE(it->credential.kind, SecretRef::Kind::Demo);
        QVERIFY(it->displayName.endsWith(QLatin1String("(demo)")));
        QVERIFY(supportedSourceKinds().contains(kind));
        // It survives a workspace file.
        Workspace one;
        one.name = QStringLiteral("w");
        one.connections = {*it};
        QString error;
        const auto back = Workspace::fromJson(one.toJson(), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->connections.size(), 1);
        QVERIFY(back->connections.first() == *it);
        // The factory makes a source that polls the emulator with the demo key.
        HttpClient http;
        std::unique_ptr<Source> src(
            isc::makeSource(*it, &http, credentialProvider(*it), nullptr, &error));
        QVERIFY2(src, qPrintable(error));
        src->setClock([] { return kNow; });
        QSignalSpy batches(src.get(), &Source::batchReady);
        src->pollNow();
        QVERIFY(batches.wait(10000));
        QVERIFY(batches.first().at(0).value<PollBatch>().sampleCount() > 0);
    }

    void requestShape()
    {
        FakeOpenAi fake;
        fake.answer = [](const QUrlQuery&) {
            return std::make_pair(200,
                                  test::readFixture(QStringLiteral("openai/usage_empty.json")));
        };
        HttpClient http;
        const QUrl endpoint = fake.server.serverUrl().resolved(QUrl(QStringLiteral("/v1")));
        auto src = makeSource(&http, endpoint, fixedKey(QStringLiteral("sk-admin-abc")));
        QSignalSpy batches(src.get(), &Source::batchReady);
        src->pollNow();
        QVERIFY(batches.wait(5000));
        QCOMPARE(fake.calls.size(), 2); // usage, then today's costs
        QCOMPARE(fake.paths.at(0), QStringLiteral("/v1/organization/usage/completions"));
        QCOMPARE(fake.paths.at(1), QStringLiteral("/v1/organization/costs"));
        const QUrlQuery& usage = fake.calls.at(0);
        QCOMPARE(usage.queryItemValue(QStringLiteral("start_time")), QString::number(kEnd - 600));
        QCOMPARE(usage.queryItemValue(QStringLiteral("end_time")), QString::number(kEnd));
        QCOMPARE(usage.queryItemValue(QStringLiteral("bucket_width")), QStringLiteral("1m"));
        QCOMPARE(usage.queryItemValue(QStringLiteral("limit")), QStringLiteral("1440"));
        QCOMPARE(usage.allQueryItemValues(QStringLiteral("group_by[]"), QUrl::FullyDecoded),
                 QStringList({QStringLiteral("model"), QStringLiteral("project_id"),
                              QStringLiteral("batch"), QStringLiteral("service_tier")}));
        const QUrlQuery& costs = fake.calls.at(1);
        QCOMPARE(costs.queryItemValue(QStringLiteral("start_time")), QString::number(kToday));
        QCOMPARE(costs.queryItemValue(QStringLiteral("bucket_width")), QStringLiteral("1d"));
        QCOMPARE(costs.allQueryItemValues(QStringLiteral("group_by[]")),
                 QStringList({QStringLiteral("line_item"), QStringLiteral("project_id")}));
        for (const auto& a : fake.authorizations)
            QCOMPARE(a, QByteArray("Bearer sk-admin-abc"));

        // The next poll within costRefreshSeconds reads usage only.
        src->pollNow();
        QVERIFY(batches.wait(5000));
        QCOMPARE(fake.calls.size(), 3);
    }

    void pagesFollowTheCursor()
    {
        FakeOpenAi fake;
        fake.answer = [](const QUrlQuery& q) {
            const QString page = q.queryItemValue(QStringLiteral("page"));
            if (q.queryItemValue(QStringLiteral("bucket_width")) == QLatin1String("1d"))
                return std::make_pair(200,
                                      test::readFixture(QStringLiteral("openai/costs_page.json")));
            return std::make_pair(
                200, test::readFixture(page.isEmpty() ? QStringLiteral("openai/usage_page1.json")
                                                      : QStringLiteral("openai/usage_page2.json")));
        };
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedKey(QStringLiteral("k")));
        QSignalSpy batches(src.get(), &Source::batchReady);
        src->pollNow();
        QVERIFY(batches.wait(5000));
        QCOMPARE(fake.calls.size(), 3);
        QCOMPARE(fake.calls.at(1).queryItemValue(QStringLiteral("page")),
                 QStringLiteral("page_AAAAAGk1"));
        const QList<PollBatch> got = batchesOf(batches);
        QCOMPARE(got.size(), 1); // both pages and the costs land as one batch
        QCOMPARE(sumOf(got, QStringLiteral("InputTokensUncached"), {}, 0, kNow + 86400),
                 3800.0 + 300 + 3500);
        QCOMPARE(sumOf(got, QStringLiteral("ReportedCost"), {}, 0, kNow + 86400),
                 12345678.0 + 2 + 895874);
    }

    void endlessPagingFails()
    {
        FakeOpenAi fake;
        fake.answer = [](const QUrlQuery&) {
            return std::make_pair(200, QByteArray("{\"data\":[],\"has_more\":true,"
                                                  "\"next_page\":\"same\"}"));
        };
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedKey(QStringLiteral("k")));
        QSignalSpy gaps(src.get(), &Source::pollFailed);
        QSignalSpy batches(src.get(), &Source::batchReady);
        src->pollNow();
        QVERIFY(gaps.wait(5000));
        QVERIFY(batches.isEmpty());
        QCOMPARE(fake.calls.size(), 2); // the second answer repeats the cursor
        const QString reason = gaps.first().at(0).value<GapMarker>().reason;
        QVERIFY2(reason.contains(QLatin1String("kept answering has_more")), qPrintable(reason));
    }

    void refusedKeyInWords_data()
    {
        QTest::addColumn<bool>("emptyKey");
        QTest::addColumn<QString>("words");
        QTest::newRow("wrong key") << false
                                   << QStringLiteral("OpenAI refused the admin key (401): "
                                                     "invalid_api_key: Incorrect API key");
        QTest::newRow("no key") << true << QStringLiteral("environment variable OPENAI_ADMIN_KEY");
    }
    void refusedKeyInWords()
    {
        QFETCH(bool, emptyKey);
        QFETCH(QString, words);
        HttpClient http;
        SecretProvider key = fixedKey(QStringLiteral("sk-admin-wrong"));
        if (emptyKey) {
            key = [](QString* error) {
                *error = QStringLiteral("environment variable OPENAI_ADMIN_KEY is not set");
                return QString();
            };
        }
        auto src = makeSource(&http, base(), key);
        QSignalSpy gaps(src.get(), &Source::pollFailed);
        src->pollNow(); // without a key the poll fails at once
        QTRY_VERIFY_WITH_TIMEOUT(!gaps.isEmpty(), 5000);
        const GapMarker gap = gaps.first().at(0).value<GapMarker>();
        QVERIFY2(gap.reason.startsWith(words), qPrintable(gap.reason));
        QCOMPARE(gap.window, TimeRange({kEnd - 600, kEnd}));
        QCOMPARE(src->health().state, SourceHealth::State::Failing);
        QVERIFY(!gap.reason.contains(QLatin1String("sk-admin-wrong")));
    }

    // The Connections page shows the response time of the last answered request.
    void latencyAfterPoll_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("answered");
        QTest::newRow("good key") << emu::Emulator::demoToken() << true;
        QTest::newRow("wrong key (401 is an answer)") << QStringLiteral("sk-admin-wrong") << true;
        QTest::newRow("no key (nothing sent)") << QString() << false;
    }
    void latencyAfterPoll()
    {
        QFETCH(QString, key);
        QFETCH(bool, answered);
        HttpClient http;
        auto src = makeSource(&http, base(), fixedKey(key));
        QCOMPARE(src->health().latencyMs, qint64(-1));
        QSignalSpy health(src.get(), &Source::healthChanged);
        QSignalSpy batches(src.get(), &Source::batchReady);
        QSignalSpy gaps(src.get(), &Source::pollFailed);
        src->pollNow();
        QTRY_VERIFY_WITH_TIMEOUT(!batches.isEmpty() || !gaps.isEmpty(), 10000);
        QCOMPARE(batches.isEmpty(), key != emu::Emulator::demoToken());
        QVERIFY(!health.isEmpty());
        const SourceHealth sent = health.last().at(0).value<SourceHealth>();
        if (answered) {
            QVERIFY2(src->health().latencyMs >= 0,
                     qPrintable(QString::number(src->health().latencyMs)));
            QCOMPARE(sent.latencyMs, src->health().latencyMs); // the page sees it too
        } else {
            QCOMPARE(src->health().latencyMs, qint64(-1));
            QCOMPARE(sent.latencyMs, qint64(-1));
        }
    }

    // Paging forced with small pages; minutes for the last 2 h, hours before that.
    void backfillSumsEqualTheFleet()
    {
        int requests = 0;
        const QList<PollBatch> got = backfill({{kEnd - 30 * 3600, kEnd}}, 10, 2 * 3600, &requests);
        QVERIFY(!got.isEmpty());
        const qint64 boundary = floorTo(kEnd - 2 * 3600, 3600);
        // Chunks: one of minutes [boundary, end), then 28 h of hours: 2 batches.
        QCOMPARE(got.size(), 2);
        QVERIFY2(requests > 15, qPrintable(QString::number(requests))); // paging happened
        const QList<PollBatch> merged = upserted(got);

        const emu::CloudFleet fleet(kSeed);
        const auto streams = emu::CloudFleet::streams(Provider::OpenAi);
        // Per (model, project, batch): the emulator has one stream for each.
        for (int i = 0; i < streams.size(); ++i) {
            const auto& s = streams[i];
            const QList<Label> match{{QStringLiteral("ModelDeploymentName"), s.model},
                                     {QStringLiteral("project"), s.project},
                                     {QStringLiteral("batch"),
                                      s.batch ? QStringLiteral("true") : QStringLiteral("false")}};
            const emu::CloudMinute want = fleet.sum(Provider::OpenAi, i, kEnd - 30 * 3600, kEnd);
            QVERIFY(want.requests > 0);
            QCOMPARE(sumOf(merged, QStringLiteral("Requests"), match, 0, kNow),
                     double(want.requests));
            QCOMPARE(sumOf(merged, QStringLiteral("InputTokensUncached"), match, 0, kNow),
                     double(want.inputTokens - want.cachedTokens));
            QCOMPARE(sumOf(merged, QStringLiteral("InputTokensCached"), match, 0, kNow),
                     double(want.cachedTokens));
            QCOMPARE(sumOf(merged, QStringLiteral("OutputTokens"), match, 0, kNow),
                     double(want.outputTokens));
            // Minute samples after the boundary; before it, each hour's total spread evenly
            // over its minutes (the store holds per-minute values).
            const emu::CloudMinute lastMinute = fleet.at(Provider::OpenAi, i, kEnd - 60);
            QCOMPARE(sumOf(merged, QStringLiteral("OutputTokens"), match, kEnd - 60, kEnd),
                     double(lastMinute.outputTokens));
            const emu::CloudMinute hour = fleet.sum(Provider::OpenAi, i, boundary - 3600, boundary);
            for (const qint64 minute : {boundary - 3600, boundary - 1800, boundary - 60}) {
                QCOMPARE(sumOf(merged, QStringLiteral("OutputTokens"), match, minute, minute + 1),
                         double(hour.outputTokens) / 60.0);
            }
            QCOMPARE(
                sumOf(merged, QStringLiteral("OutputTokens"), match, boundary - 3600, boundary),
                double(hour.outputTokens));
        }
    }

    // The emulator's daily cost is its own price table applied to its own token counts.
    void reportedDailyCostEqualsThePriceTable()
    {
        const qint64 yesterday = kToday - 86400;
        const QList<PollBatch> got = upserted(backfill({{yesterday, kEnd}}, 0, 3600));
        QVERIFY(!got.isEmpty());
        const emu::CloudFleet fleet(kSeed);
        const auto streams = emu::CloudFleet::streams(Provider::OpenAi);
        double want = 0; // micro-USD, computed here in doubles from the per-1M prices
        int lines = 0;
        for (int i = 0; i < streams.size(); ++i) {
            const auto& s = streams[i];
            const emu::CloudMinute u = fleet.sum(Provider::OpenAi, i, yesterday, kToday);
            const emu::CloudPrice p = emu::cloudPrice(Provider::OpenAi, s.model);
            QVERIFY2(p.input > 0, qPrintable(s.model));
            const double perToken = 1e-3; // milli-USD per 1M tokens -> micro-USD per token
            if (s.batch) {
                want += double(u.inputTokens) * double(p.batchInput) * perToken +
                        double(u.outputTokens) * double(p.batchOutput) * perToken;
                lines += 2;
            } else {
                want += double(u.inputTokens - u.cachedTokens) * double(p.input) * perToken +
                        double(u.cachedTokens) * double(p.cachedInput) * perToken +
                        double(u.outputTokens) * double(p.output) * perToken;
                lines += 3;
            }
        }
        const double reported =
            sumOf(got, QStringLiteral("ReportedCost"), {}, yesterday, yesterday + 1);
        QVERIFY(want > 1e6); // more than a dollar a day
        // Each line is rounded once to a whole micro-dollar.
        QVERIFY2(std::abs(reported - want) <= lines,
                 qPrintable(QStringLiteral("reported %1, price table %2").arg(reported).arg(want)));
        // Line items carry the model.
        QVERIFY(
            sumOf(got, QStringLiteral("ReportedCost"),
                  {{QStringLiteral("line_item"), QStringLiteral("o3-mini-2025-01-31, output")},
                   {QStringLiteral("ModelDeploymentName"), QStringLiteral("o3-mini-2025-01-31")}},
                  yesterday, yesterday + 1) > 0);
    }
};

QTEST_GUILESS_MAIN(tst_OpenAiSource)
#include "tst_openaisource.moc"
