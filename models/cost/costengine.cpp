#include "cost/costengine.h"

#include <QHash>
#include <algorithm>

namespace isc {
namespace {

__extension__ typedef __int128 Int128;

constexpr qint64 kPerMillion = 1000000;

/// A line before rounding: quantity x price per 1M tokens, exact in 10^-12 dollars.
struct Pending
{
    CostLine line;
    Int128 exact = 0;
};

/// Rounds the sum of the exact lines once and apportions the rounding to the lines by largest
/// remainder, so that the rounded lines add up to the rounded total exactly.
Money settle(QVector<Pending>& pending, QVector<CostLine>* lines)
{
    Int128 sum = 0;
    qint64 floors = 0;
    for (Pending& p : pending) {
        sum += p.exact;
        p.line.amount = Money::fromMicros(static_cast<qint64>(p.exact / kPerMillion));
        floors += p.line.amount.micros;
    }
    const qint64 total = static_cast<qint64>((sum + kPerMillion / 2) / kPerMillion);
    QVector<int> order(pending.size());
    for (int i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return pending[a].exact % kPerMillion > pending[b].exact % kPerMillion;
    });
    for (qint64 k = 0, left = total - floors; left > 0 && k < order.size(); ++k, --left)
        pending[order[int(k)]].line.amount.micros += 1;
    for (const Pending& p : pending)
        lines->append(p.line);
    return Money::fromMicros(total);
}

void addLine(QVector<Pending>* pending, CostLineKind kind, qint64 quantity, qint64 price,
             bool batch)
{
    if (quantity == 0)
        return;
    Pending p;
    p.line.kind = kind;
    p.line.quantity = quantity;
    p.line.unitPriceMicros = price;
    p.line.batchRate = batch;
    p.exact = static_cast<Int128>(quantity) * price;
    pending->append(p);
}

/// Saving of `tokens` priced at `actual` instead of `reference` (0 when not cheaper).
Money saving(qint64 tokens, std::optional<qint64> reference, std::optional<qint64> actual)
{
    if (!reference || !actual || *reference <= *actual || tokens <= 0)
        return {};
    return Money::mulDiv(tokens, *reference - *actual, kPerMillion);
}

CostItem itemHeader(const UsageItem& u)
{
    CostItem c;
    c.source = u.source;
    c.provider = u.provider;
    c.deployment = u.deployment;
    c.model = u.model;
    c.version = u.version;
    c.sku = u.sku;
    c.batch = u.batch;
    c.tokens = u.tokens;
    return c;
}

void describeEntry(const PriceLookup& lookup, CostItem* c)
{
    c->match = lookup.match;
    if (!lookup.explanation.isEmpty())
        c->notes << lookup.explanation;
    if (!lookup.entry)
        return;
    const PriceEntry& e = *lookup.entry;
    c->overridden = e.overridden;
    c->confirmed = e.confirmed;
    c->priceSource =
        e.overridden ? QStringLiteral("workspace override: ") + e.overrideNote : e.source;
    c->priceAsOf = e.asOf;
    if (!e.confirmed && !e.overridden)
        c->notes << QStringLiteral("The catalog price for %1 is not confirmed at its source.")
                        .arg(e.model);
}

QString hoursText(qint64 ptuSeconds, int ptus)
{
    return QString::number(double(ptuSeconds) / double(ptus) / 3600.0, 'f', 2);
}

} // namespace

QString costLineLabel(CostLineKind kind)
{
    switch (kind) {
    case CostLineKind::UncachedInput:
        return QStringLiteral("Uncached input");
    case CostLineKind::CachedInput:
        return QStringLiteral("Cached input");
    case CostLineKind::CacheWrite5m:
        return QStringLiteral("Cache write (5m)");
    case CostLineKind::CacheWrite1h:
        return QStringLiteral("Cache write (1h)");
    case CostLineKind::CacheRead:
        return QStringLiteral("Cache read");
    case CostLineKind::Output:
        return QStringLiteral("Output");
    case CostLineKind::PtuHours:
        return QStringLiteral("PTU hours");
    }
    return {};
}

TokenUsage TokenUsage::fromPrompt(qint64 prompt, qint64 cached, qint64 completion, qint64 requests)
{
    TokenUsage u;
    u.requests = requests;
    u.cachedInput = std::clamp<qint64>(cached, 0, std::max<qint64>(prompt, 0));
    u.uncachedInput = std::max<qint64>(prompt, 0) - u.cachedInput;
    u.output = std::max<qint64>(completion, 0);
    return u;
}

