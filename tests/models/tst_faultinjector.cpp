#include "emulator/emulator.h"
#include "net/loopbackhttpserver.h"
#include "net/retrypolicy.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QUuid>
#include <QtTest/QtTest>
#include <memory>

using namespace isc::emu;

namespace {

struct Fetched
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QVector<qint64> readyReadAt; // ms since the request was sent
    qint64 elapsedMs = 0;
    bool finished = false;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& [k, v] : headers) {
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        }
        return {};
    }
};

} // namespace

class tst_FaultInjector : public QObject
{
    Q_OBJECT

    std::unique_ptr<Emulator> m_emu;
    QNetworkAccessManager* m_nam = nullptr;

    // One GET to the emulator with the fault header, redirects not followed; waits `waitMs`.
    Fetched fetch(const QByteArray& fault, const QByteArray& id = {}, int waitMs = 10000,
                  const QByteArray& path = "/faulty/path")
    {
        QNetworkRequest req(QUrl::fromEncoded(m_emu->baseUrl().toEncoded() + path));
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
        if (!fault.isEmpty())
            req.setRawHeader("x-inferscope-fault", fault);
        if (!id.isEmpty())
            req.setRawHeader("x-inferscope-fault-id", id);
        QElapsedTimer clock;
        clock.start();
        std::unique_ptr<QNetworkReply> reply(m_nam->get(req));
        Fetched f;
        connect(reply.get(), &QNetworkReply::readyRead, this, [&f, &clock, r = reply.get()] {
            f.readyReadAt.append(clock.elapsed());
            f.body += r->readAll();
        });
        QSignalSpy spy(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            spy.wait(waitMs);
        f.finished = reply->isFinished();
        f.elapsedMs = clock.elapsed();
        f.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        f.error = reply->error();
        f.body += reply->readAll();
        f.headers = reply->rawHeaderPairs();
        if (!f.finished)
            reply->abort();
        return f;
    }

private slots:
    void initTestCase()
    {
        m_emu = std::make_unique<Emulator>(42);
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_nam = new QNetworkAccessManager(this);
        m_nam->setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    }
    void cleanupTestCase() { m_emu.reset(); }

    void noFaultHeaderServesNormally()
    {
        const Fetched f = fetch({});
        QCOMPARE(f.status, 401); // the normal answer (ARM wants a token), not a fault
    }

    void statusModes_data()
    {
        QTest::addColumn<QByteArray>("fault");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("hintHeader"); // empty = no retry hint
        QTest::addColumn<QByteArray>("hintValue");  // empty = any
        QTest::newRow("429 default")
            << QByteArray("429") << 429 << QByteArray("retry-after-ms") << QByteArray("1000");
        QTest::newRow("429 retry-after-ms") << QByteArray("429;header=retry-after-ms;ms=250") << 429
                                            << QByteArray("retry-after-ms") << QByteArray("250");
        QTest::newRow("429 x-ms-retry-after-ms")
            << QByteArray("429;header=x-ms-retry-after-ms;ms=70") << 429
            << QByteArray("x-ms-retry-after-ms") << QByteArray("70");
        QTest::newRow("429 retry-after rounds up")
            << QByteArray("429;header=retry-after;ms=1500") << 429 << QByteArray("retry-after")
            << QByteArray("2");
        QTest::newRow("429 retry-after-date") << QByteArray("429;header=retry-after-date;ms=1000")
                                              << 429 << QByteArray("retry-after") << QByteArray();
        QTest::newRow("500") << QByteArray("500") << 500 << QByteArray() << QByteArray();
        QTest::newRow("502") << QByteArray("502") << 502 << QByteArray() << QByteArray();
        QTest::newRow("503 with hint") << QByteArray("503;header=retry-after-ms;ms=5") << 503
                                       << QByteArray("retry-after-ms") << QByteArray("5");
        QTest::newRow("529") << QByteArray("529") << 529 << QByteArray() << QByteArray();
        QTest::newRow("spend-limit")
            << QByteArray("spend-limit") << 429 << QByteArray("retry-after") << QByteArray();
        QTest::newRow("unknown mode")
            << QByteArray("teapot") << 400 << QByteArray() << QByteArray();
    }
    void statusModes()
    {
        QFETCH(QByteArray, fault);
        QFETCH(int, status);
        QFETCH(QByteArray, hintHeader);
        QFETCH(QByteArray, hintValue);
        const Fetched f = fetch(fault);
        QVERIFY(f.finished);
        QCOMPARE(f.status, status);
        QVERIFY(QJsonDocument::fromJson(f.body).isObject());
        if (hintHeader.isEmpty()) {
            QVERIFY(f.header("retry-after-ms").isEmpty());
            QVERIFY(f.header("retry-after").isEmpty());
        } else {
            QVERIFY2(!f.header(hintHeader).isEmpty(), hintHeader.constData());
            if (!hintValue.isEmpty())
                QCOMPARE(f.header(hintHeader), hintValue);
        }
    }

    void retryAfterDateIsInTheFuture()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const Fetched f = fetch("429;header=retry-after-date;ms=3000");
        // An IMF-fixdate ("Wed, 25 Nov 2026 03:20:01 GMT"), read as the HTTP client reads it.
        const auto delay =
            isc::retry::serverRetryDelayMs({{"retry-after", f.header("retry-after")}}, before);
        QVERIFY2(delay.has_value(), f.header("retry-after").constData());
        QVERIFY(*delay >= 3000);
    }

