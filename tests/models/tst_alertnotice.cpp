#include "alerts/delivery/alertnotice.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

using N = AlertNotice;

N ptuNotice()
{
    N n;
    n.ruleId = QStringLiteral("ptu-saturation");
    n.ruleName = QStringLiteral("PTU saturation");
    n.metric = QStringLiteral("PTU utilization");
    n.severity = N::Severity::Critical;
    n.transition = N::Transition::Firing;
    n.labels = {{QStringLiteral("connection"), QStringLiteral("east")},
                {QStringLiteral("deployment"), QStringLiteral("gpt-4o-ptu")}};
    n.value = 97.3;
    n.threshold = 90;
    n.comparison = N::Comparison::AtOrAbove;
    n.unit = Unit::Percent;
    n.aggregation = N::Aggregation::Latest;
    n.windowSeconds = 300;
    n.startsAt = QDateTime(QDate(2024, 5, 1), QTime(14, 5), Qt::UTC);
    n.at = n.startsAt;
    n.dedupKey = N::dedupKeyFor(n.ruleId, n.labels);
    return n;
}

} // namespace

class tst_AlertNotice : public QObject
{
    Q_OBJECT
private slots:
    void wording_data()
    {
        QTest::addColumn<AlertNotice>("notice");
        QTest::addColumn<QString>("title");
        QTest::addColumn<QString>("body");

        const N base = ptuNotice();
        QTest::newRow("firing, latest")
            << base << QStringLiteral("PTU utilization ≥ 90 % on gpt-4o-ptu (east)")
            << QStringLiteral("97.3 % for 5 min, threshold 90 %, since 14:05");
        N avg = base;
        avg.aggregation = N::Aggregation::Average;
        QTest::newRow("firing, average")
            << avg << QStringLiteral("PTU utilization ≥ 90 % on gpt-4o-ptu (east)")
            << QStringLiteral("97.3 % on average over 5 min, threshold 90 %, since 14:05");

        N p95;
        p95.ruleName = QStringLiteral("Slow answers");
        p95.severity = N::Severity::Warning;
        p95.labels = {{QStringLiteral("deployment"), QStringLiteral("gpt-4o")}};
        p95.value = 2140;
        p95.threshold = 1500;
        p95.comparison = N::Comparison::Above;
        p95.unit = Unit::Milliseconds;
        p95.aggregation = N::Aggregation::P95;
        p95.windowSeconds = 900;
        p95.startsAt = QDateTime(QDate(2024, 5, 1), QTime(9, 30), Qt::UTC);
        p95.at = p95.startsAt.addSecs(60);
        QTest::newRow("firing, p95, rule name as metric, no connection")
            << p95 << QStringLiteral("Slow answers > 1.50 s on gpt-4o")
            << QStringLiteral(
                   "95th percentile of 2.14 s over 15 min, threshold 1.50 s, since 09:30");

        N below = base;
        below.metric = QStringLiteral("Tokens per minute");
        below.comparison = N::Comparison::Below;
        below.unit = Unit::TokensPerMin;
        below.value = 1250;
        below.threshold = 5000;
        below.windowSeconds = 0;
        below.labels = {{QStringLiteral("model"), QStringLiteral("llama3")}};
        QTest::newRow("below, no window, model label")
            << below << QStringLiteral("Tokens per minute < 5k tokens/min on llama3")
            << QStringLiteral("1.25k tokens/min, threshold 5k tokens/min, since 14:05");

        N resolved = base;
        resolved.transition = N::Transition::Resolved;
        resolved.value = 62;
        resolved.aggregation = N::Aggregation::Average;
        resolved.at = base.startsAt.addSecs(26 * 60);
        QTest::newRow("resolved")
            << resolved << QStringLiteral("Resolved: PTU utilization ≥ 90 % on gpt-4o-ptu (east)")
            << QStringLiteral("Now 62 % on average over 5 min, threshold 90 %; fired from 14:05 to "
                              "14:31 (26 min)");

        N overnight = base;
        overnight.at = base.startsAt.addDays(1);
        QTest::newRow("started the day before")
            << overnight << QStringLiteral("PTU utilization ≥ 90 % on gpt-4o-ptu (east)")
            << QStringLiteral("97.3 % for 5 min, threshold 90 %, since 1 May 14:05");

        N pending = base;
        pending.transition = N::Transition::Pending;
        pending.labels.clear();
        pending.comparison = N::Comparison::AtOrBelow;
        QTest::newRow("pending, no labels")
            << pending << QStringLiteral("Pending: PTU utilization ≤ 90 %")
            << QStringLiteral("97.3 % for 5 min, threshold 90 %, pending since 14:05");
    }
    void wording()
    {
        QFETCH(AlertNotice, notice);
        QFETCH(QString, title);
        QFETCH(QString, body);
        const NoticeWording w = wordNotice(notice, QTimeZone::utc());
        QCOMPARE(w.title, title);
        QCOMPARE(w.body, body);
    }