TokenUsage& TokenUsage::operator+=(const TokenUsage& o)
{
    requests += o.requests;
    uncachedInput += o.uncachedInput;
    cachedInput += o.cachedInput;
    cacheWrite5m += o.cacheWrite5m;
    cacheWrite1h += o.cacheWrite1h;
    output += o.output;
    return *this;
}

bool TokenUsage::operator==(const TokenUsage& o) const
{
    return requests == o.requests && uncachedInput == o.uncachedInput &&
           cachedInput == o.cachedInput && cacheWrite5m == o.cacheWrite5m &&
           cacheWrite1h == o.cacheWrite1h && output == o.output;
}

Money CostReport::costPerRequest() const
{
    return requests > 0 ? Money::mulDiv(total.micros, 1, requests) : Money{};
}

Money CostReport::costPer1kRequests() const
{
    return requests > 0 ? Money::mulDiv(total.micros, 1000, requests) : Money{};
}

QVector<CostItem> CostReport::topSpenders(int n) const
{
    QVector<CostItem> sorted = items;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const CostItem& a, const CostItem& b) { return b.total < a.total; });
    if (n >= 0 && sorted.size() > n)
        sorted.resize(n);
    return sorted;
}

ReportedComparison compareReported(Money computed, Money reported, bool anyOverride)
{
    ReportedComparison r;
    r.computed = computed;
    r.reported = reported;
    r.difference = reported - computed;
    if (r.difference.micros == 0) {
        r.explanation = QStringLiteral("The reported cost matches the cost computed from tokens.");
        return r;
    }
    const Money magnitude = r.difference.micros < 0 ? -r.difference : r.difference;
    r.explanation =
        QStringLiteral("The provider reports %1 %2 than computed from tokens at catalog prices. "
                       "Reported costs can lag by up to a day, include items that are not tokens "
                       "(tools, storage, fine-tuning) and reflect contracted prices.")
            .arg(magnitude.format(2),
                 r.difference.micros > 0 ? QStringLiteral("more") : QStringLiteral("less"));
    if (anyOverride)
        r.explanation += QStringLiteral(" Workspace price overrides change the computed side.");
    return r;
}

CostEngine::CostEngine(PriceCatalog catalog) : m_catalog(std::move(catalog)) {}

CostItem CostEngine::priceTokens(const UsageItem& u) const
{
    CostItem c = itemHeader(u);
    const PriceLookup lookup = m_catalog.lookup(u.provider, u.model, u.version, u.sku);
    describeEntry(lookup, &c);
    if (!lookup.entry)
        return c;
    const PriceEntry& e = *lookup.entry;
    const TokenPrices& p = e.tokens;
    if (p.isEmpty()) {
        c.notes << QStringLiteral("%1 on %2 is provisioned: it is priced by PTU time, not tokens.")
                       .arg(u.model, u.sku);
        return c;
    }
    const bool batch = u.batch || lookup.match == PriceLookup::Match::BatchSku;
    c.batch = batch;
    const TokenUsage& t = u.tokens;

    std::optional<qint64> in = p.input, out = p.output;
    std::optional<qint64> cachedStd = p.cacheRead ? p.cacheRead : p.cachedInput;
    std::optional<qint64> cached = cachedStd;
    const CostLineKind cachedKind =
        p.cacheRead ? CostLineKind::CacheRead : CostLineKind::CachedInput;
    if (batch) {
        if (p.batchInput && p.batchOutput) {
            in = p.batchInput;
            out = p.batchOutput;
            cached = p.batchCachedInput ? p.batchCachedInput : p.batchInput;
        } else {
            c.notes << QStringLiteral("No batch rate in the catalog for %1; the standard rate was "
                                      "used.")
                           .arg(e.model);
        }
    }
    if (!cached && t.cachedInput > 0) {
        cached = in;
        c.notes << QStringLiteral("No cached-input price for %1; cached tokens were charged at "
                                  "the input price.")
                       .arg(e.model);
    }

    QVector<Pending> pending;
    QStringList unpriced;
    auto add = [&](CostLineKind kind, qint64 tokens, std::optional<qint64> price) {
        if (tokens == 0)
            return;
        if (!price) {
            unpriced << QStringLiteral("%1 %2").arg(tokens).arg(costLineLabel(kind).toLower());
            return;
        }
        addLine(&pending, kind, tokens, *price, batch);
    };
    add(CostLineKind::UncachedInput, t.uncachedInput, in);
    add(cachedKind, t.cachedInput, cached);
    add(CostLineKind::CacheWrite5m, t.cacheWrite5m, p.cacheWrite5m);
    add(CostLineKind::CacheWrite1h, t.cacheWrite1h, p.cacheWrite1h);
    add(CostLineKind::Output, t.output, out);
    if (!unpriced.isEmpty())
        c.notes << QStringLiteral("No price in the catalog for %1 tokens: they are not in the "
                                  "total.")
                       .arg(unpriced.join(QStringLiteral(", ")));
    c.total = settle(pending, &c.lines);
    c.priced = true;

    c.cacheSavings = saving(t.cachedInput, in, cached);
    if (batch && p.batchInput && p.batchOutput) {
        c.batchSavings = saving(t.uncachedInput, p.input, in) + saving(t.output, p.output, out) +
                         saving(t.cachedInput, cachedStd, cached);
    }
    return c;
}

