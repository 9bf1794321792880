#include "emulator/emulator.h"
#include "emulator/emulatorkeys.h"
#include "net/httpclient.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_EmulatorKeys : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { emu::setExtraAcceptedKey(QString()); }

    void accepted_data()
    {
        QTest::addColumn<QString>("extra");
        QTest::addColumn<QByteArray>("presented");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("demo token") << QString() << QByteArray("inferscope-demo-token") << true;
        QTest::newRow("no extra key") << QString() << QByteArray("canary-1") << false;
        QTest::newRow("extra key") << "canary-1" << QByteArray("canary-1") << true;
        QTest::newRow("demo token beside it")
            << "canary-1" << QByteArray("inferscope-demo-token") << true;
        QTest::newRow("prefix only") << "canary-1" << QByteArray("canary-") << false;
        QTest::newRow("empty never") << "canary-1" << QByteArray() << false;
        QTest::newRow("trimmed when set") << " canary-1\n" << QByteArray("canary-1") << true;
        QTest::newRow("several: first") << "canary-1, canary-2" << QByteArray("canary-1") << true;
        QTest::newRow("several: second") << "canary-1, canary-2" << QByteArray("canary-2") << true;
        QTest::newRow("several: not the list")
            << "canary-1,canary-2" << QByteArray("canary-1,canary-2") << false;
    }
    void accepted()
    {
        QFETCH(QString, extra);
        QFETCH(QByteArray, presented);
        QFETCH(bool, accepted);
        emu::setExtraAcceptedKey(extra);
        QCOMPARE(emu::hasExtraAcceptedKey(), !extra.isEmpty());
        QCOMPARE(emu::isAcceptedKey(presented), accepted);
        QCOMPARE(emu::isAcceptedBearer("Bearer " + presented), accepted);
        QVERIFY(!emu::isAcceptedBearer(presented)); // the scheme is required
    }

    // The emulator's ARM routes take the extra key as a bearer token.
    void emulatorTakesTheExtraKey()
    {
        emu::Emulator emulator(1);
        QVERIFY(emulator.listen());
        HttpClient http;
        const auto status = [&](const QByteArray& token) {
            HttpRequest req;
            req.url = QUrl(emulator.baseUrl().toString() + emu::Emulator::accountResourceId() +
                           QStringLiteral("/deployments?api-version=2024-10-01"));
            req.headers.append(HttpHeader{"Authorization", "Bearer " + token});
            req.maxRetries = 0;
            int got = -1;
            http.send(req, this, [&got](const HttpResponse& r) { got = r.status; });
            [&] { QTRY_VERIFY(got != -1); }();
            return got;
        };
        QCOMPARE(status("canary-2"), 401);
        emu::setExtraAcceptedKey(QStringLiteral("canary-2"));
        QCOMPARE(status("canary-2"), 200);
        QCOMPARE(status("inferscope-demo-token"), 200);
        emu::setExtraAcceptedKey(QString());
        QCOMPARE(status("canary-2"), 401);
    }
};

QTEST_GUILESS_MAIN(tst_EmulatorKeys)
#include "tst_emulatorkeys.moc"
