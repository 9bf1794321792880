#include "emulator/emulatorservice.h"

#include "emulator/aciservice.h"
#include "emulator/anthropicadminservice.h"
#include "emulator/chatservice.h"
#include "emulator/localserverservice.h"
#include "emulator/ollamaservice.h"
#include "emulator/openaiadminservice.h"

namespace isc::emu {

std::vector<std::unique_ptr<EmulatorService>> makeEmulatorServices(const TrafficModel& traffic)
{
    Q_UNUSED(traffic)
    std::vector<std::unique_ptr<EmulatorService>> services;
    // One line per service, e.g. services.push_back(std::make_unique<OpenAiAdminService>(traffic));
    // Chat first: the local servers' services claim their whole prefix.
    services.push_back(std::make_unique<ChatService>(traffic));
    services.push_back(std::make_unique<OpenAiAdminService>(traffic));
    services.push_back(std::make_unique<AnthropicAdminService>(traffic));
    services.push_back(std::make_unique<LocalServerService>(traffic));
    services.push_back(std::make_unique<OllamaService>(traffic));
    services.push_back(std::make_unique<AciService>(traffic));
    return services;
}

} // namespace isc::emu
