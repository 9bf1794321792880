#pragma once

#include "emulator/cloudfleet.h"
#include "emulator/emulatorservice.h"

namespace isc::emu {

/// The demo OpenAI organisation's admin API under /providers/openai/v1/organization/:
/// `usage/completions` (buckets 1m/1h/1d, group_by[] project_id/model/batch/service_tier,
/// limit, opaque `page` cursors) and `costs` (1d buckets, group_by[] line_item/project_id),
/// from the CloudFleet and the emulator's own price table (cloudprices.h). Admin key:
/// `Authorization: Bearer <Emulator::demoToken()>`; errors in OpenAI's {"error": {...}} shape.
/// Buckets are aligned to their width in UTC; minutes from the current one on are not reported.
class OpenAiAdminService : public EmulatorService
{
public:
    explicit OpenAiAdminService(const TrafficModel& traffic);

    bool accepts(const HttpServerRequest& req) const override;
    void serve(const HttpServerRequest& req, HttpServerResponder& r,
               const ServiceContext& ctx) override;

    /// Largest `limit` of the costs endpoint (buckets of one day).
    static constexpr int kMaxCostDays = 180;

private:
    CloudFleet m_fleet;
};

} // namespace isc::emu