    void spendLimitNamesTheError()
    {
        const Fetched f = fetch("spend-limit");
        QVERIFY(f.body.contains("enforced_spend_limit_reached"));
    }

    void timesFailsOnlyTheFirstRequestsOfAnId()
    {
        const QByteArray id = QUuid::createUuid().toByteArray();
        QCOMPARE(fetch("503;times=2", id).status, 503);
        QCOMPARE(fetch("503;times=2", id).status, 503);
        QCOMPARE(fetch("503;times=2", id).status, 401); // served normally
        // Another id has its own count.
        QCOMPARE(fetch("503;times=2", id + "-other").status, 503);
    }

    void truncate()
    {
        const Fetched f = fetch("truncate");
        QVERIFY(f.finished);
        QCOMPARE(f.status, 200);
        QCOMPARE(f.error, QNetworkReply::RemoteHostClosedError);
        const qint64 announced = f.header("content-length").toLongLong();
        QVERIFY(announced > 0);
        QVERIFY(f.body.size() < announced);
    }

    void malformed()
    {
        const Fetched f = fetch("malformed");
        QCOMPARE(f.status, 200);
        QVERIFY(f.header("content-type").startsWith("application/json"));
        QJsonParseError pe{};
        QJsonDocument::fromJson(f.body, &pe);
        QVERIFY(pe.error != QJsonParseError::NoError);
    }

    void wrongContentType()
    {
        const Fetched f = fetch("content-type");
        QCOMPARE(f.status, 200);
        QVERIFY(f.header("content-type").startsWith("text/html"));
        QVERIFY(f.body.startsWith("<html>"));
    }

    void drip()
    {
        const Fetched f = fetch("drip;ms=40;chunks=5");
        QVERIFY(f.finished);
        QCOMPARE(f.status, 200);
        QCOMPARE(f.error, QNetworkReply::NoError);
        QVERIFY(QJsonDocument::fromJson(f.body).isObject());
        // Five pieces, 40 ms apart: the whole body cannot arrive before 4 intervals.
        QVERIFY2(f.elapsedMs >= 4 * 40, qPrintable(QString::number(f.elapsedMs)));
        QVERIFY(f.readyReadAt.size() >= 2);
    }

    void stall()
    {
        const Fetched f = fetch("stall", {}, 500);
        QVERIFY(!f.finished); // headers came, the body never ends
        QCOMPARE(f.status, 200);
        QVERIFY(f.body.isEmpty());
    }

    void redirectCrossOrigin()
    {
        const Fetched f = fetch("redirect-cross-origin");
        QCOMPARE(f.status, 302);
        const QUrl location = QUrl::fromEncoded(f.header("location"));
        QCOMPARE(location.host(), QStringLiteral("localhost")); // we asked 127.0.0.1
        QCOMPARE(location.port(), m_emu->baseUrl().port());
        QCOMPARE(location.path(), QStringLiteral("/faulty/path"));
    }

    void redirectCrossOriginTo()
    {
        const Fetched f = fetch("redirect-cross-origin;to=http://127.0.0.1:1/");
        QCOMPARE(f.status, 302);
        const QUrl location = QUrl::fromEncoded(f.header("location"));
        QCOMPARE(location.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(location.port(), 1);
    }

    void redirectSameOriginIsServedAfterwards()
    {
        const Fetched f = fetch("redirect-same-origin");
        QCOMPARE(f.status, 302);
        const QByteArray location = f.header("location");
        QVERIFY2(location.startsWith("/faulty/path?"), location.constData());
        // The target is not faulted again: the normal answer comes.
        QCOMPARE(fetch("redirect-same-origin", {}, 10000, location).status, 401);
    }
};

QTEST_GUILESS_MAIN(tst_FaultInjector)
#include "tst_faultinjector.moc"
