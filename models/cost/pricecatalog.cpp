#include "cost/pricecatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace isc {
namespace detail {
// Generated at configure time from resources/pricing/prices.json (builtinprices.cpp.in).
extern const unsigned char kBuiltinPrices[];
extern const int kBuiltinPricesSize;
} // namespace detail

namespace {

struct PriceField
{
    const char* name;
    std::optional<qint64> TokenPrices::*member;
};

const PriceField kTokenFields[] = {
    {"input", &TokenPrices::input},
    {"cachedInput", &TokenPrices::cachedInput},
    {"output", &TokenPrices::output},
    {"cacheWrite5m", &TokenPrices::cacheWrite5m},
    {"cacheWrite1h", &TokenPrices::cacheWrite1h},
    {"cacheRead", &TokenPrices::cacheRead},
    {"batchInput", &TokenPrices::batchInput},
    {"batchCachedInput", &TokenPrices::batchCachedInput},
    {"batchOutput", &TokenPrices::batchOutput},
};

/// A price given as a decimal string (preferred: exact) or a JSON number.
bool readPrice(const QJsonValue& v, qint64* micros)
{
    Money m;
    if (v.isString()) {
        if (!Money::parse(v.toString(), &m))
            return false;
    } else if (v.isDouble()) {
        m = Money::fromUnits(v.toDouble());
    } else {
        return false;
    }
    if (m.micros < 0)
        return false;
    *micros = m.micros;
    return true;
}

/// Reads the token price fields present in `o` into `prices`; false + `error` on a bad value.
bool readTokenPrices(const QJsonObject& o, TokenPrices* prices, const QString& where,
                     QString* error)
{
    for (const PriceField& f : kTokenFields) {
        const QJsonValue v = o.value(QLatin1String(f.name));
        if (v.isUndefined() || v.isNull())
            continue;
        qint64 micros = 0;
        if (!readPrice(v, &micros)) {
            *error = QStringLiteral("%1: \"%2\" must be a non-negative price in USD per 1M tokens, "
                                    "e.g. \"2.50\"")
                         .arg(where, QLatin1String(f.name));
            return false;
        }
        prices->*(f.member) = micros;
    }
    return true;
}

bool readPtu(const QJsonObject& o, PtuPrices* ptu, const QString& where, QString* error)
{
    qint64 v = 0;
    if (o.contains(QLatin1String("hourly"))) {
        if (!readPrice(o.value(QLatin1String("hourly")), &v)) {
            *error = where + QStringLiteral(": ptu.hourly must be USD per PTU-hour, e.g. \"2.00\"");
            return false;
        }
        ptu->hourlyMicros = v;
    }
    if (o.contains(QLatin1String("monthly"))) {
        if (!readPrice(o.value(QLatin1String("monthly")), &v)) {
            *error = where + QStringLiteral(": ptu.monthly must be USD per PTU-month");
            return false;
        }
        ptu->monthlyMicros = v;
    }
    if (o.contains(QLatin1String("yearly"))) {
        if (!readPrice(o.value(QLatin1String("yearly")), &v)) {
            *error = where + QStringLiteral(": ptu.yearly must be USD per PTU-year");
            return false;
        }
        ptu->yearlyMicros = v;
    }
    if (o.contains(QLatin1String("minimum")))
        ptu->minimum = o.value(QLatin1String("minimum")).toInt();
    if (o.contains(QLatin1String("increment")))
        ptu->increment = o.value(QLatin1String("increment")).toInt();
    if (o.contains(QLatin1String("inputTpmPerPtu")))
        ptu->inputTpmPerPtu = o.value(QLatin1String("inputTpmPerPtu")).toInteger();
    if (o.contains(QLatin1String("outputTokenWeight")))
        ptu->outputTokenWeight = o.value(QLatin1String("outputTokenWeight")).toDouble(1);
    if (ptu->minimum < 0 || ptu->increment < 0 || ptu->inputTpmPerPtu < 0 ||
        ptu->outputTokenWeight <= 0) {
        *error = where + QStringLiteral(": ptu sizing values must be positive");
        return false;
    }
    return true;
}

/// Reads {"minimum", "increment"} of deployment type `type` in a sizing row; false + `error`
/// naming the field when one is missing or not positive.
bool readSizingBlock(const QJsonObject& block, const QString& type, PtuPrices* ptu,
                     const QString& where, QString* error)
{
    for (const char* field : {"minimum", "increment"}) {
        const int v = block.value(QLatin1String(field)).toInt(0);
        if (v <= 0) {
            *error = QStringLiteral("%1: %2.%3 must be a positive whole number of PTUs")
                         .arg(where, type, QLatin1String(field));
            return false;
        }
        (qstrcmp(field, "minimum") == 0 ? ptu->minimum : ptu->increment) = v;
    }
    return true;
}

/// Expands the PTU tables (prices per provisioned SKU, sizing per model and deployment type)
/// into one Azure entry per SKU and sized model, unless `entries` already has that entry.
bool expandPtuTables(const QJsonObject& root, const QString& catalogAsOf,
                     QVector<PriceEntry>* entries, QString* error)
{
    static const QStringList kTypes = {QStringLiteral("global"), QStringLiteral("dataZone"),
                                       QStringLiteral("regional")};
    struct Sku
    {
        QString sku, type, source, asOf, note;
        bool confirmed = false;
        PtuPrices prices;
    };
    QVector<Sku> skus;
    const QJsonArray skuRows = root.value(QLatin1String("ptuSkus")).toArray();
    for (qsizetype i = 0; i < skuRows.size(); ++i) {
        const QJsonObject o = skuRows.at(i).toObject();
        Sku s;
        s.sku = o.value(QLatin1String("sku")).toString();
        s.type = o.value(QLatin1String("deploymentType")).toString();
        const QString where = QStringLiteral("ptuSkus %1 (%2)").arg(i).arg(s.sku);
        if (s.sku.isEmpty() || !kTypes.contains(s.type)) {
            *error = where + QStringLiteral(": \"sku\" and a \"deploymentType\" of global, "
                                            "dataZone or regional are required");
            return false;
        }
        if (!readPtu(o, &s.prices, where, error))
            return false;
        s.source = o.value(QLatin1String("source")).toString();
        s.asOf = o.value(QLatin1String("asOf")).toString(catalogAsOf);
        s.confirmed = o.value(QLatin1String("confirmed")).toBool(false);
        s.note = o.value(QLatin1String("note")).toString();
        if (s.source.isEmpty() || s.asOf.isEmpty() || s.prices.hourlyMicros <= 0) {
            *error = where + QStringLiteral(": needs \"hourly\", a \"source\" and an "
                                            "\"asOf\" date");
            return false;
        }
        skus.append(s);
    }
    const QJsonArray sizingRows = root.value(QLatin1String("ptuSizing")).toArray();
    for (qsizetype i = 0; i < sizingRows.size(); ++i) {
        const QJsonObject o = sizingRows.at(i).toObject();
        const QString model = o.value(QLatin1String("model")).toString();
        const QString version = o.value(QLatin1String("version")).toString();
        const QString where = QStringLiteral("ptuSizing %1 (%2)").arg(i).arg(model);
        const qint64 tpm = o.value(QLatin1String("inputTpmPerPtu")).toInteger(0);
        const double weight = o.value(QLatin1String("outputTokenWeight")).toDouble(0);
        const QString source = o.value(QLatin1String("source")).toString();
        const QString asOf = o.value(QLatin1String("asOf")).toString(catalogAsOf);
        if (model.isEmpty() || tpm <= 0 || weight <= 0 || source.isEmpty() || asOf.isEmpty()) {
            *error = where + QStringLiteral(": needs \"model\", a positive \"inputTpmPerPtu\" "
                                            "and \"outputTokenWeight\", a \"source\" and an "
                                            "\"asOf\" date");
            return false;
        }
        for (const QString& type : kTypes) {
            if (!o.contains(type))
                continue;
            PtuPrices sizing;
            if (!readSizingBlock(o.value(type).toObject(), type, &sizing, where, error))
                return false;
            for (const Sku& s : std::as_const(skus)) {
                if (s.type != type)
                    continue;
                const bool explicitEntry =
                    std::any_of(entries->cbegin(), entries->cend(), [&](const PriceEntry& e) {
                        return e.provider == QLatin1String("azure-openai") && e.model == model &&
                               e.version == version && e.sku == s.sku;
                    });
                if (explicitEntry)
                    continue;
                PriceEntry e;
                e.provider = QStringLiteral("azure-openai");
                e.model = model;
                e.version = version;
                e.sku = s.sku;
                PtuPrices ptu = s.prices;
                ptu.minimum = sizing.minimum;
                ptu.increment = sizing.increment;
                ptu.inputTpmPerPtu = tpm;
                ptu.outputTokenWeight = weight;
                e.ptu = ptu;
                e.source = s.source;
                e.asOf = std::min(s.asOf, asOf);
                e.confirmed = s.confirmed && o.value(QLatin1String("confirmed")).toBool(false);
                e.note =
                    QStringLiteral("PTU price of %1: %2 Sizing of %3 (%4): %5")
                        .arg(s.sku, s.note.isEmpty() ? QStringLiteral("-") : s.note, model, source,
                             o.value(QLatin1String("note")).toString(QStringLiteral("-")));
                entries->append(e);
            }
        }
    }
    return true;
}

QString defaultTier(const QString& sku)
{
    return sku.isEmpty() ? QStringLiteral("default") : sku;
}

/// Applies a discount given in 10^-4 percent units (150000 = 15 %) to a price, exactly rounded.
qint64 discounted(qint64 micros, qint64 pctTenThousandths)
{
    return Money::mulDiv(micros, 1000000 - pctTenThousandths, 1000000).micros;
}

} // namespace

