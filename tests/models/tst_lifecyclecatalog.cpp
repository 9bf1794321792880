#include "cost/lifecyclecatalog.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_LifecycleCatalog : public QObject
{
    Q_OBJECT
private slots:
    void builtinHasSourcedDates()
    {
        const LifecycleCatalog c = LifecycleCatalog::builtin();
        QVERIFY(c.entries().size() >= 5);
        for (const ModelLifecycle& e : c.entries()) {
            QVERIFY2(!e.source.isEmpty() && !e.asOf.isEmpty(), qPrintable(e.model));
            QVERIFY2(e.retirement.isValid(), qPrintable(e.model));
        }
        const auto gpt4o = c.lookup(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o"),
                                    QStringLiteral("2024-11-20"));
        QVERIFY(gpt4o);
        QCOMPARE(gpt4o->retirement, QDate(2026, 6, 5));
        QVERIFY(!gpt4o->confirmed); // a later report contradicts it: marked
        QVERIFY(!c.lookup(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o"),
                          QStringLiteral("1999-01-01")));
    }

    void assess_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QDate>("today");
        QTest::addColumn<int>("level");
        QTest::addColumn<qint64>("daysLeft");
        // gpt-4o-mini 2024-07-18 retires 2026-03-31.
        const QString mini = QStringLiteral("gpt-4o-mini"), v = QStringLiteral("2024-07-18");
        QTest::newRow("61 days") << mini << v << QDate(2026, 1, 29)
                                 << int(LifecycleAssessment::Level::Ok) << qint64(61);
        QTest::newRow("60 days") << mini << v << QDate(2026, 1, 30)
                                 << int(LifecycleAssessment::Level::Soon) << qint64(60);
        QTest::newRow("1 day") << mini << v << QDate(2026, 3, 30)
                               << int(LifecycleAssessment::Level::Soon) << qint64(1);
        QTest::newRow("the day") << mini << v << QDate(2026, 3, 31)
                                 << int(LifecycleAssessment::Level::Retired) << qint64(0);
        QTest::newRow("after") << mini << v << QDate(2026, 4, 5)
                               << int(LifecycleAssessment::Level::Retired) << qint64(-5);
        QTest::newRow("unknown") << QStringLiteral("my-model") << QStringLiteral("1")
                                 << QDate(2026, 1, 1) << int(LifecycleAssessment::Level::Unknown)
                                 << qint64(0);
    }

    void assess()
    {
        QFETCH(QString, model);
        QFETCH(QString, version);
        QFETCH(QDate, today);
        QFETCH(int, level);
        QFETCH(qint64, daysLeft);
        Deployment d;
        d.model = model;
        d.version = version;
        const LifecycleAssessment a = LifecycleCatalog::builtin().assess(d, today);
        QCOMPARE(int(a.level), level);
        QCOMPARE(a.daysLeft, daysLeft);
        QVERIFY(!a.text.isEmpty());
    }

    void refusesBadJson_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("not json") << QByteArray("{");
        QTest::newRow("schema") << QByteArray("{\"schema\": 2, \"entries\": []}");
        QTest::newRow("date") << QByteArray(
            "{\"schema\": 1, \"entries\": [{\"provider\": \"azure-openai\", \"model\": \"m\", "
            "\"retirement\": \"31/03/2026\"}]}");
        QTest::newRow("no model") << QByteArray(
            "{\"schema\": 1, \"entries\": [{\"provider\": \"azure-openai\"}]}");
    }

    void refusesBadJson()
    {
        QFETCH(QByteArray, json);
        QString error;
        QVERIFY(!LifecycleCatalog::fromJson(json, &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_LifecycleCatalog)
#include "tst_lifecyclecatalog.moc"
