#include "store/postgres/pgbinaryrows.h"
#include "store/postgres/pgconnection.h"
#include "testpostgres.h"

#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace isc;
using namespace isc::test;

/// COPY's binary format as the PostgreSQL writer sends it: the bytes, and what a real server
/// reads from them (bit for bit for doubles, NULLs as NULL).
class tst_PgBinaryRows : public QObject
{
    Q_OBJECT

    TestPostgres m_pg;
    pg::Connection m_conn;

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_pg.start(&error), qPrintable(error));
        const QString uri = m_pg.createDatabase(&error);
        QVERIFY2(!uri.isEmpty(), qPrintable(error));
        QVERIFY2(m_conn.connect(uri, TestPostgres::password(), &error), qPrintable(error));
        QVERIFY2(m_conn.run("CREATE TEMP TABLE t(a bigint, b double precision, c bigint)", &error),
                 qPrintable(error));
    }

    void emptyStreamIsHeaderAndTrailer()
    {
        const pg::BinaryRows rows;
        QVERIFY(rows.isEmpty());
        QCOMPARE(rows.stream(), QByteArray("PGCOPY\n\xff\r\n\0" // signature
                                           "\0\0\0\0"           // flags
                                           "\0\0\0\0"           // header extension
                                           "\xff\xff",          // trailer: -1 fields
                                           21));
    }

    void rowBytes()
    {
        pg::BinaryRows rows;
        rows.beginRow(3);
        rows.addInt64(0x0102030405060708);
        rows.addDouble(1.0);
        rows.addNull();
        QCOMPARE(rows.rows(), 1);
        const QByteArray expected("\0\x03"                                     // 3 fields
                                  "\0\0\0\x08\x01\x02\x03\x04\x05\x06\x07\x08" // int8
                                  "\0\0\0\x08\x3f\xf0\0\0\0\0\0\0" // float8 1.0, big-endian
                                  "\xff\xff\xff\xff",              // NULL
                                  2 + 12 + 12 + 4);
        QCOMPARE(rows.stream().mid(19, expected.size()), expected);
    }

    void serverReadsValues_data()
    {
        QTest::addColumn<qint64>("a");
        QTest::addColumn<double>("b");
        QTest::addColumn<bool>("cNull");
        QTest::newRow("plain") << qint64(1772323200) << 1234.5 << false;
        QTest::newRow("negative, NULL") << qint64(-7) << -0.1 << true;
        QTest::newRow("extremes") << std::numeric_limits<qint64>::min()
                                  << std::numeric_limits<double>::max() << false;
        QTest::newRow("needs 17 digits") << qint64(1) << 0.1 + 0.2 << false;
        QTest::newRow("subnormal")
            << qint64(2) << std::numeric_limits<double>::denorm_min() << true;
    }

    void serverReadsValues()
    {
        QFETCH(qint64, a);
        QFETCH(double, b);
        QFETCH(bool, cNull);
        QString error;
        QVERIFY2(m_conn.run("TRUNCATE t", &error), qPrintable(error));
        pg::BinaryRows rows;
        for (int i = 0; i < 2; ++i) {
            rows.beginRow(3);
            rows.addInt64(a);
            rows.addDouble(b);
            if (cNull)
                rows.addNull();
            else
                rows.addInt64(i);
        }
        QVERIFY2(m_conn.copyIn("COPY t FROM STDIN (FORMAT binary)", rows.stream(), &error),
                 qPrintable(error));
        // float8send: the stored double's bits, compared exactly.
        const pg::Result r = m_conn.exec(
            "SELECT a, float8send(b)::text, c IS NULL, c FROM t ORDER BY c NULLS FIRST");
        QVERIFY2(r.ok(), qPrintable(r.message()));
        QCOMPARE(r.rows(), 2);
        quint64 bits = 0;
        std::memcpy(&bits, &b, sizeof b);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(r.int64(i, 0), a);
            QCOMPARE(r.text(i, 1), QStringLiteral("\\x%1").arg(bits, 16, 16, QLatin1Char('0')));
            QCOMPARE(r.text(i, 2), cNull ? QStringLiteral("t") : QStringLiteral("f"));
            if (!cNull)
                QCOMPARE(r.int64(i, 3), qint64(i));
        }
    }

    void fieldCountMismatchIsRefused()
    {
        pg::BinaryRows rows;
        rows.beginRow(2);
        rows.addInt64(1);
        rows.addDouble(2);
        QString error;
        QVERIFY(!m_conn.copyIn("COPY t FROM STDIN (FORMAT binary)", rows.stream(), &error));
        QVERIFY2(error.contains(QLatin1String("row field count")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(tst_PgBinaryRows)
#include "tst_pgbinaryrows.moc"