std::optional<PriceCatalog> PriceCatalog::fromJson(const QByteArray& json, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("The price catalog is not valid JSON (%1 at offset %2).")
                     .arg(pe.errorString())
                     .arg(pe.offset);
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("schema")).toInt() != 1) {
        *error = QStringLiteral("The price catalog has an unknown schema version (expected 1).");
        return std::nullopt;
    }
    PriceCatalog c;
    c.m_asOf = root.value(QLatin1String("asOf")).toString();
    c.m_currency = root.value(QLatin1String("currency")).toString(QStringLiteral("USD"));
    const QJsonArray entries = root.value(QLatin1String("entries")).toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonObject o = entries.at(i).toObject();
        PriceEntry e;
        e.provider = o.value(QLatin1String("provider")).toString();
        e.model = o.value(QLatin1String("model")).toString();
        e.version = o.value(QLatin1String("version")).toString();
        e.sku = defaultTier(o.value(QLatin1String("sku")).toString());
        const QString where = QStringLiteral("entry %1 (%2 %3)").arg(i).arg(e.provider, e.model);
        if (e.provider.isEmpty() || e.model.isEmpty()) {
            *error = where + QStringLiteral(": \"provider\" and \"model\" are required");
            return std::nullopt;
        }
        if (!readTokenPrices(o, &e.tokens, where, error))
            return std::nullopt;
        if (o.contains(QLatin1String("ptu"))) {
            PtuPrices ptu;
            if (!readPtu(o.value(QLatin1String("ptu")).toObject(), &ptu, where, error))
                return std::nullopt;
            e.ptu = ptu;
        }
        if (o.contains(QLatin1String("hostingHourly"))) {
            qint64 v = 0;
            if (!readPrice(o.value(QLatin1String("hostingHourly")), &v)) {
                *error =
                    where + QStringLiteral(": hostingHourly must be USD per hour, e.g. \"1.70\"");
                return std::nullopt;
            }
            e.hostingHourlyMicros = v;
        }
        if (e.tokens.isEmpty() && !e.ptu) {
            *error = where + QStringLiteral(": give token prices (input, output) or a ptu block");
            return std::nullopt;
        }
        e.source = o.value(QLatin1String("source")).toString();
        e.asOf = o.value(QLatin1String("asOf")).toString(c.m_asOf);
        e.confirmed = o.value(QLatin1String("confirmed")).toBool(false);
        e.note = o.value(QLatin1String("note")).toString();
        if (e.source.isEmpty() || e.asOf.isEmpty()) {
            *error =
                where + QStringLiteral(": every price needs a \"source\" and an \"asOf\" date");
            return std::nullopt;
        }
        c.m_entries.append(e);
    }
    if (!expandPtuTables(root, c.m_asOf, &c.m_entries, error))
        return std::nullopt;
    return c;
}

