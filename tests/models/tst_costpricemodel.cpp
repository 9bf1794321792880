#include "itemmodels/costpricemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest/QtTest>

using namespace isc;

namespace {

int rowOf(const CostPriceModel& m, const QString& provider, const QString& model,
          const QString& sku)
{
    for (int r = 0; r < m.rowCount(); ++r) {
        if (m.index(r, CostPriceModel::Provider).data().toString() == provider &&
            m.index(r, CostPriceModel::Model).data().toString() == model &&
            m.index(r, CostPriceModel::Sku).data().toString() == sku)
            return r;
    }
    return -1;
}

} // namespace

class tst_CostPriceModel : public QObject
{
    Q_OBJECT
private slots:
    void showsTheCatalog()
    {
        CostPriceModel m(PriceCatalog::builtin(), {});
        QAbstractItemModelTester tester(&m);
        QCOMPARE(m.rowCount(), PriceCatalog::builtin().entries().size());
        const int r =
            rowOf(m, QStringLiteral("openai"), QStringLiteral("gpt-4o"), QStringLiteral("default"));
        QVERIFY(r >= 0);
        QCOMPARE(m.index(r, CostPriceModel::Input).data().toString(), QStringLiteral("2.50"));
        QCOMPARE(m.index(r, CostPriceModel::CachedInput).data().toString(), QStringLiteral("1.25"));
        QCOMPARE(m.index(r, CostPriceModel::PtuHourly).data().toString(), QStringLiteral("—"));
        QVERIFY(!(m.flags(m.index(r, CostPriceModel::PtuHourly)) & Qt::ItemIsEditable));
        QVERIFY(m.flags(m.index(r, CostPriceModel::Input)) & Qt::ItemIsEditable);
        QVERIFY(!m.index(r, CostPriceModel::Input).data(CostPriceModel::OverrideRole).toBool());
        QVERIFY(m.overrides().isEmpty());
    }

    void editsBecomeOverrides()
    {
        CostPriceModel m(PriceCatalog::builtin(), {});
        QAbstractItemModelTester tester(&m);
        const int r =
            rowOf(m, QStringLiteral("openai"), QStringLiteral("gpt-4o"), QStringLiteral("default"));
        QVERIFY(m.setData(m.index(r, CostPriceModel::Input), QStringLiteral("2.00")));
        QCOMPARE(m.index(r, CostPriceModel::Input).data().toString(), QStringLiteral("2.00"));
        QVERIFY(m.index(r, CostPriceModel::Input).data(CostPriceModel::OverrideRole).toBool());
        QVERIFY(!m.index(r, CostPriceModel::Output).data(CostPriceModel::OverrideRole).toBool());
        QVERIFY(!m.index(r, CostPriceModel::Override).data().toString().isEmpty());
        const QJsonArray o = m.overrides();
        QCOMPARE(o.size(), 1);
        QCOMPARE(o[0][QStringLiteral("input")].toString(), QStringLiteral("2.00"));
        QCOMPARE(o[0][QStringLiteral("sku")].toString(), QStringLiteral("default"));

        // A discount applies to every price it does not replace.
        QVERIFY(m.setData(m.index(r, CostPriceModel::Discount), QStringLiteral("10")));
        QCOMPARE(m.index(r, CostPriceModel::Output).data().toString(), QStringLiteral("9.00"));
        QCOMPARE(m.index(r, CostPriceModel::Input).data().toString(), QStringLiteral("2.00"));
        QCOMPARE(m.applied()
                     .lookup(QStringLiteral("openai"), QStringLiteral("gpt-4o"), {},
                             QStringLiteral("default"))
                     .entry->tokens.output,
                 std::optional<qint64>(9'000'000));

        // Refused input leaves everything as it was and says why.
        QVERIFY(!m.setData(m.index(r, CostPriceModel::Output), QStringLiteral("ten")));
        QVERIFY(m.lastError().contains(QStringLiteral("not a price")));
        QVERIFY(!m.setData(m.index(r, CostPriceModel::Discount), QStringLiteral("150")));
        QCOMPARE(m.overrides().size(), 1);

        // Clearing a cell removes that field; clearing the row removes the override.
        QVERIFY(m.setData(m.index(r, CostPriceModel::Input), QString()));
        QCOMPARE(m.index(r, CostPriceModel::Input).data().toString(), QStringLiteral("2.25"));
        m.clearOverride(r);
        QVERIFY(m.overrides().isEmpty());
        QCOMPARE(m.index(r, CostPriceModel::Output).data().toString(), QStringLiteral("10.00"));
    }

    void ptuRowsAndExistingOverrides()
    {
        // One exact override (becomes the row's) and one broad one (kept as it is).
        const QJsonArray given{
            QJsonObject{{QStringLiteral("provider"), QStringLiteral("azure-openai")},
                        {QStringLiteral("model"), QStringLiteral("gpt-4o")},
                        {QStringLiteral("version"), QStringLiteral("2024-11-20")},
                        {QStringLiteral("sku"), QStringLiteral("ProvisionedManaged")},
                        {QStringLiteral("ptu"),
                         QJsonObject{{QStringLiteral("monthly"), QStringLiteral("200")}}}},
            QJsonObject{{QStringLiteral("provider"), QStringLiteral("anthropic")},
                        {QStringLiteral("model"), QStringLiteral("claude-sonnet-4-20250514")},
                        {QStringLiteral("discountPercent"), QStringLiteral("5")}}};
        CostPriceModel m(PriceCatalog::builtin(), given);
        QAbstractItemModelTester tester(&m);
        const int r = rowOf(m, QStringLiteral("azure-openai"), QStringLiteral("gpt-4o"),
                            QStringLiteral("ProvisionedManaged"));
        QVERIFY(r >= 0);
        QCOMPARE(m.index(r, CostPriceModel::PtuMonthly).data().toString(),
                 QStringLiteral("200.00"));
        QVERIFY(m.index(r, CostPriceModel::PtuMonthly).data(CostPriceModel::OverrideRole).toBool());
        QVERIFY(m.hasOverride(r));
        QVERIFY(m.setData(m.index(r, CostPriceModel::PtuHourly), QStringLiteral("1.50")));
        const QJsonArray out = m.overrides();
        QCOMPARE(out.size(), 2);
        QCOMPARE(out[0], given[1]); // the broad one, untouched
        QCOMPARE(out[1][QStringLiteral("ptu")][QStringLiteral("monthly")].toString(),
                 QStringLiteral("200"));
        QCOMPARE(out[1][QStringLiteral("ptu")][QStringLiteral("hourly")].toString(),
                 QStringLiteral("1.50"));
        const int a = rowOf(m, QStringLiteral("anthropic"),
                            QStringLiteral("claude-sonnet-4-20250514"), QStringLiteral("default"));
        QVERIFY(m.index(a, CostPriceModel::Override).data(CostPriceModel::OverrideRole).toBool());
    }

    void priceText_data()
    {
        QTest::addColumn<qint64>("micros");
        QTest::addColumn<QString>("text");
        QTest::newRow("2.50") << qint64(2'500'000) << "2.50";
        QTest::newRow("0.075") << qint64(75'000) << "0.075";
        QTest::newRow("1.375") << qint64(1'375'000) << "1.375";
        QTest::newRow("2652") << qint64(2'652'000'000) << "2,652.00";
    }

    void priceText()
    {
        QFETCH(qint64, micros);
        QFETCH(QString, text);
        QCOMPARE(isc::priceText(micros), text);
    }
};

QTEST_GUILESS_MAIN(tst_CostPriceModel)
#include "tst_costpricemodel.moc"