    void wordingFollowsTheZone()
    {
        const NoticeWording w = wordNotice(ptuNotice(), QTimeZone(2 * 3600));
        QVERIFY2(w.body.endsWith(QLatin1String("since 16:05")), qPrintable(w.body));
    }

    void durationWords_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("words");
        QTest::newRow("zero") << qint64(0) << QStringLiteral("0 s");
        QTest::newRow("negative") << qint64(-5) << QStringLiteral("0 s");
        QTest::newRow("seconds") << qint64(45) << QStringLiteral("45 s");
        QTest::newRow("minute") << qint64(60) << QStringLiteral("1 min");
        QTest::newRow("rounded minutes") << qint64(329) << QStringLiteral("5 min");
        QTest::newRow("hour") << qint64(3600) << QStringLiteral("1 h");
        QTest::newRow("hours and minutes") << qint64(7800) << QStringLiteral("2 h 10 min");
        QTest::newRow("days and hours")
            << qint64(3 * 86400 + 4 * 3600) << QStringLiteral("3 d 4 h");
        QTest::newRow("days") << qint64(2 * 86400) << QStringLiteral("2 d");
    }
    void durationWords()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, words);
        QCOMPARE(isc::durationWords(seconds), words);
    }

    void quantity_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<int>("unit");
        QTest::addColumn<QString>("text");
        QTest::newRow("round percent") << 90.0 << int(Unit::Percent) << QStringLiteral("90 %");
        QTest::newRow("percent") << 97.3 << int(Unit::Percent) << QStringLiteral("97.3 %");
        QTest::newRow("hundred percent") << 100.0 << int(Unit::Percent) << QStringLiteral("100 %");
        QTest::newRow("ms") << 312.0 << int(Unit::Milliseconds) << QStringLiteral("312 ms");
        QTest::newRow("round seconds")
            << 10000.0 << int(Unit::Milliseconds) << QStringLiteral("10 s");
        QTest::newRow("count") << 1250.0 << int(Unit::Count) << QStringLiteral("1.25k");
    }
    void quantity()
    {
        QFETCH(double, value);
        QFETCH(int, unit);
        QFETCH(QString, text);
        QCOMPARE(noticeQuantity(value, static_cast<Unit>(unit)), text);
    }

    void dedupKey_data()
    {
        QTest::addColumn<QString>("ruleA");
        QTest::addColumn<QString>("labelsA");
        QTest::addColumn<QString>("ruleB");
        QTest::addColumn<QString>("labelsB");
        QTest::addColumn<bool>("same");
        QTest::newRow("same") << "r1"
                              << "deployment=a"
                              << "r1"
                              << "deployment=a" << true;
        QTest::newRow("other rule") << "r1"
                                    << "deployment=a"
                                    << "r2"
                                    << "deployment=a" << false;
        QTest::newRow("other value") << "r1"
                                     << "deployment=a"
                                     << "r1"
                                     << "deployment=b" << false;
        QTest::newRow("shifted boundary") << "r1"
                                          << "a=bc"
                                          << "r1"
                                          << "ab=c" << false;
        QTest::newRow("extra label") << "r1"
                                     << "a=b"
                                     << "r1"
                                     << "a=b;c=d" << false;
    }
    void dedupKey()
    {
        QFETCH(QString, ruleA);
        QFETCH(QString, labelsA);
        QFETCH(QString, ruleB);
        QFETCH(QString, labelsB);
        QFETCH(bool, same);
        const auto parse = [](const QString& text) {
            QMap<QString, QString> m;
            for (const QString& pair : text.split(QLatin1Char(';'), Qt::SkipEmptyParts))
                m.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
            return m;
        };
        const QString a = AlertNotice::dedupKeyFor(ruleA, parse(labelsA));
        const QString b = AlertNotice::dedupKeyFor(ruleB, parse(labelsB));
        QCOMPARE(a.size(), 16);
        QCOMPARE(a == b, same);
    }

    void names()
    {
        QCOMPARE(transitionName(N::Transition::Firing), QStringLiteral("firing"));
        QCOMPARE(transitionName(N::Transition::Resolved), QStringLiteral("resolved"));
        QCOMPARE(transitionName(N::Transition::Pending), QStringLiteral("pending"));
        QCOMPARE(comparisonOperator(N::Comparison::AtOrBelow), QStringLiteral("<="));
        QCOMPARE(aggregationName(N::Aggregation::P95), QStringLiteral("p95"));
        QCOMPARE(severityName(N::Severity::Critical), QStringLiteral("critical"));
    }
};

QTEST_GUILESS_MAIN(tst_AlertNotice)
#include "tst_alertnotice.moc"