PriceCatalog PriceCatalog::builtin()
{
    static const PriceCatalog catalog = parseBuiltin(QByteArray::fromRawData(
        reinterpret_cast<const char*>(detail::kBuiltinPrices), detail::kBuiltinPricesSize));
    return catalog;
}

PriceCatalog PriceCatalog::parseBuiltin(const QByteArray& json)
{
    QString error;
    auto c = fromJson(json, &error);
    // In every build type: an empty catalog would price everything at zero without a word.
    if (!c) {
        qFatal("The built-in price catalog does not parse: %s This build is broken: rebuild it "
               "from a resources/pricing/prices.json that passes tst_pricecatalog.",
               qPrintable(error));
    }
    return *c;
}

PriceCatalog PriceCatalog::loadOrBuiltin(const QString& path, QString* warning)
{
    QFile f(path);
    if (path.isEmpty() || !f.exists())
        return builtin();
    if (!f.open(QIODevice::ReadOnly)) {
        *warning = QStringLiteral("Could not read the price catalog %1 (%2); using the built-in "
                                  "prices.")
                       .arg(path, f.errorString());
        return builtin();
    }
    QString error;
    auto c = fromJson(f.readAll(), &error);
    if (!c) {
        *warning = QStringLiteral("The price catalog %1 was not used: %2 Using the built-in "
                                  "prices.")
                       .arg(path, error);
        return builtin();
    }
    return *c;
}

