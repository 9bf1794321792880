#pragma once

#include "emulator/emulatorservice.h"

namespace isc::emu {

/// ARM resource id of the demo Azure Container Instances group that serves a small model
/// (phi-3-mini) beside the Azure OpenAI account, in the same subscription.
QString aciResourceId();

/// The values the container group reports for minute `minuteTs` (s UTC): CPU in millicores,
/// memory in bytes, network in bytes per second. Load follows TrafficModel::demandEnvelope().
struct AciMinute
{
    double cpuMillicores = 0;
    double memoryBytes = 0;
    double receivedBytesPerSecond = 0;
    double transmittedBytesPerSecond = 0;
};

/// The group's minute as a pure function of (seed, minute).
AciMinute aciMinute(quint64 seed, qint64 minuteTs);

/// Azure Monitor for the container group at aciResourceId(): the resource itself,
/// `/providers/Microsoft.Insights/metricDefinitions` and `/providers/Microsoft.Insights/metrics`
/// with `CpuUsage` (Count = millicores), `MemoryUsage`, `NetworkBytesReceivedPerSecond` and
/// `NetworkBytesTransmittedPerSecond` (Bytes), Average primary. Bearer token as ARM; minutes
/// newer than two minutes are not there yet, as on Azure.
class AciService : public EmulatorService
{
public:
    explicit AciService(const TrafficModel& traffic);

    bool accepts(const HttpServerRequest& req) const override;
    void serve(const HttpServerRequest& req, HttpServerResponder& r,
               const ServiceContext& ctx) override;

private:
    quint64 m_seed;
};

} // namespace isc::emu
