#include "core/labels.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_Labels : public QObject
{
    Q_OBJECT
private slots:
    void canonical_data()
    {
        QTest::addColumn<QList<Label>>("pairs");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QList<Label>{} << QString();
        QTest::newRow("sorted case-insensitively")
            << QList<Label>{{"StatusCode", "200"}, {"modelDeploymentName", "gpt-4o"}}
            << QStringLiteral("modelDeploymentName=gpt-4o;StatusCode=200");
        QTest::newRow("escapes") << QList<Label>{{"a", "x;y=z%"}}
                                 << QStringLiteral("a=x%3By%3Dz%25");
        QTest::newRow("duplicate key keeps first")
            << QList<Label>{{"Tier", "a"}, {"tier", "b"}} << QStringLiteral("Tier=a");
    }
    void canonical()
    {
        QFETCH(QList<Label>, pairs);
        QFETCH(QString, expected);
        QCOMPARE(labels::canonical(pairs), expected);
    }

    void roundTrip()
    {
        const QList<Label> pairs{{"a", "x;y=z%25"}, {"b", ""}, {"c", "plain"}};
        QCOMPARE(labels::parse(labels::canonical(pairs)), pairs);
    }

    void valueIsCaseInsensitive()
    {
        const QString c = labels::canonical({{"ModelDeploymentName", "gpt-4o-ptu"}});
        QCOMPARE(labels::value(c, "modeldeploymentname"), QStringLiteral("gpt-4o-ptu"));
        QVERIFY(labels::value(c, "StatusCode").isNull());
        QVERIFY(!labels::value(labels::canonical({{"k", ""}}), "k").isNull());
    }
};

QTEST_GUILESS_MAIN(tst_Labels)
#include "tst_labels.moc"