bool PriceCatalog::applyOverrides(const QByteArray& json, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isArray()) {
        *error = QStringLiteral("Price overrides must be a JSON array of {provider, model, …}.");
        return false;
    }
    QVector<PriceEntry> entries = m_entries; // all or nothing
    const QJsonArray arr = doc.array();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QJsonObject o = arr.at(i).toObject();
        const QString provider = o.value(QLatin1String("provider")).toString();
        const QString model = o.value(QLatin1String("model")).toString();
        const QString version = o.value(QLatin1String("version")).toString();
        const QString sku = o.value(QLatin1String("sku")).toString();
        const QString where = QStringLiteral("override %1 (%2 %3)").arg(i).arg(provider, model);
        if (provider.isEmpty() || model.isEmpty()) {
            *error = where + QStringLiteral(": \"provider\" and \"model\" are required");
            return false;
        }
        TokenPrices given;
        if (!readTokenPrices(o, &given, where, error))
            return false;
        std::optional<PtuPrices> givenPtu;
        if (o.contains(QLatin1String("ptu"))) {
            PtuPrices p;
            if (!readPtu(o.value(QLatin1String("ptu")).toObject(), &p, where, error))
                return false;
            givenPtu = p;
        }
        qint64 pct = 0; // 10^-4 percent
        if (o.contains(QLatin1String("discountPercent"))) {
            const QJsonValue v = o.value(QLatin1String("discountPercent"));
            Money m;
            const bool ok = v.isString()
                                ? Money::parse(v.toString(), &m)
                                : (v.isDouble() && (m = Money::fromUnits(v.toDouble()), true));
            pct = m.micros / 100; // percent in micro-units -> 10^-4 percent
            if (!ok || pct < 0 || pct > 1000000) {
                *error = where + QStringLiteral(": discountPercent must be between 0 and 100");
                return false;
            }
        }
        const QString note = o.value(QLatin1String("note"))
                                 .toString(pct > 0 ? QStringLiteral("Workspace discount")
                                                   : QStringLiteral("Workspace price"));
        bool matched = false;
        for (PriceEntry& e : entries) {
            if (e.provider != provider || e.model != model ||
                (!version.isEmpty() && e.version != version) || (!sku.isEmpty() && e.sku != sku))
                continue;
            matched = true;
            for (const PriceField& f : kTokenFields) {
                if (given.*(f.member))
                    e.tokens.*(f.member) = given.*(f.member);
                else if (pct > 0 && e.tokens.*(f.member))
                    e.tokens.*(f.member) = discounted(*(e.tokens.*(f.member)), pct);
            }
            if (o.contains(QLatin1String("hostingHourly"))) {
                qint64 v = 0;
                if (!readPrice(o.value(QLatin1String("hostingHourly")), &v)) {
                    *error = where + QStringLiteral(": hostingHourly must be USD per hour");
                    return false;
                }
                e.hostingHourlyMicros = v;
            } else if (pct > 0 && e.hostingHourlyMicros) {
                e.hostingHourlyMicros = discounted(*e.hostingHourlyMicros, pct);
            }
            if (givenPtu && e.ptu) {
                PtuPrices& p = *e.ptu;
                const QJsonObject po = o.value(QLatin1String("ptu")).toObject();
                if (po.contains(QLatin1String("hourly")))
                    p.hourlyMicros = givenPtu->hourlyMicros;
                if (givenPtu->monthlyMicros)
                    p.monthlyMicros = givenPtu->monthlyMicros;
                if (givenPtu->yearlyMicros)
                    p.yearlyMicros = givenPtu->yearlyMicros;
            } else if (pct > 0 && e.ptu) {
                PtuPrices& p = *e.ptu;
                p.hourlyMicros = discounted(p.hourlyMicros, pct);
                if (p.monthlyMicros)
                    p.monthlyMicros = discounted(*p.monthlyMicros, pct);
                if (p.yearlyMicros)
                    p.yearlyMicros = discounted(*p.yearlyMicros, pct);
            }
            e.overridden = true;
            e.overrideNote = note;
        }
        if (!matched) {
            // A model the catalog does not know (fine-tune, private SKU): a full price list adds
            // it.
            if (given.isEmpty() && !givenPtu) {
                *error = where + QStringLiteral(": matches no catalog entry; give its full prices "
                                                "(input and output, or a ptu block) to add it");
                return false;
            }
            PriceEntry e;
            e.provider = provider;
            e.model = model;
            e.version = version;
            e.sku = defaultTier(sku);
            e.tokens = given;
            e.ptu = givenPtu;
            e.source = QStringLiteral("workspace override");
            e.asOf = o.value(QLatin1String("asOf")).toString(m_asOf);
            e.confirmed = true;
            e.overridden = true;
            e.overrideNote = note;
            entries.append(e);
        }
    }
    m_entries = entries;
    return true;
}

