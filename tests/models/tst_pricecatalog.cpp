#include "cost/pricecatalog.h"
#include "testsupport.h"

#include <QProcess>
#include <QtTest/QtTest>
#include <cstdio>

using namespace isc;

namespace {

PriceCatalog small()
{
    QString error;
    auto c = PriceCatalog::fromJson(test::readFixture(QStringLiteral("cost/catalog_small.json")),
                                    &error);
    if (!c)
        qFatal("catalog_small.json: %s", qPrintable(error));
    return *c;
}

} // namespace

class tst_PriceCatalog : public QObject
{
    Q_OBJECT
private slots:
    // A build whose own catalog does not parse must not price everything at zero without a word:
    // it stops, in release builds too, naming the parse error. Run in a child process (this
    // binary again, asked for the one function) since it ends the process.
    void brokenBuiltinCatalogFailsLoudly()
    {
        if (qEnvironmentVariableIsSet("TST_PRICECATALOG_CHILD")) {
            const PriceCatalog c = PriceCatalog::parseBuiltin(QByteArrayLiteral("{\"entries\": ["));
            std::fprintf(stderr, "survived with %d entries\n", int(c.entries().size()));
            return;
        }
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TST_PRICECATALOG_CHILD"), QStringLiteral("1"));
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::MergedChannels); // QtTest logs to stdout
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("brokenBuiltinCatalogFailsLoudly")});
        QVERIFY(child.waitForFinished(60000));
        const QByteArray err = child.readAll();
        QVERIFY2(!err.contains("survived"), err.constData());
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        QVERIFY2(err.contains("The built-in price catalog does not parse"), err.constData());
    }

    void builtinParses() { QVERIFY(!PriceCatalog::builtin().entries().isEmpty()); }

    void builtinCoversTheDemoFleet_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("sku");
        QTest::addColumn<bool>("ptu");
        const QString az = QStringLiteral("azure-openai");
        QTest::newRow("gpt-4o ptu") << az << "gpt-4o"
                                    << "2024-11-20"
                                    << "ProvisionedManaged" << true;
        QTest::newRow("gpt-4o std") << az << "gpt-4o"
                                    << "2024-11-20"
                                    << "Standard" << false;
        QTest::newRow("mini global") << az << "gpt-4o-mini"
                                     << "2024-07-18"
                                     << "GlobalStandard" << false;
        QTest::newRow("mini batch") << az << "gpt-4o-mini"
                                    << "2024-07-18"
                                    << "GlobalBatch" << false;
        QTest::newRow("4.1 dz") << az << "gpt-4.1"
                                << "2025-04-14"
                                << "DataZoneStandard" << false;
        QTest::newRow("openai 4o") << "openai"
                                   << "gpt-4o-2024-11-20"
                                   << ""
                                   << "" << false;
        QTest::newRow("openai mini") << "openai"
                                     << "gpt-4o-mini"
                                     << ""
                                     << "default" << false;
        QTest::newRow("o3-mini") << "openai"
                                 << "o3-mini-2025-01-31"
                                 << ""
                                 << "" << false;
        QTest::newRow("sonnet 4") << "anthropic"
                                  << "claude-sonnet-4-20250514"
                                  << ""
                                  << "" << false;
        QTest::newRow("haiku 3.5") << "anthropic"
                                   << "claude-3-5-haiku-20241022"
                                   << ""
                                   << "" << false;
    }
    void builtinCoversTheDemoFleet()
    {
        QFETCH(QString, provider);
        QFETCH(QString, model);
        QFETCH(QString, version);
        QFETCH(QString, sku);
        QFETCH(bool, ptu);
        const PriceCatalog c = PriceCatalog::builtin();
        const PriceLookup l = c.lookup(provider, model, version, sku);
        QVERIFY2(l.found(), qPrintable(l.explanation));
        QCOMPARE(l.entry->ptu.has_value(), ptu);
        QVERIFY(!l.entry->source.isEmpty());
        QVERIFY(!l.entry->asOf.isEmpty());
        if (!l.entry->confirmed)
            QVERIFY2(!l.entry->note.isEmpty(), "an unconfirmed price must say why");
    }

    void builtinEveryEntryHasSourceAndDate()
    {
        const PriceCatalog c = PriceCatalog::builtin();
        QVERIFY(c.entries().size() >= 10);
        for (const PriceEntry& e : c.entries()) {
            QVERIFY2(e.source.startsWith(QLatin1String("https://")), qPrintable(e.model));
            QCOMPARE(e.asOf.size(), 10);
        }
    }

    void exactDecimalPrices()
    {
        const PriceCatalog c = small();
        const PriceLookup l = c.lookup(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o"),
                                       QStringLiteral("2024-11-20"), QStringLiteral("Standard"));
        QCOMPARE(l.match, PriceLookup::Match::Exact);
        QCOMPARE(*l.entry->tokens.input, qint64(2750000));
        QCOMPARE(*l.entry->tokens.cachedInput, qint64(1375000));
        QCOMPARE(*l.entry->tokens.output, qint64(11000000));
        QCOMPARE(l.entry->ptu.has_value(), false);
    }

    void fallbacks_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("sku");
        QTest::addColumn<int>("match");
        QTest::newRow("versionless entry, no version asked")
            << "openai"
            << "gpt-4o"
            << ""
            << "" << int(PriceLookup::Match::Exact);
        QTest::newRow("versionless entry, version asked")
            << "openai"
            << "gpt-4o"
            << "2024-08-06"
            << "" << int(PriceLookup::Match::AnyVersion);
        QTest::newRow("dated suffix") << "openai"
                                      << "gpt-4o-2024-08-06"
                                      << ""
                                      << "" << int(PriceLookup::Match::DatedSuffix);
        QTest::newRow("batch sku") << "azure-openai"
                                   << "gpt-4o-mini"
                                   << "2024-07-18"
                                   << "GlobalBatch" << int(PriceLookup::Match::BatchSku);
        QTest::newRow("unknown tier") << "openai"
                                      << "gpt-4o"
                                      << ""
                                      << "flex" << int(PriceLookup::Match::DefaultTier);
        QTest::newRow("azure other version is not guessed")
            << "azure-openai"
            << "gpt-4o"
            << "2024-05-13"
            << "Standard" << int(PriceLookup::Match::None);
        QTest::newRow("azure unknown sku") << "azure-openai"
                                           << "gpt-4o"
                                           << "2024-11-20"
                                           << "DeveloperTier" << int(PriceLookup::Match::None);
        QTest::newRow("unknown model") << "openai"
                                       << "gpt-9"
                                       << ""
                                       << "" << int(PriceLookup::Match::None);
        QTest::newRow("other provider") << "anthropic"
                                        << "gpt-4o"
                                        << ""
                                        << "" << int(PriceLookup::Match::None);
    }
    void fallbacks()
    {
        QFETCH(QString, provider);
        QFETCH(QString, model);
        QFETCH(QString, version);
        QFETCH(QString, sku);
        QFETCH(int, match);
        const PriceLookup l = small().lookup(provider, model, version, sku);
        QCOMPARE(int(l.match), match);
        QCOMPARE(l.found(), match != int(PriceLookup::Match::None));
        if (match != int(PriceLookup::Match::Exact))
            QVERIFY2(!l.explanation.isEmpty(), "every fallback and miss explains itself");
    }

    // Azure names a fine-tune "<base>-<version>.ft-<id>" and deploys it as version "1" on a
    // pay-per-token SKU: it is priced at its base's FineTuned entry, never "no price".
    void fineTunedModels_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("sku");
        QTest::addColumn<int>("match");
        QTest::addColumn<QString>("entryModel");
        QTest::newRow("standard") << "gpt-4o-mini-2024-07-18.ft-abc123"
                                  << "1"
                                  << "Standard" << int(PriceLookup::Match::FineTuned)
                                  << "gpt-4o-mini";
        QTest::newRow("global standard")
            << "gpt-4o-mini-2024-07-18.ft-0a1b2c"
            << ""
            << "GlobalStandard" << int(PriceLookup::Match::FineTuned) << "gpt-4o-mini";
        QTest::newRow("base version without a FineTuned entry")
            << "gpt-4o-mini-2023-01-01.ft-abc123"
            << "1"
            << "Standard" << int(PriceLookup::Match::None) << "";
        QTest::newRow("provisioned fine-tune")
            << "gpt-4o-mini-2024-07-18.ft-abc123"
            << "1"
            << "ProvisionedManaged" << int(PriceLookup::Match::None) << "";
        QTest::newRow("base model itself") << "gpt-4o-mini"
                                           << "2024-07-18"
                                           << "Standard" << int(PriceLookup::Match::None) << "";
    }
    void fineTunedModels()
    {
        QFETCH(QString, model);
        QFETCH(QString, version);
        QFETCH(QString, sku);
        QFETCH(int, match);
        QFETCH(QString, entryModel);
        const PriceLookup l =
            PriceCatalog::builtin().lookup(QStringLiteral("azure-openai"), model, version, sku);
        QCOMPARE(int(l.match), match);
        QCOMPARE(l.found(), !entryModel.isEmpty());
        QVERIFY(!l.explanation.isEmpty());
        if (!l.found())
            return;
        QCOMPARE(l.entry->model, entryModel);
        QCOMPARE(l.entry->sku, QStringLiteral("FineTuned"));
        QCOMPARE(l.entry->version, QStringLiteral("2024-07-18"));
        QVERIFY(l.explanation.contains(model));
    }

    // An override naming the fine-tune itself wins over its base's FineTuned entry.
    void fineTuneOverrideWins()
    {
        PriceCatalog c = PriceCatalog::builtin();
        QString error;
        QVERIFY2(c.applyOverrides("[{\"provider\":\"azure-openai\",\"model\":"
                                  "\"gpt-4o-mini-2024-07-18.ft-abc123\",\"version\":\"1\","
                                  "\"sku\":\"Standard\",\"input\":\"0.20\",\"output\":"
                                  "\"0.80\"}]",
                                  &error),
                 qPrintable(error));
        const PriceLookup l = c.lookup(QStringLiteral("azure-openai"),
                                       QStringLiteral("gpt-4o-mini-2024-07-18.ft-abc123"),
                                       QStringLiteral("1"), QStringLiteral("Standard"));
        QCOMPARE(l.match, PriceLookup::Match::Exact);
        QCOMPARE(*l.entry->tokens.input, qint64(200000));
        QVERIFY(l.entry->overridden);
    }

    void overridesDiscountAndMark()
    {
        PriceCatalog c = small();
        QString error;
        QVERIFY2(
            c.applyOverrides(
                "[{\"provider\":\"azure-openai\",\"model\":\"gpt-4o\",\"sku\":\"GlobalStandard\","
                "\"discountPercent\":\"15\",\"output\":\"9.00\",\"note\":\"EA discount\"},"
                "{\"provider\":\"azure-openai\",\"model\":\"gpt-4o\",\"sku\":"
                "\"ProvisionedManaged\",\"ptu\":{\"monthly\":\"200\"}}]",
                &error),
            qPrintable(error));
        const PriceLookup l =
            c.lookup(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o"),
                     QStringLiteral("2024-11-20"), QStringLiteral("GlobalStandard"));
        QVERIFY(l.entry->overridden);
        QCOMPARE(l.entry->overrideNote, QStringLiteral("EA discount"));
        QCOMPARE(*l.entry->tokens.input, qint64(2125000));       // 2.50 - 15 %
        QCOMPARE(*l.entry->tokens.cachedInput, qint64(1062500)); // 1.25 - 15 %
        QCOMPARE(*l.entry->tokens.output, qint64(9000000));      // given explicitly
        QCOMPARE(*l.entry->tokens.batchInput, qint64(1062500));
        const PriceLookup ptu =
            c.lookup(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o"),
                     QStringLiteral("2024-11-20"), QStringLiteral("ProvisionedManaged"));
        QVERIFY(ptu.entry->overridden);
        QCOMPARE(*ptu.entry->ptu->monthlyMicros, qint64(200000000));
        QCOMPARE(ptu.entry->ptu->hourlyMicros, qint64(2000000)); // untouched
        // Entries the overrides do not name stay as shipped.
        const PriceLookup std = c.lookup(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o"),
                                         QStringLiteral("2024-11-20"), QStringLiteral("Standard"));
        QVERIFY(!std.entry->overridden);
        QCOMPARE(*std.entry->tokens.input, qint64(2750000));
    }

    void overrideAddsUnknownModel()
    {
        PriceCatalog c = small();
        QString error;
        QVERIFY(c.applyOverrides("[{\"provider\":\"openai\",\"model\":\"ft:gpt-4o:acme\","
                                 "\"input\":\"3.75\",\"output\":\"15\"}]",
                                 &error));
        const PriceLookup l = c.lookup(QStringLiteral("openai"), QStringLiteral("ft:gpt-4o:acme"),
                                       QString(), QString());
        QVERIFY(l.found());
        QVERIFY(l.entry->overridden);
        QCOMPARE(l.entry->source, QStringLiteral("workspace override"));
    }

    void badOverridesApplyNothing_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("not an array") << QByteArray("{}");
        QTest::newRow("no model") << QByteArray("[{\"provider\":\"openai\"}]");
        QTest::newRow("negative price")
            << QByteArray("[{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input\":\"-1\"}]");
        QTest::newRow("discount over 100") << QByteArray(
            "[{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"discountPercent\":120}]");
        QTest::newRow("unknown model without prices")
            << QByteArray("[{\"provider\":\"openai\",\"model\":\"x\",\"discountPercent\":5}]");
        QTest::newRow("second one bad")
            << QByteArray("[{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input\":\"1\"},"
                          "{\"provider\":\"openai\"}]");
    }
    void badOverridesApplyNothing()
    {
        QFETCH(QByteArray, json);
        PriceCatalog c = small();
        QString error;
        QVERIFY(!c.applyOverrides(json, &error));
        QVERIFY(!error.isEmpty());
        for (const PriceEntry& e : c.entries())
            QVERIFY(!e.overridden);
        QCOMPARE(*c.lookup(QStringLiteral("openai"), QStringLiteral("gpt-4o"), {}, {})
                      .entry->tokens.input,
                 qint64(2500000));
    }

    void rejectsBadCatalogs_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("not json") << QByteArray("{");
        QTest::newRow("wrong schema") << QByteArray("{\"schema\":2,\"entries\":[]}");
        QTest::newRow("no source") << QByteArray(
            "{\"schema\":1,\"entries\":[{\"provider\":\"openai\",\"model\":\"m\",\"input\":\"1\","
            "\"output\":\"1\",\"asOf\":\"2026-01-01\"}]}");
        QTest::newRow("no prices") << QByteArray(
            "{\"schema\":1,\"entries\":[{\"provider\":\"openai\",\"model\":\"m\",\"source\":\"s\","
            "\"asOf\":\"2026-01-01\"}]}");
        QTest::newRow("bad price") << QByteArray(
            "{\"schema\":1,\"entries\":[{\"provider\":\"openai\",\"model\":\"m\",\"input\":\"abc\","
            "\"output\":\"1\",\"source\":\"s\",\"asOf\":\"2026-01-01\"}]}");
    }
    void rejectsBadCatalogs()
    {
        QFETCH(QByteArray, json);
        QString error;
        QVERIFY(!PriceCatalog::fromJson(json, &error));
        QVERIFY(!error.isEmpty());
    }

    void loadOrBuiltinFallsBack()
    {
        QString warning;
        const PriceCatalog c = PriceCatalog::loadOrBuiltin(
            test::fixturePath(QStringLiteral("cost/missing.json")), &warning);
        QVERIFY(warning.isEmpty()); // a missing file is not an error: the built-in applies
        QCOMPARE(c.entries().size(), PriceCatalog::builtin().entries().size());
        const PriceCatalog d = PriceCatalog::loadOrBuiltin(
            test::fixturePath(QStringLiteral("cost/catalog_small.json")), &warning);
        QCOMPARE(d.entries().size(), 7);
    }

    // PTU sizing per deployment type and model, as Microsoft Learn's provisioned-throughput
    // table gives it: global and data zone 15 in steps of 5; regional 50/50, or 25/25 for the
    // mini/nano models. Every provisioned SKU of every sized model must
    // be priced, without a line per SKU and model in the file.
    void builtinPtuFacts_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("sku");
        QTest::addColumn<int>("minimum");
        QTest::addColumn<int>("increment");
        QTest::addColumn<qint64>("inputTpm");
        QTest::addColumn<double>("outputWeight");
        const QString g = QStringLiteral("GlobalProvisionedManaged");
        const QString dz = QStringLiteral("DataZoneProvisionedManaged");
        const QString r = QStringLiteral("ProvisionedManaged");
        QTest::newRow("gpt-4o global") << "gpt-4o"
                                       << "2024-11-20" << g << 15 << 5 << qint64(2500) << 3.0;
        QTest::newRow("gpt-4o data zone") << "gpt-4o"
                                          << "2024-11-20" << dz << 15 << 5 << qint64(2500) << 3.0;
        QTest::newRow("gpt-4o regional") << "gpt-4o"
                                         << "2024-11-20" << r << 50 << 50 << qint64(2500) << 3.0;
        QTest::newRow("gpt-4o-mini global") << "gpt-4o-mini"
                                            << "2024-07-18" << g << 15 << 5 << qint64(37000) << 3.0;
        QTest::newRow("gpt-4o-mini data zone")
            << "gpt-4o-mini"
            << "2024-07-18" << dz << 15 << 5 << qint64(37000) << 3.0;
        QTest::newRow("gpt-4o-mini regional")
            << "gpt-4o-mini"
            << "2024-07-18" << r << 25 << 25 << qint64(37000) << 3.0;
        QTest::newRow("gpt-4.1 global") << "gpt-4.1"
                                        << "2025-04-14" << g << 15 << 5 << qint64(3000) << 4.0;
        QTest::newRow("gpt-4.1 regional") << "gpt-4.1"
                                          << "2025-04-14" << r << 50 << 50 << qint64(3000) << 4.0;
        QTest::newRow("gpt-4.1-mini regional")
            << "gpt-4.1-mini"
            << "2025-04-14" << r << 25 << 25 << qint64(14900) << 4.0;
        QTest::newRow("gpt-4.1-nano regional")
            << "gpt-4.1-nano"
            << "2025-04-14" << r << 25 << 25 << qint64(59400) << 4.0;
    }
    void builtinPtuFacts()
    {
        QFETCH(QString, model);
        QFETCH(QString, version);
        QFETCH(QString, sku);
        QFETCH(int, minimum);
        QFETCH(int, increment);
        QFETCH(qint64, inputTpm);
        QFETCH(double, outputWeight);
        const PriceLookup l =
            PriceCatalog::builtin().lookup(QStringLiteral("azure-openai"), model, version, sku);
        QVERIFY2(l.found(), qPrintable(l.explanation));
        QVERIFY(l.entry->ptu.has_value());
        QCOMPARE(l.entry->ptu->minimum, minimum);
        QCOMPARE(l.entry->ptu->increment, increment);
        QCOMPARE(l.entry->ptu->inputTpmPerPtu, inputTpm);
        QCOMPARE(l.entry->ptu->outputTokenWeight, outputWeight);
        QVERIFY(l.entry->ptu->hourlyMicros > 0);
        QVERIFY(l.entry->ptu->monthlyMicros.has_value());
        QVERIFY(!l.entry->source.isEmpty());
        QVERIFY(!l.entry->asOf.isEmpty());
    }

    // The tables: a SKU's PTU prices and a model's sizing make one entry per pair; an explicit
    // entry for the same pair wins; a sizing block naming an unknown deployment type, or
    // missing its minimum, is an error naming the field.
    void ptuTables()
    {
        const QByteArray json =
            "{\"schema\":1,\"entries\":["
            "{\"provider\":\"azure-openai\",\"model\":\"m\",\"sku\":\"ProvisionedManaged\","
            "\"ptu\":{\"hourly\":\"9\",\"minimum\":1,\"increment\":1,\"inputTpmPerPtu\":7},"
            "\"source\":\"x\",\"asOf\":\"2026-01-01\"}],"
            "\"ptuSkus\":[{\"sku\":\"GlobalProvisionedManaged\",\"deploymentType\":\"global\","
            "\"hourly\":\"1.00\",\"monthly\":\"260\",\"source\":\"p\",\"asOf\":\"2026-01-02\"},"
            "{\"sku\":\"ProvisionedManaged\",\"deploymentType\":\"regional\",\"hourly\":\"2.00\","
            "\"source\":\"p\",\"asOf\":\"2026-01-02\"}],"
            "\"ptuSizing\":[{\"model\":\"m\",\"inputTpmPerPtu\":1000,\"outputTokenWeight\":4,"
            "\"global\":{\"minimum\":15,\"increment\":5},\"regional\":{\"minimum\":25,"
            "\"increment\":25},\"source\":\"s\",\"asOf\":\"2026-01-03\"}]}";
        QString error;
        const auto c = PriceCatalog::fromJson(json, &error);
        QVERIFY2(c, qPrintable(error));
        const QString az = QStringLiteral("azure-openai");
        const PriceLookup global =
            c->lookup(az, QStringLiteral("m"), {}, QStringLiteral("GlobalProvisionedManaged"));
        QVERIFY(global.found());
        QCOMPARE(global.entry->ptu->minimum, 15);
        QCOMPARE(global.entry->ptu->increment, 5);
        QCOMPARE(global.entry->ptu->inputTpmPerPtu, qint64(1000));
        QCOMPARE(global.entry->ptu->outputTokenWeight, 4.0);
        QCOMPARE(global.entry->ptu->hourlyMicros, qint64(1000000));
        QCOMPARE(*global.entry->ptu->monthlyMicros, qint64(260000000));
        QVERIFY(global.entry->note.contains(QLatin1String("s")));
        // The explicit entry is kept as it is.
        const PriceLookup regional =
            c->lookup(az, QStringLiteral("m"), {}, QStringLiteral("ProvisionedManaged"));
        QCOMPARE(regional.entry->ptu->hourlyMicros, qint64(9000000));
        QCOMPARE(regional.entry->ptu->minimum, 1);
        // No data zone block: no data zone entry.
        QVERIFY(
            !c->lookup(az, QStringLiteral("m"), {}, QStringLiteral("DataZoneProvisionedManaged"))
                 .found());

        QByteArray bad = json;
        bad.replace("\"regional\":{\"minimum\":25,", "\"regional\":{");
        QVERIFY(!PriceCatalog::fromJson(bad, &error));
        QVERIFY2(error.contains(QLatin1String("regional.minimum")), qPrintable(error));
        bad = json;
        bad.replace("\"deploymentType\":\"global\"", "\"deploymentType\":\"orbital\"");
        QVERIFY(!PriceCatalog::fromJson(bad, &error));
        QVERIFY2(error.contains(QLatin1String("deploymentType")), qPrintable(error));
    }

    void formatsPrices()
    {
        QCOMPARE(formatPricePerMillion(2500000), QStringLiteral("$2.50/1M"));
        QCOMPARE(formatPricePerMillion(75000), QStringLiteral("$0.0750/1M"));
    }
};

QTEST_GUILESS_MAIN(tst_PriceCatalog)
#include "tst_pricecatalog.moc"
