#include "costaccrual.h"

#include <QSet>
#include <cmath>

namespace isc {
namespace {

// When a deployment's items are priced differently, its label names the least certain.
int rank(const QString& pricing)
{
    if (pricing == QLatin1String("override"))
        return 2;
    return pricing == QLatin1String("unconfirmed") ? 1 : 0;
}

void add(CostAccrual::Priced* into, const CostAccrual::Priced& part)
{
    into->total += part.total;
    if (into->pricing.isEmpty() || rank(part.pricing) > rank(into->pricing))
        into->pricing = part.pricing;
}

bool sameTerms(const Deployment& a, const Deployment& b)
{
    return a.capacity == b.capacity && a.sku == b.sku && a.model == b.model &&
           a.version == b.version;
}

} // namespace

CostAccrual::CostAccrual(CostEngine engine, PtuBilling billing, bool demo)
    : m_engine(std::move(engine)), m_billing(billing), m_demo(demo)
{}

QString CostAccrual::pricingOf(const CostItem& item) const
{
    if (m_demo)
        return QStringLiteral("demo");
    if (item.overridden)
        return QStringLiteral("override");
    return item.confirmed ? QStringLiteral("catalog") : QStringLiteral("unconfirmed");
}

CostAccrual::Priced CostAccrual::ptuCost(const Provisioned& p, qint64 now) const
{
    Priced out{p.closed, p.pricing};
    if (!p.listed || now <= p.since)
        return out;
    const CostItem c = m_engine.priceProvisioned(p.deployment, {p.since, now}, m_billing);
    if (c.priced)
        add(&out, {c.total, pricingOf(c)});
    return out;
}

void CostAccrual::setInventory(const QString& source, const Deployments& deployments,
                               qint64 startedAt, qint64 now)
{
    const bool first = !m_inventory.contains(source);
    m_inventory.insert(source, deployments);
    QMap<QString, Provisioned>& records = m_provisioned[source];
    QSet<QString> listed;
    for (const Deployment& d : deployments) {
        if (!d.isProvisioned())
            continue;
        listed.insert(d.name);
        auto it = records.find(d.name);
        if (it == records.end()) {
            // Listed from the first inventory on: it existed when the collector started.
            records.insert(d.name, {d, first ? startedAt : now, true, {}, {}});
        } else if (!it->listed || !sameTerms(it->deployment, d)) {
            const Priced sofar = ptuCost(*it, now);
            it->closed = sofar.total;
            it->pricing = sofar.pricing;
            it->deployment = d;
            it->since = now;
            it->listed = true;
        }
    }
    for (Provisioned& p : records) {
        if (p.listed && !listed.contains(p.deployment.name)) {
            const Priced sofar = ptuCost(p, now);
            p.closed = sofar.total;
            p.pricing = sofar.pricing;
            p.listed = false;
        }
    }
}

QMap<QString, CostAccrual::Priced> CostAccrual::price(const QString& source, const QString& kind,
                                                      const QVector<Usage>& usage, qint64 now) const
{
    QVector<UsageItem> items;
    for (const Usage& u : usage) {
        UsageItem item;
        item.source = source;
        item.provider = kind;
        item.deployment = u.deployment;
        item.model = u.deployment; // non-Azure: the normalised label is the model
        item.batch = u.batch;
        item.tokens = u.tokens;
        if (kind == kAzureOpenAiProvider)
            item.tokens = TokenUsage::fromPrompt(u.azurePrompt, std::llround(u.azureCached),
                                                 u.tokens.output, u.tokens.requests);
        if (!(item.tokens == TokenUsage{}))
            items.append(item);
    }
    QMap<QString, Priced> out;
    // An empty window: the provisioned deployments' PTU time comes from the records below.
    const CostReport report = m_engine.price(items, m_inventory.value(source), {now, now});
    for (const CostItem& c : report.items) {
        if (c.priced && !c.provisioned)
            add(&out[c.deployment], {c.total, pricingOf(c)});
    }
    for (const Provisioned& p : m_provisioned.value(source)) {
        const Priced ptu = ptuCost(p, now);
        if (!ptu.pricing.isEmpty())
            add(&out[p.deployment.name], ptu);
    }
    return out;
}

} // namespace isc
