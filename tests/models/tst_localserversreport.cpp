#include "core/labels.h"
#include "core/units.h"
#include "reports/localserversreport.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

namespace {

constexpr qint64 kNow = 1788267600; // 2026-09-01 13:00 UTC
const QString kModel = QStringLiteral("ModelDeploymentName");

Connection connection(const QString& id, const QString& kind, const QString& name = {})
{
    Connection c;
    c.id = id;
    c.kind = kind;
    c.displayName = name.isEmpty() ? id : name;
    return c;
}

Deployment served(const QString& source, const QString& model, const QString& sku)
{
    Deployment d;
    d.source = source;
    d.name = model;
    d.model = model;
    d.sku = sku;
    return d;
}

LocalServerReading reading(const QString& source, double running, double waiting, double kv,
                           double preemptions, double tokensPerSecond)
{
    LocalServerReading r;
    r.source = source;
    r.newestData = kNow - 60;
    auto latest = [](double v) {
        return std::isnan(v) ? LatestValue{} : LatestValue{kNow - 60, v};
    };
    r.running = latest(running);
    r.waiting = latest(waiting);
    r.kvCachePercent = latest(kv);
    r.preemptions = preemptions;
    r.recentTokensPerSecond = tokensPerSecond;
    return r;
}

SourceHealth upHealth(const QString& source)
{
    SourceHealth h;
    h.source = source;
    h.state = SourceHealth::State::Polling;
    h.lastSuccess = kNow - 10;
    h.lastAttempt = kNow - 10;
    return h;
}

SeriesSamples series(const QString& source, const QString& metric, const QString& aggregation,
                     const QString& model, qint64 from, qint64 to,
                     const std::function<double(qint64)>& value)
{
    SeriesSamples s;
    s.key = {source, metric, aggregation, labels::canonical({{kModel, model}})};
    for (qint64 ts = from; ts < to; ts += 60)
        s.samples.append({ts, value(ts)});
    return s;
}

} // namespace

Q_DECLARE_METATYPE(isc::LocalServerReading)

class tst_LocalServersReport : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void figuresPerKind_data();
    void figuresPerKind();
    void status_data();
    void status();
    void tilesAddUp();
    void ollamaModels();
    void noLocalServer();
    void readsTheStore();
};

void tst_LocalServersReport::figuresPerKind_data()
{
    QTest::addColumn<QString>("kind"); // connection kind
    QTest::addColumn<QString>("sku");  // what its scrape named the server
    QTest::addColumn<LocalServerReading>("r");
    QTest::addColumn<QString>("kindName");
    QTest::addColumn<bool>("kvExposed");
    QTest::addColumn<bool>("preemptionsExposed");
    QTest::addColumn<bool>("tokensExposed");
    QTest::newRow("vLLM") << "prometheus"
                          << "vLLM" << reading("s", 12, 3, 87.5, 4, 312.25) << "vLLM" << true
                          << true << true;
    QTest::newRow("vLLM without the preemption counter")
        << "prometheus"
        << "vLLM" << reading("s", 12, 0, 40, qQNaN(), 5) << "vLLM" << true << false << true;
    QTest::newRow("llama.cpp") << "prometheus"
                               << "llama.cpp" << reading("s", 2, 1, qQNaN(), qQNaN(), 21.5)
                               << "llama.cpp" << false << false << true;
    QTest::newRow("older llama.cpp with a KV gauge")
        << "prometheus"
        << "llama.cpp" << reading("s", 2, 1, 21, qQNaN(), 21.5) << "llama.cpp" << true << false
        << true;
    QTest::newRow("TGI") << "prometheus"
                         << "TGI" << reading("s", 8, 0, qQNaN(), qQNaN(), 90) << "TGI" << false
                         << false << true;
    QTest::newRow("Ollama") << "ollama"
                            << "Ollama" << reading("s", qQNaN(), qQNaN(), qQNaN(), qQNaN(), qQNaN())
                            << "Ollama" << false << false << false;
}

