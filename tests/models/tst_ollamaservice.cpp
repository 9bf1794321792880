#include "emulator/emulator.h"
#include "emulator/ollamaservice.h"
#include "emulator/trafficmodel.h"
#include "sources/ollama/ollamaparser.h"

#include <QtTest/QtTest>

using namespace isc;
using emu::OllamaService;

namespace {
constexpr qint64 kDay = 1788220800; // 2026-09-01 00:00 UTC, a Tuesday
}

class tst_OllamaService : public QObject
{
    Q_OBJECT
private slots:
    void loadedFollowsDemand_data();
    void loadedFollowsDemand();
    void tags();
};

void tst_OllamaService::loadedFollowsDemand_data()
{
    QTest::addColumn<qint64>("t");
    QTest::newRow("night") << kDay + 3 * 3600 + 10;
    QTest::newRow("busy") << kDay + 14 * 3600 + 10;
    QTest::newRow("saturday noon") << kDay + 4 * 86400 + 12 * 3600;
}

void tst_OllamaService::loadedFollowsDemand()
{
    QFETCH(qint64, t);
    emu::TrafficModel traffic(7);
    OllamaService service(traffic);
    const bool chat =
        emu::TrafficModel::demandEnvelope(t - t % 60, false) > OllamaService::chatLoadThreshold;
    QCOMPARE(OllamaService::chatModelLoadedAt(t), chat);
    const auto ps = ollama::parseOllamaPs(service.psJson(t));
    QVERIFY2(ps.ok, qPrintable(ps.error));
    QCOMPARE(ps.models.size(), chat ? 2 : 1);
    for (const auto& m : ps.models) {
        QVERIFY(m.sizeVramBytes > 0 && m.sizeVramBytes <= m.sizeBytes);
        QVERIFY(m.expiresAt > t);
    }
    QCOMPARE(service.psJson(t), service.psJson(t)); // a pure function of time
}

void tst_OllamaService::tags()
{
    emu::TrafficModel traffic(7);
    OllamaService service(traffic);
    const auto tags = ollama::parseOllamaTags(service.tagsJson());
    QVERIFY(tags.ok);
    QCOMPARE(tags.models.size(), 3);
    QCOMPARE(tags.models.at(0).name, QStringLiteral("llama3.2:3b"));
    QCOMPARE(tags.models.at(1).name, QStringLiteral("nomic-embed-text:latest"));
}

QTEST_GUILESS_MAIN(tst_OllamaService)
#include "tst_ollamaservice.moc"