const PriceEntry* PriceCatalog::find(const QString& provider, const QString& model,
                                     const QString& version, const QString& sku,
                                     bool anyVersionOnly) const
{
    for (const PriceEntry& e : m_entries) {
        if (e.provider != provider || e.sku != sku ||
            e.model.compare(model, Qt::CaseInsensitive) != 0)
            continue;
        if (anyVersionOnly ? e.version.isEmpty() : e.version == version)
            return &e;
    }
    return nullptr;
}

PriceLookup PriceCatalog::lookup(const QString& provider, const QString& model,
                                 const QString& version, const QString& skuIn) const
{
    PriceLookup r;
    QString sku = defaultTier(skuIn);
    PriceLookup::Match how = PriceLookup::Match::Exact;
    QStringList why;
    // *Batch SKUs are priced at the batch rate of the matching *Standard entry.
    if (sku.endsWith(QLatin1String("Batch")) && !find(provider, model, version, sku, false) &&
        !find(provider, model, version, sku, true)) {
        sku.chop(5);
        sku += QLatin1String("Standard");
        how = PriceLookup::Match::BatchSku;
        why << QStringLiteral("%1 is priced at the batch rate of %2.").arg(skuIn, sku);
    }
    auto attempt = [&](const QString& m, const QString& v, const QString& s) -> bool {
        if (const PriceEntry* e = find(provider, m, v, s, false)) {
            r.entry = *e;
            return true;
        }
        if (const PriceEntry* e = find(provider, m, v, s, true)) {
            r.entry = *e;
            if (!v.isEmpty() && how == PriceLookup::Match::Exact) {
                how = PriceLookup::Match::AnyVersion;
                why << QStringLiteral("No price for version %1 of %2; the price for any version "
                                      "was used.")
                           .arg(v, m);
            }
            return true;
        }
        return false;
    };
    bool ok = attempt(model, version, sku);
    if (!ok) {
        static const QRegularExpression dated(QStringLiteral("^(.+)-(\\d{4}-\\d{2}-\\d{2})$"));
        const auto mm = dated.match(model);
        if (mm.hasMatch() && version.isEmpty()) {
            const PriceLookup::Match before = how;
            how = PriceLookup::Match::DatedSuffix;
            ok = attempt(mm.captured(1), mm.captured(2), sku);
            if (ok)
                why << QStringLiteral("%1 was priced as %2.").arg(model, mm.captured(1));
            else
                how = before;
        }
    }
    // A fine-tune ("gpt-4o-mini-2024-07-18.ft-0a1b2c", deployed as version "1" on Standard) has
    // no entry of its own: its tokens cost the fine-tuned rates of its base model and version.
    // Provisioned fine-tunes are priced by PTU time, which the FineTuned entries do not give.
    QString ftBase, ftVersion;
    if (!ok && !sku.endsWith(QLatin1String("ProvisionedManaged")) &&
        splitFineTunedModel(model, &ftBase, &ftVersion)) {
        const PriceLookup::Match before = how;
        if (how == PriceLookup::Match::Exact)
            how = PriceLookup::Match::FineTuned;
        ok = attempt(ftBase, ftVersion, QStringLiteral("FineTuned"));
        if (ok)
            why << QStringLiteral("%1 is a fine-tune of %2%3: priced at the catalog's fine-tuned "
                                  "rates for it.")
                       .arg(model, ftBase,
                            ftVersion.isEmpty() ? QString() : QStringLiteral(" ") + ftVersion);
        else
            how = before;
    }
    if (!ok && sku != QLatin1String("default") && provider != QLatin1String("azure-openai")) {
        how = PriceLookup::Match::DefaultTier;
        ok = attempt(model, version, QStringLiteral("default"));
        if (ok)
            why << QStringLiteral("No price for service tier \"%1\"; the default tier's price "
                                  "was used.")
                       .arg(sku);
    }
    if (!ok) {
        r.match = PriceLookup::Match::None;
        r.entry.reset();
        r.explanation =
            QStringLiteral("No price in the catalog for %1 %2%3 on %4; add one as a "
                           "workspace price override.")
                .arg(provider, model, version.isEmpty() ? QString() : QStringLiteral(" ") + version,
                     skuIn.isEmpty() ? QStringLiteral("default") : skuIn);
        return r;
    }
    r.match = how;
    r.explanation = why.join(QLatin1Char(' '));
    return r;
}

QString formatPricePerMillion(qint64 microsPerMillion)
{
    const int decimals = microsPerMillion % 10000 == 0 ? 2 : 4;
    return Money::fromMicros(microsPerMillion).format(decimals) + QStringLiteral("/1M");
}

bool splitFineTunedModel(const QString& model, QString* base, QString* version)
{
    const int ft = model.indexOf(QLatin1String(".ft-"));
    if (ft <= 0)
        return false;
    const QString stem = model.left(ft); // "gpt-4o-mini-2024-07-18"
    static const QRegularExpression dated(QStringLiteral("^(.+)-(\\d{4}-\\d{2}-\\d{2})$"));
    const QRegularExpressionMatch m = dated.match(stem);
    *base = m.hasMatch() ? m.captured(1) : stem;
    *version = m.hasMatch() ? m.captured(2) : QString();
    return true;
}

} // namespace isc
