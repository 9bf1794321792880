#include "cost/ptucost.h"
#include "dialogs/priceeditordialog.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest/QtTest>

using namespace isc;

class tst_PriceEditorDialog : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // The PTU pricing basis (one setting for the Cost and Capacity pages) is edited here and
    // stored in the workspace's budget object, beside the budget.
    void ptuPricingBasis_data()
    {
        QTest::addColumn<QString>("stored"); // the budget's "ptuBilling"; empty = absent
        QTest::addColumn<QString>("shown");  // the key the dialog starts at
        QTest::newRow("unset: monthly reservation") << ""
                                                    << "monthly";
        QTest::newRow("hourly") << "hourly"
                                << "hourly";
        QTest::newRow("yearly") << "yearly"
                                << "yearly";
        QTest::newRow("unknown: the default") << "montly"
                                              << "monthly";
    }
    void ptuPricingBasis()
    {
        QFETCH(QString, stored);
        QFETCH(QString, shown);
        QJsonObject budget{{QStringLiteral("monthlyUsd"), QStringLiteral("25000")}};
        if (!stored.isEmpty())
            budget.insert(QStringLiteral("ptuBilling"), stored);
        PriceEditorDialog dlg(PriceCatalog::builtin(), QJsonArray(), budget);
        QComboBox* box = dlg.ptuBillingBox();
        QCOMPARE(box->count(), 3);
        QCOMPARE(box->currentData().toString(), shown);
        const std::optional<PtuBilling> current = ptuBillingFromKey(shown);
        QVERIFY(current);
        QCOMPARE(box->currentText(), ptuBillingName(*current));
        // Untouched, the budget object comes back as it was given.
        QVERIFY(dlg.budget() == budget);

        // Another basis is stored under its key; the budget stays.
        const QString other =
            shown == QLatin1String("hourly") ? QStringLiteral("yearly") : QStringLiteral("hourly");
        box->setCurrentIndex(box->findData(other));
        QCOMPARE(dlg.budget().value(QStringLiteral("ptuBilling")).toString(), other);
        QCOMPARE(dlg.budget().value(QStringLiteral("monthlyUsd")).toString(),
                 QStringLiteral("25000"));
    }
};

QTEST_MAIN(tst_PriceEditorDialog)
#include "tst_priceeditordialog.moc"
