#include "cost/costquery.h"
#include "emulator/emulator.h"
#include "net/httpclient.h"
#include "sources/source.h"
#include "sources/sourcefactory.h"
#include "store/samplestore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;

namespace {

// 2026-09-02 (a Wednesday) 06:00:30 UTC; the reconciled window is the full UTC day before.
constexpr qint64 kToday = 1788307200;
constexpr qint64 kNow = kToday + 6 * 3600 + 30;
constexpr qint64 kYesterday = kToday - 86400;
constexpr quint64 kSeed = 42;

} // namespace

/// The reconciliation: on the demo fleet, the cost engine's computed OpenAI and Anthropic
/// costs equal the costs the (emulated) providers report, within 0.1 %. The emulator prices its
/// reports from its own small table (emulator/cloudprices), not through the cost engine, so this
/// fails when the catalog, the sources' token classes or the engine's arithmetic drift.
class tst_CostReconciliation : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_emu = std::make_unique<emu::Emulator>(kSeed);
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_emu->setClock([] { return kNow; });
        QVERIFY(m_dir.isValid());
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("recon.sqlite"))).result().usable());
    }

    void computedEqualsReported_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("openai") << QStringLiteral("openai");
        QTest::newRow("anthropic") << QStringLiteral("anthropic");
    }

    void computedEqualsReported()
    {
        QFETCH(QString, kind);
        const Workspace demo =
            Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
        Connection conn;
        for (const Connection& c : demo.connections) {
            if (c.kind == kind)
                conn = c;
        }
        QVERIFY2(!conn.id.isEmpty(), "the demo workspace has this provider");

        // Collect the day from the emulator into the store, as the collector would.
        HttpClient http;
        QString error;
        std::unique_ptr<Source> src(makeSource(
            conn, &http, [](QString*) { return emu::Emulator::demoToken(); }, nullptr, &error));
        QVERIFY2(src, qPrintable(error));
        src->setClock([] { return kNow; });
        QSignalSpy gaps(src.get(), &Source::pollFailed);
        QSignalSpy done(src.get(), &Source::backfillFinished);
        int written = 0;
        connect(src.get(), &Source::batchReady, this, [&](const PollBatch& b) {
            QVERIFY(m_store.write(b).result().ok);
            ++written;
        });
        src->start({{kYesterday, kNow - 30}});
        QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 120000);
        src->stop();
        QVERIFY2(gaps.isEmpty(),
                 gaps.isEmpty() ? "" : qPrintable(gaps.first().at(0).value<GapMarker>().reason));
        QVERIFY(written > 0);

        CostQueryRequest req;
        req.range = {kYesterday, kToday};
        req.kindBySource.insert(conn.id, kind);
        const CostQueryResult r =
            CostQuery::run(&m_store, CostEngine(PriceCatalog::builtin()), req);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.reported.size(), 1);
        const ReportedSourceCost& rc = r.reported.first();
        QCOMPARE(r.report.unpricedItems, 0);
        const double reported = double(rc.reported.micros), computed = double(rc.computed.micros);
        const double diff = reported > 0 ? std::abs(computed - reported) / reported : 1;
        qInfo("%s, %s: reported %s, computed %s, difference %.4f %%", qPrintable(kind),
              qPrintable(formatIsoUtc(kYesterday)), qPrintable(rc.reported.format(6)),
              qPrintable(rc.computed.format(6)), 100 * diff);
        QVERIFY(reported > 1e6); // more than a dollar: a real day of traffic
        QVERIFY2(diff <= 0.001, qPrintable(rc.comparison.explanation));
    }

private:
    std::unique_ptr<emu::Emulator> m_emu;
    QTemporaryDir m_dir;
    SampleStore m_store;
};

QTEST_GUILESS_MAIN(tst_CostReconciliation)
#include "tst_costreconciliation.moc"
