#include "net/networksettings.h"

#include "testsupport.h"

#include <QSslConfiguration>
#include <QtTest/QtTest>

using namespace isc;

class tst_NetworkSettings : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { NetworkSettings::setExtraCaBundle(QString(), nullptr); }

    void addsTheBundleToTheDefaultConfiguration()
    {
        const int systemCount = QSslConfiguration::systemCaCertificates().size();
        QString error;
        QVERIFY2(NetworkSettings::setExtraCaBundle(test::fixturePath("net/extra-ca.pem"), &error),
                 qPrintable(error));
        const QList<QSslCertificate> added = NetworkSettings::extraCaCertificates();
        QCOMPARE(added.size(), 1);
        QCOMPARE(added.first().subjectInfo(QSslCertificate::CommonName).value(0),
                 QStringLiteral("Inferscope Test Corporate Root CA"));
        const QList<QSslCertificate> cas =
            QSslConfiguration::defaultConfiguration().caCertificates();
        QVERIFY(cas.contains(added.first()));
        // The system store is kept, not replaced.
        QVERIFY(cas.size() >= systemCount + 1);
    }

    void emptyPathRemovesIt()
    {
        QVERIFY(NetworkSettings::setExtraCaBundle(test::fixturePath("net/extra-ca.pem"), nullptr));
        const QSslCertificate cert = NetworkSettings::extraCaCertificates().value(0);
        QVERIFY(NetworkSettings::setExtraCaBundle(QString(), nullptr));
        QVERIFY(NetworkSettings::extraCaCertificates().isEmpty());
        QVERIFY(!QSslConfiguration::defaultConfiguration().caCertificates().contains(cert));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("words");
        QTest::newRow("missing") << QStringLiteral("/nonexistent/corp-ca.pem")
                                 << QStringLiteral(
                                        "cannot read the CA bundle /nonexistent/corp-ca.pem");
        QTest::newRow("not PEM") << test::fixturePath("net/not-a-bundle.pem")
                                 << QStringLiteral("holds no PEM certificate");
    }
    void refusals()
    {
        QFETCH(QString, path);
        QFETCH(QString, words);
        QVERIFY(NetworkSettings::setExtraCaBundle(test::fixturePath("net/extra-ca.pem"), nullptr));
        QString error;
        QVERIFY(!NetworkSettings::setExtraCaBundle(path, &error));
        QVERIFY2(error.contains(words), qPrintable(error));
        QCOMPARE(NetworkSettings::extraCaCertificates().size(), 1); // unchanged on failure
    }
};

QTEST_GUILESS_MAIN(tst_NetworkSettings)
#include "tst_networksettings.moc"
