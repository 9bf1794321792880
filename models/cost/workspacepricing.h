#pragma once

// How a workspace prices: the built-in catalog with its overrides, its budget and the PTU
// pricing basis, one reading for the Cost and Capacity pages.

#include "core/workspace.h"
#include "cost/costengine.h"
#include "cost/money.h"
#include "cost/ptucost.h"

#include <optional>

namespace isc {

/// The engine for a workspace: the built-in catalog with the workspace's overrides applied;
/// `warning` says why overrides were ignored (malformed).
CostEngine costEngineFor(const Workspace& workspace, QString* warning);
/// The monthly budget of a workspace ({"monthlyUsd": "25000"}); nullopt when none is set.
std::optional<Money> workspaceBudget(const Workspace& workspace);
/// The pricing basis of provisioned deployments a workspace chose ({"ptuBilling": "monthly"} in
/// its budget object), one setting for the Cost and Capacity pages; kDefaultPtuBilling (a
/// monthly reservation) when unset. An unknown value gives the default and sets `warning`.
PtuBilling workspacePtuBilling(const Workspace& workspace, QString* warning = nullptr);

} // namespace isc
