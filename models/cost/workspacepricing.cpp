#include "workspacepricing.h"

#include <QCoreApplication>
#include <QJsonDocument>

namespace isc {

CostEngine costEngineFor(const Workspace& workspace, QString* warning)
{
    PriceCatalog catalog = PriceCatalog::builtin();
    if (!workspace.priceOverrides.isEmpty()) {
        QString error;
        if (!catalog.applyOverrides(QJsonDocument(workspace.priceOverrides).toJson(), &error) &&
            warning)
            *warning = QCoreApplication::translate(
                           "isc::CostPage", "The workspace's price overrides were ignored: %1")
                           .arg(error);
    }
    return CostEngine(catalog);
}

std::optional<Money> workspaceBudget(const Workspace& workspace)
{
    const QJsonValue v = workspace.budget.value(QLatin1String("monthlyUsd"));
    Money m;
    const bool ok = v.isString() ? Money::parse(v.toString(), &m)
                                 : (v.isDouble() && (m = Money::fromUnits(v.toDouble()), true));
    if (!ok || m.micros <= 0)
        return std::nullopt;
    return m;
}

PtuBilling workspacePtuBilling(const Workspace& workspace, QString* warning)
{
    return ptuBillingOf(workspace.budget, warning);
}

} // namespace isc
