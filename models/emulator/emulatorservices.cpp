#include "emulator/emulatorservice.h"

namespace isc::emu {

std::vector<std::unique_ptr<EmulatorService>> makeEmulatorServices(const TrafficModel& traffic)
{
    Q_UNUSED(traffic)
    std::vector<std::unique_ptr<EmulatorService>> services;
    // One line per service, e.g. services.push_back(std::make_unique<OpenAiAdminService>(traffic));
    return services;
}

} // namespace isc::emu
