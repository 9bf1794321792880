#include "store/sqlite/packedrollup.h"

#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace isc;
using namespace isc::packedrollup;

Q_DECLARE_METATYPE(isc::packedrollup::Layout)

class TestPackedRollup : public QObject
{
    Q_OBJECT
private slots:
    void layouts()
    {
        QCOMPARE(kFiveMinutes.slotCount(), 12);
        QCOMPARE(kFifteenMinutes.slotCount(), 24);
        // A row stays inside a 4 KiB B-tree page of a WITHOUT ROWID table: no overflow pages.
        QVERIFY(kFifteenMinutes.rowBytes() < 1000);
        QCOMPARE(kFiveMinutes.rowStart(1767225600 + 3599), qint64(1767225600));
        QCOMPARE(kFifteenMinutes.rowStart(1767225600 + 6 * 3600), qint64(1767225600 + 6 * 3600));
        QCOMPARE(kFifteenMinutes.rowStart(1767225600 + 6 * 3600 - 1), qint64(1767225600));
        QCOMPARE(kFiveMinutes.slotOf(1767225600 + 55 * 60, 1767225600), 11);
    }

    void roundTrip_data()
    {
        QTest::addColumn<Layout>("layout");
        QTest::newRow("5 min") << kFiveMinutes;
        QTest::newRow("15 min") << kFifteenMinutes;
    }
    void roundTrip()
    {
        QFETCH(Layout, layout);
        const qint64 start = 1767225600 + 6 * 3600;
        const int last = layout.slotCount() - 1;
        Row row = emptyRow(layout, start);
        row[0] = {start, -1.5, 2.25, 10.0, 3};
        row[7] = {start + 7 * layout.bucket, std::numeric_limits<double>::lowest(), 1e308, -0.0,
                  15};
        row[std::size_t(last)] = {start + last * layout.bucket, 0.1, 0.3, 0.6, 2};
        const QByteArray blob = encode(layout, row);
        QCOMPARE(blob.size(), layout.rowBytes());
        Row back;
        QVERIFY(decode(layout, blob.constData(), int(blob.size()), start, &back));
        for (int i = 0; i < layout.slotCount(); ++i) {
            const StoredBucket& a = row[std::size_t(i)];
            const StoredBucket& b = back[std::size_t(i)];
            QCOMPARE(b.ts, start + i * layout.bucket);
            QCOMPARE(b.count, a.count);
            QCOMPARE(b.min, a.min);
            QCOMPARE(b.max, a.max);
            QCOMPARE(b.sum, a.sum);
            QCOMPARE(std::signbit(b.sum), std::signbit(a.sum));
        }
    }

    void littleEndianLayout()
    {
        Row row = emptyRow(kFiveMinutes, 0);
        row[1] = {300, 1.0, 2.0, 3.0, 258};
        const QByteArray blob = encode(kFiveMinutes, row);
        // Slot 1, count at byte 24: 258 = 0x0102, least significant byte first.
        QCOMPARE(quint8(blob[kSlotBytes + 24]), quint8(0x02));
        QCOMPARE(quint8(blob[kSlotBytes + 25]), quint8(0x01));
        // 1.0 is 0x3FF0000000000000: its last byte is 0x3F.
        QCOMPARE(quint8(blob[kSlotBytes + 7]), quint8(0x3F));
    }

    void rejectsWrongSize_data()
    {
        QTest::addColumn<Layout>("layout");
        QTest::addColumn<int>("size");
        QTest::newRow("empty") << kFiveMinutes << 0;
        QTest::newRow("short") << kFiveMinutes << kFiveMinutes.rowBytes() - 1;
        QTest::newRow("long") << kFifteenMinutes << kFifteenMinutes.rowBytes() + 1;
        QTest::newRow("the other layout") << kFifteenMinutes << kFiveMinutes.rowBytes();
    }
    void rejectsWrongSize()
    {
        QFETCH(Layout, layout);
        QFETCH(int, size);
        const QByteArray blob(size, '\0');
        Row row = emptyRow(layout, 0);
        QVERIFY(!decode(layout, blob.constData(), size, 0, &row));
        QVector<StoredBucket> out;
        QVERIFY(!appendBuckets(layout, blob.constData(), size, 0, 0, layout.span, &out));
        QVERIFY(out.isEmpty());
    }

    void appendsBucketsInRange_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<QVector<qint64>>("expected"); // bucket starts, relative to the row
        const qint64 b = kFifteenMinutes.bucket;
        const qint64 span = kFifteenMinutes.span;
        QTest::newRow("whole row") << qint64(0) << span << QVector<qint64>{0, 2 * b, 23 * b};
        QTest::newRow("from after slot 0") << b << span << QVector<qint64>{2 * b, 23 * b};
        QTest::newRow("from inside slot 0") << qint64(60) << span << QVector<qint64>{2 * b, 23 * b};
        QTest::newRow("to at slot 2's start") << qint64(0) << 2 * b << QVector<qint64>{0};
        QTest::newRow("to inside slot 2") << qint64(0) << 2 * b + 60 << QVector<qint64>{0, 2 * b};
        QTest::newRow("before the row") << -span << qint64(0) << QVector<qint64>{};
        QTest::newRow("after the row") << span << 2 * span << QVector<qint64>{};
        QTest::newRow("around the row") << -span << 2 * span << QVector<qint64>{0, 2 * b, 23 * b};
    }
    void appendsBucketsInRange()
    {
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        QFETCH(QVector<qint64>, expected);
        const Layout& layout = kFifteenMinutes;
        const qint64 start = 1767225600;
        Row row = emptyRow(layout, start);
        for (const int slot : {0, 2, 23})
            row[std::size_t(slot)] = {start + slot * layout.bucket, double(slot), double(slot) + 1,
                                      double(slot) * 3, 3};
        const QByteArray blob = encode(layout, row);
        QVector<StoredBucket> out;
        QVERIFY(appendBuckets(layout, blob.constData(), int(blob.size()), start, start + from,
                              start + to, &out));
        QVector<qint64> got;
        for (const StoredBucket& b : out) {
            got.append(b.ts - start);
            QCOMPARE(b.count, qint64(3));
            QCOMPARE(b.sum, double((b.ts - start) / layout.bucket) * 3);
        }
        QCOMPARE(got, expected);
    }

    void combinesSlots()
    {
        Row row = emptyRow(kFiveMinutes, 3600);
        row[3] = {3600 + 900, 2, 5, 14, 5};
        row[5] = {3600 + 1500, -1, 9, 20, 4};
        const StoredBucket quarter = combine(row, 3, 3);
        QCOMPARE(quarter.ts, qint64(3600 + 900));
        QCOMPARE(quarter.min, -1.0);
        QCOMPARE(quarter.max, 9.0);
        QCOMPARE(quarter.sum, 34.0);
        QCOMPARE(quarter.count, qint64(9));
        const StoredBucket none = combine(row, 6, 3);
        QCOMPARE(none.count, qint64(0));
        QVERIFY(std::isfinite(none.min) && std::isfinite(none.max));
    }
};

QTEST_APPLESS_MAIN(TestPackedRollup)
#include "tst_packedrollup.moc"
