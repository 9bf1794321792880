#pragma once

#include "emulator/azurereply.h"
#include "emulator/trafficmodel.h"

// Internal: the emulator's descriptive endpoints, which list what the account has.
namespace isc::emu::detail {

/// Azure Monitor metricDefinitions: every served metric with its dimensions and grains.
Reply metricDefinitionsReply();

/// ARM deployments list of the account: the fleet of `traffic`, with SKUs and rate limits.
Reply deploymentsReply(const TrafficModel& traffic);

/// ARM usages of the subscription in `location`: regional quotas and what the fleet uses.
Reply usagesReply(const TrafficModel& traffic, const QString& location);

/// The ARM account resource itself.
Reply accountReply();

} // namespace isc::emu::detail
