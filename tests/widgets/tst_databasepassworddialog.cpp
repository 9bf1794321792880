#include "dialogs/databasepassworddialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QtTest/QtTest>

using namespace isc;

/// The window's prompt for a refused database password: echo off, the failure shown, the
/// keychain offered only where there is one.
class tst_DatabasePasswordDialog : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void asksWithoutEcho_data()
    {
        QTest::addColumn<bool>("canRemember");
        QTest::addColumn<bool>("ticked");
        QTest::addColumn<bool>("remember");
        QTest::newRow("keychain, ticked") << true << true << true;
        QTest::newRow("keychain, not ticked") << true << false << false;
        QTest::newRow("no keychain") << false << true << false;
    }
    void asksWithoutEcho()
    {
        QFETCH(bool, canRemember);
        QFETCH(bool, ticked);
        QFETCH(bool, remember);
        const QString why = QStringLiteral("Could not connect to the history database "
                                           "postgresql://ops@db.example/inferscope: password "
                                           "authentication failed.");
        DatabasePasswordDialog dialog(QStringLiteral("postgresql://ops@db.example/inferscope"), why,
                                      canRemember);
        QCOMPARE(dialog.passwordEdit()->echoMode(), QLineEdit::Password);
        QCOMPARE(dialog.message(), why);
        QVERIFY(!dialog.rememberBox()->isChecked()); // stored only when asked to
        QCOMPARE(dialog.rememberBox()->isEnabled(), canRemember);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClicks(dialog.passwordEdit(), QStringLiteral("s3cret pw"));
        dialog.rememberBox()->setChecked(ticked);
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.buttons()->button(QDialogButtonBox::Ok)->click();
        QCOMPARE(accepted.count(), 1);
        QCOMPARE(dialog.password(), QStringLiteral("s3cret pw"));
        QCOMPARE(dialog.remember(), remember);
        QVERIFY(!dialog.passwordEdit()->displayText().contains(QLatin1String("s3cret")));
    }

    void cancel()
    {
        DatabasePasswordDialog dialog(QStringLiteral("postgresql://ops@db/x"), QString(), true);
        QSignalSpy rejected(&dialog, &QDialog::rejected);
        dialog.buttons()->button(QDialogButtonBox::Cancel)->click();
        QCOMPARE(rejected.count(), 1);
    }
};

QTEST_MAIN(tst_DatabasePasswordDialog)
#include "tst_databasepassworddialog.moc"