// A figure is shown with its unit when stored; a missing one says why, naming the server kind
// when that kind never exposes it.
void tst_LocalServersReport::figuresPerKind()
{
    QFETCH(QString, kind);
    QFETCH(QString, sku);
    QFETCH(LocalServerReading, r);
    QFETCH(QString, kindName);
    QFETCH(bool, kvExposed);
    QFETCH(bool, preemptionsExposed);
    QFETCH(bool, tokensExposed);
    LocalServersReportInput in;
    in.connections = {connection(QStringLiteral("s"), kind)};
    r.inventory = {served(QStringLiteral("s"), QStringLiteral("m"), sku)};
    in.result.servers = {r};
    in.health.insert(QStringLiteral("s"), upHealth(QStringLiteral("s")));
    in.nowUtc = kNow;
    const LocalServersReport rep = LocalServersReport::build(in);
    QCOMPARE(rep.servers.size(), 1);
    const LocalServerStatus& s = rep.servers.first();
    QCOMPARE(LocalServersReport::kindName(s.kind), kindName);
    QCOMPARE(rep.table.text(0, 1), kindName);
    QVERIFY(s.up);

    const QString notExposed = QStringLiteral("not exposed by %1").arg(kindName);
    QCOMPARE(s.kvCache.known(), kvExposed);
    QCOMPARE(s.kvCache.text,
             kvExposed ? formatQuantity(r.kvCachePercent.value, Unit::Percent) : notExposed);
    QCOMPARE(rep.table.text(0, 4), s.kvCache.text);
    QCOMPARE(s.preemptions.known(), preemptionsExposed);
    if (preemptionsExposed)
        QCOMPARE(s.preemptions.text, formatCompact(r.preemptions));
    else
        QVERIFY2(s.preemptions.text.startsWith(QLatin1String("not exposed by")),
                 qPrintable(s.preemptions.text));
    QCOMPARE(s.tokensPerSecond.known(), tokensExposed);
    if (tokensExposed)
        QCOMPARE(s.tokensPerSecond.text,
                 formatQuantity(r.recentTokensPerSecond, Unit::TokensPerSecond));
    else
        QCOMPARE(s.tokensPerSecond.text, notExposed);
    if (kind == QLatin1String("ollama")) {
        QCOMPARE(s.running.text, notExposed);
        QCOMPARE(rep.table.text(0, 3), notExposed);
    } else {
        QCOMPARE(s.running.value, r.running.value);
        QCOMPARE(s.waiting.value, r.waiting.value);
        QCOMPARE(rep.table.text(0, 3),
                 QStringLiteral("%1 / %2").arg(formatCompact(r.running.value),
                                               formatCompact(r.waiting.value)));
    }
    // Every missing figure has its reason at length, and the note says it once per kind.
    for (const LocalFigure* f : {&s.running, &s.kvCache, &s.preemptions, &s.tokensPerSecond}) {
        QCOMPARE(f->why.isEmpty(), f->known());
        if (!f->known())
            QVERIFY2(rep.note.contains(f->why), qPrintable(rep.note));
    }
}

void tst_LocalServersReport::status_data()
{
    QTest::addColumn<SourceHealth>("health"); // source empty = no live health
    QTest::addColumn<QVector<GapMarker>>("gaps");
    QTest::addColumn<qint64>("newestData");
    QTest::addColumn<bool>("up");
    QTest::addColumn<QString>("status");
    const QString refused = QStringLiteral("scraping http://gpu1:8000/metrics failed: Connection "
                                           "refused");
    auto gap = [](qint64 from) {
        return GapMarker{QStringLiteral("s"), {from, from + 60}, {}, from};
    };
    auto at = [](qint64 t) { return LocalServersReport::when(t, kNow); };

    SourceHealth up = upHealth(QStringLiteral("s"));
    QTest::newRow("up, never failed") << up << QVector<GapMarker>{} << kNow - 60 << true
                                      << QStringLiteral("Up, no failure in range");
    QTest::newRow("up again after failures")
        << up << QVector<GapMarker>{gap(kNow - 3600), gap(kNow - 1800), gap(kNow - 1740)}
        << kNow - 60 << true << QStringLiteral("Up since %1").arg(at(kNow - 1680));

    SourceHealth down = up;
    down.state = SourceHealth::State::Failing;
    down.lastSuccess = kNow - 1000;
    down.lastError = refused;
    // The first failure after the last good poll is when it went down; older ones are history.
    QTest::newRow("down, gap recorded")
        << down << QVector<GapMarker>{gap(kNow - 7200), gap(floorTo(kNow - 1000, 60) + 60)}
        << kNow - 1020 << false
        << QStringLiteral("Down since %1").arg(at(floorTo(kNow - 1000, 60) + 60));
    QTest::newRow("down, gap before the range")
        << down << QVector<GapMarker>{} << kNow - 1020 << false
        << QStringLiteral("Down, no answer since %1").arg(at(kNow - 1000));
    SourceHealth never = down;
    never.lastSuccess = 0;
    QTest::newRow("down, never answered") << never << QVector<GapMarker>{} << qint64(0) << false
                                          << QStringLiteral("Down, never answered");
    SourceHealth idle;
    idle.source = QStringLiteral("s");
    QTest::newRow("not polled yet")
        << idle << QVector<GapMarker>{} << qint64(0) << false << QStringLiteral("Not polled yet");
    QTest::newRow("no live health, fresh data")
        << SourceHealth{} << QVector<GapMarker>{} << kNow - 120 << true
        << QStringLiteral("Answering, data until %1").arg(at(kNow - 60));
    QTest::newRow("no live health, stale data")
        << SourceHealth{} << QVector<GapMarker>{} << kNow - 7200 << false
        << QStringLiteral("No data since %1").arg(at(kNow - 7140));
}