CostItem CostEngine::priceProvisioned(const Deployment& d, const TimeRange& window,
                                      PtuBilling billing) const
{
    CostItem c;
    c.source = d.source;
    c.provider = kAzureOpenAiProvider;
    c.deployment = d.name;
    c.model = d.model;
    c.version = d.version;
    c.sku = d.sku;
    c.provisioned = true;
    const PriceLookup lookup = m_catalog.lookup(kAzureOpenAiProvider, d.model, d.version, d.sku);
    describeEntry(lookup, &c);
    if (!lookup.entry)
        return c;
    if (!lookup.entry->ptu) {
        c.notes << QStringLiteral("The catalog has no PTU price for %1 on %2.").arg(d.model, d.sku);
        return c;
    }
    QString note;
    const QVector<PtuCharge> charges =
        PtuCost::charges(d.capacity, window, *lookup.entry->ptu, billing, &note);
    if (!note.isEmpty())
        c.notes << note;
    for (const PtuCharge& ch : charges) {
        CostLine line;
        line.kind = CostLineKind::PtuHours;
        line.quantity = ch.ptuSeconds;
        line.unitPriceMicros = ch.rateMicros;
        line.amount = ch.amount;
        line.detail = QStringLiteral("%1 PTU x %2 h, %3")
                          .arg(d.capacity)
                          .arg(hoursText(ch.ptuSeconds, d.capacity), ptuBillingName(ch.billing));
        c.lines.append(line);
        c.total += ch.amount;
    }
    c.priced = true;
    c.notes << QStringLiteral("Provisioned: the cost is PTU time, whatever the traffic; the "
                              "deployment is assumed to exist for the whole window.");
    return c;
}

CostReport CostEngine::price(const QVector<UsageItem>& usage, const Deployments& inventory,
                             const TimeRange& window, PtuBilling billing) const
{
    CostReport r;
    r.window = window;
    QHash<QString, TokenUsage> provisionedTokens; // source + '\n' + deployment
    auto findDeployment = [&](const QString& source, const QString& name) -> const Deployment* {
        for (const Deployment& d : inventory) {
            if (d.source == source && d.name == name)
                return &d;
        }
        return nullptr;
    };
    for (const UsageItem& u : usage) {
        if (u.provider != kAzureOpenAiProvider) {
            r.items.append(priceTokens(u));
            continue;
        }
        const Deployment* d = findDeployment(u.source, u.deployment);
        if (!d) {
            CostItem c = itemHeader(u);
            c.notes << QStringLiteral(
                           "Deployment %1 is not in the inventory of %2, so it cannot be "
                           "priced (Azure is priced by the deployment's model, version "
                           "and SKU, never by the model a response names).")
                           .arg(u.deployment, u.source);
            r.items.append(c);
            continue;
        }
        if (d->isProvisioned()) {
            provisionedTokens[d->source + QLatin1Char('\n') + d->name] += u.tokens;
            continue;
        }
        UsageItem priced = u;
        priced.model = d->model;
        priced.version = d->version;
        priced.sku = d->sku;
        priced.batch = false; // the *Batch SKU decides
        r.items.append(priceTokens(priced));
    }
    for (const Deployment& d : inventory) {
        if (!d.isProvisioned())
            continue;
        CostItem c = priceProvisioned(d, window, billing);
        c.tokens = provisionedTokens.value(d.source + QLatin1Char('\n') + d.name);
        r.items.append(c);
    }
    for (const CostItem& c : std::as_const(r.items)) {
        r.total += c.total;
        r.cacheSavings += c.cacheSavings;
        r.batchSavings += c.batchSavings;
        r.requests += c.tokens.requests;
        if (!c.priced)
            ++r.unpricedItems;
    }
    return r;
}

} // namespace isc
