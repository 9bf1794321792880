#pragma once

#include "emulator/cloudfleet.h"
#include "emulator/emulatorservice.h"

namespace isc::emu {

/// The demo Anthropic organisation's admin API under /providers/anthropic/v1/organizations/:
/// `usage_report/messages` (starting_at/ending_at RFC 3339, buckets 1m/1h/1d, group_by[]
/// model/workspace_id/service_tier, limit, opaque `page` cursors) and `cost_report` (1d buckets,
/// group_by[] workspace_id/description; `amount` a decimal string in cents), from the CloudFleet
/// and the emulator's own price table (cloudprices.h). Admin key: `x-api-key:
/// <Emulator::demoToken()>` with `anthropic-version`; errors as {"type":"error","error":{...}}.
class AnthropicAdminService : public EmulatorService
{
public:
    explicit AnthropicAdminService(const TrafficModel& traffic);

    bool accepts(const HttpServerRequest& req) const override;
    void serve(const HttpServerRequest& req, HttpServerResponder& r,
               const ServiceContext& ctx) override;

private:
    CloudFleet m_fleet;
};

} // namespace isc::emu