void tst_LocalServersReport::status()
{
    QFETCH(SourceHealth, health);
    QFETCH(QVector<GapMarker>, gaps);
    QFETCH(qint64, newestData);
    QFETCH(bool, up);
    QFETCH(QString, status);
    LocalServersReportInput in;
    in.connections = {connection(QStringLiteral("s"), QStringLiteral("prometheus"), "GPU box")};
    LocalServerReading r = reading(QStringLiteral("s"), 1, 0, 10, 0, 1);
    r.gaps = gaps;
    r.newestData = newestData;
    in.result.servers = {r};
    if (!health.source.isEmpty())
        in.health.insert(health.source, health);
    in.nowUtc = kNow;
    const LocalServersReport rep = LocalServersReport::build(in);
    const LocalServerStatus& s = rep.servers.first();
    QCOMPARE(s.status, status);
    QCOMPARE(s.up, up);
    QCOMPARE(s.lastError, health.lastError);
    QCOMPARE(rep.table.text(0, 2), status);
    QCOMPARE(rep.table.rows[0][2].warning, !up);
    QCOMPARE(rep.table.text(0, 7),
             health.lastError.isEmpty() ? QStringLiteral("–") : health.lastError);
    // The tile counts it.
    QCOMPARE(rep.tiles.first().value, QStringLiteral("%1 of 1").arg(up ? 1 : 0));
    QCOMPARE(rep.tiles.first().status == KpiFigure::Status::Critical, !up);
}

void tst_LocalServersReport::tilesAddUp()
{
    const QVector<LocalServerReading> rs = {reading("a", 10, 2, 80, 3, 100.5),
                                            reading("b", 4, 0, qQNaN(), qQNaN(), 20),
                                            reading("c", 6, 1, 95, 0, 50)};
    LocalServersReportInput in;
    in.connections = {connection("a", "prometheus"), connection("azure", "azure-openai"),
                      connection("b", "prometheus"), connection("c", "prometheus", "Big GPU")};
    in.result.servers = rs;
    const QString skus[] = {QStringLiteral("vLLM"), QStringLiteral("llama.cpp"),
                            QStringLiteral("vLLM")};
    for (int i = 0; i < rs.size(); ++i) {
        in.result.servers[i].inventory = {served(rs[i].source, "m" + rs[i].source, skus[i])};
        in.health.insert(rs[i].source, upHealth(rs[i].source));
    }
    in.nowUtc = kNow;
    const LocalServersReport rep = LocalServersReport::build(in);
    QCOMPARE(rep.servers.size(), 3); // the Azure connection is not a local server
    QCOMPARE(rep.tiles.size(), 6);
    double running = 0, waiting = 0, tps = 0, pre = 0;
    for (const auto& r : rs) {
        running += r.running.value;
        waiting += r.waiting.value;
        tps += r.recentTokensPerSecond;
        pre += std::isnan(r.preemptions) ? 0 : r.preemptions;
    }
    QCOMPARE(rep.tiles[0].value, QStringLiteral("3 of 3"));
    QCOMPARE(rep.tiles[1].value, formatQuantity(running, Unit::Count));
    QCOMPARE(rep.tiles[1].trend, QStringLiteral("%1 waiting").arg(formatCompact(waiting)));
    // The fullest KV cache, named, warned at 90 % and over.
    QCOMPARE(rep.tiles[2].value, formatQuantity(95, Unit::Percent));
    QVERIFY(rep.tiles[2].trend.contains(QLatin1String("Big GPU")));
    QCOMPARE(rep.tiles[2].status, KpiFigure::Status::Warning);
    QCOMPARE(rep.tiles[3].value, formatQuantity(tps, Unit::TokensPerSecond));
    QCOMPARE(rep.tiles[4].value, formatQuantity(pre, Unit::Count));
    QCOMPARE(rep.tiles[4].status, KpiFigure::Status::Warning);
    QCOMPARE(rep.tiles[5].status, KpiFigure::Status::NoData); // no Ollama
    // One row per server and per served model, in workspace order.
    QCOMPARE(rep.table.rows.size(), 3);
    QCOMPARE(rep.table.text(2, 0), QStringLiteral("Big GPU"));
    QCOMPARE(rep.models.rows.size(), 3);
    QCOMPARE(rep.models.text(1, 1), QStringLiteral("mb"));
    QCOMPARE(rep.models.text(1, 3), QStringLiteral("not exposed by llama.cpp"));
}

void tst_LocalServersReport::ollamaModels()
{
    LocalServerReading r = reading("o", qQNaN(), qQNaN(), qQNaN(), qQNaN(), qQNaN());
    const double gib = 1024.0 * 1024 * 1024;
    r.loaded = {{QStringLiteral("llama3.2:3b"), 4 * gib, 3 * gib, 240},
                {QStringLiteral("nomic-embed-text:latest"), 0.5 * gib, 0.5 * gib, -1}};
    LocalServersReportInput in;
    in.connections = {connection("o", "ollama", "Ollama box")};
    in.result.servers = {r};
    in.health.insert("o", upHealth("o"));
    in.nowUtc = kNow;
    const LocalServersReport rep = LocalServersReport::build(in);
    QCOMPARE(rep.servers.first().models, QStringList({"llama3.2:3b", "nomic-embed-text:latest"}));
    QCOMPARE(rep.models.rows.size(), 2);
    QCOMPARE(rep.models.text(0, 2), LocalServersReport::bytes(4 * gib));
    QCOMPARE(rep.models.text(0, 3), LocalServersReport::bytes(3 * gib));
    // A quarter of the chat model runs on the CPU: said, with its share, and warned.
    QCOMPARE(rep.models.text(0, 4),
             QStringLiteral("%1 (25 %)").arg(LocalServersReport::bytes(gib)));
    QVERIFY(rep.models.rows[0][4].warning);
    QVERIFY(!rep.models.rows[1][4].warning);
    QCOMPARE(rep.models.text(0, 5), QStringLiteral("4 min"));
    QCOMPARE(rep.models.text(1, 5), QStringLiteral("–"));
    QCOMPARE(rep.tiles[5].value, LocalServersReport::bytes(3.5 * gib));
    QVERIFY(rep.tiles[5].trend.contains(LocalServersReport::bytes(gib)));
    QCOMPARE(rep.tiles[5].status, KpiFigure::Status::Warning);
}

void tst_LocalServersReport::noLocalServer()
{
    LocalServersReportInput in;
    in.connections = {connection("azure", "azure-openai")};
    in.nowUtc = kNow;
    const LocalServersReport rep = LocalServersReport::build(in);
    QVERIFY(rep.servers.isEmpty());
    QVERIFY(rep.table.isEmpty());
    QVERIFY(rep.note.contains(QLatin1String("No local server is configured")));
    QCOMPARE(rep.tiles.first().status, KpiFigure::Status::NoData);
}

// What the sources store (per model, per minute) read back as the report's figures.
void tst_LocalServersReport::readsTheStore()
{
    QTemporaryDir dir;
    SampleStore store;
    QVERIFY(store.open(dir.filePath(QStringLiteral("local.sqlite"))).result().usable());
    const qint64 to = floorTo(kNow, 60);
    const qint64 from = to - 3 * 3600;
    const QString avg = QStringLiteral("average"), total = QStringLiteral("total");
    const QString vllm = QStringLiteral("vllm"), ollama = QStringLiteral("ollama");
    auto running = [](qint64 ts) { return double((ts / 60) % 17); };
    auto tokens = [](qint64 ts) { return 1000.0 + double((ts / 60) % 7) * 10; };
    auto preempted = [](qint64 ts) { return (ts / 60) % 30 == 0 ? 2.0 : 0.0; };
    PollBatch b;
    b.source = vllm;
    b.window = {from, to};
    // Two models on one server: running adds up, the KV cache is their mean.
    for (const QString& model : {QStringLiteral("m1"), QStringLiteral("m2")}) {
        b.series << series(vllm, "RequestsRunning", avg, model, from, to, running)
                 << series(vllm, "RequestsWaiting", avg, model, from, to,
                           [](qint64) { return 1.0; })
                 << series(vllm, "KvCacheUsagePercent", avg, model, from, to,
                           [&](qint64) { return model == QLatin1String("m1") ? 40.0 : 60.0; })
                 << series(vllm, "OutputTokens", total, model, from, to, tokens)
                 << series(vllm, "Preemptions", total, model, from, to, preempted);
    }
    QVERIFY(store.write(b).result().ok);
    QVERIFY(store.saveDeployments(vllm, {served(vllm, "m1", "vLLM"), served(vllm, "m2", "vLLM")})
                .result()
                .ok);
    PollBatch o;
    o.source = ollama;
    o.window = {to - 600, to};
    const double gib = 1024.0 * 1024 * 1024;
    o.series << series(ollama, "ModelLoaded", avg, "llama3.2:3b", to - 600, to,
                       [](qint64) { return 1.0; })
             << series(ollama, "ModelLoaded", avg, "qwen", to - 600, to, [](qint64) { return 0.0; })
             << series(ollama, "ModelSizeBytes", avg, "llama3.2:3b", to - 600, to,
                       [&](qint64) { return 4 * gib; })
             << series(ollama, "ModelVramBytes", avg, "llama3.2:3b", to - 600, to,
                       [&](qint64) { return 3 * gib; });
    QVERIFY(store.write(o).result().ok);
    QVERIFY(store.recordGap({vllm, {to - 7200, to - 7140}, QStringLiteral("refused"), to - 7140})
                .result()
                .ok);

    LocalServersRequest req;
    req.range = {to - 2 * 3600, to};
    req.connections = {connection(vllm, "prometheus"), connection("azure", "azure-openai"),
                       connection(ollama, "ollama")};
    const LocalServersResult r = store
                                     .read<LocalServersResult>([req](StoreBackend& db) {
                                         return LocalServersQuery::run(db, req, JobToken());
                                     })
                                     .result();
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.servers.size(), 2);
    const LocalServerReading& v = r.servers[0];
    QCOMPARE(v.source, vllm);
    QCOMPARE(v.newestData, to - 60);
    QCOMPARE(v.running.at, to - 60);
    QCOMPARE(v.running.value, 2 * running(to - 60));
    QCOMPARE(v.waiting.value, 2.0);
    QCOMPARE(v.kvCachePercent.value, 50.0);
    double pre = 0, out = 0, recent = 0;
    for (qint64 ts = req.range.from; ts < req.range.to; ts += 60) {
        pre += 2 * preempted(ts);
        out += 2 * tokens(ts);
    }
    for (qint64 ts = to - 60 - 300; ts < to - 60; ts += 60)
        recent += 2 * tokens(ts);
    QCOMPARE(v.preemptions, pre);
    QCOMPARE(v.outputTokens, out);
    QCOMPARE(v.recentTokensPerSecond, recent / 300.0);
    // Only minutes with data count: a server first scraped two minutes ago has one whole one.
    PollBatch fresh;
    fresh.source = QStringLiteral("fresh");
    fresh.window = {to - 120, to};
    fresh.series << series(fresh.source, "OutputTokens", total, "m3", to - 120, to, tokens);
    QVERIFY(store.write(fresh).result().ok);
    LocalServersRequest late = req;
    late.connections = {connection(fresh.source, "prometheus")};
    const LocalServersResult lr = store
                                      .read<LocalServersResult>([late](StoreBackend& db) {
                                          return LocalServersQuery::run(db, late, JobToken());
                                      })
                                      .result();
    QCOMPARE(lr.servers[0].recentTokensPerSecond, tokens(to - 120) / 60.0);
    QCOMPARE(v.gaps.size(), 1);
    QCOMPARE(v.inventory.size(), 2);
    const LocalServerReading& ol = r.servers[1];
    QCOMPARE(ol.source, ollama);
    QCOMPARE(ol.loaded.size(), 1); // qwen is installed, not loaded
    QCOMPARE(ol.loaded[0].name, QStringLiteral("llama3.2:3b"));
    QCOMPARE(ol.loaded[0].vramBytes, 3 * gib);
    QCOMPARE(ol.loaded[0].sizeBytes, 4 * gib);
    QCOMPARE(ol.loaded[0].expiresInSeconds, -1.0);
}

QTEST_GUILESS_MAIN(tst_LocalServersReport)
#include "tst_localserversreport.moc"
