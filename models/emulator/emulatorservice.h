#pragma once

#include "emulator/trafficmodel.h"
#include "net/loopbackhttpserver.h"

#include <QString>
#include <QUrl>
#include <memory>
#include <vector>

namespace isc::emu {

/// What every emulated service sees of the emulator for one request.
struct ServiceContext
{
    const TrafficModel& traffic; ///< the Azure fleet; demandEnvelope() shapes everyone else
    qint64 nowUtc = 0;           ///< the emulator's clock, seconds UTC
    QUrl baseUrl;                ///< "http://127.0.0.1:PORT"
};

/// One emulated API (OpenAI admin, Anthropic admin, a local vLLM, chat streaming, ...).
/// Each service owns a path prefix under the emulator's base URL, documented in its header:
///   /providers/openai/v1/...     OpenAI (base URL as https://api.openai.com/v1)
///   /providers/anthropic/v1/...  Anthropic (base URL as https://api.anthropic.com/v1)
///   /local/vllm/...              a vLLM server (/metrics, /v1/chat/completions)
///   /local/llamacpp/...          a llama.cpp server
///   /local/ollama/...            an Ollama server (/api/ps, /api/tags, /v1/chat/completions)
///   /openai/...                  Azure OpenAI inference (deployments/{d}/chat/completions, v1)
/// Everything else is Azure Resource Manager (the Emulator's own ARM routes).
/// Services are created and used on the emulator's thread only.
class EmulatorService
{
public:
    virtual ~EmulatorService() = default;
    /// True when this service answers `req` (usually: its path prefix matches).
    virtual bool accepts(const HttpServerRequest& req) const = 0;
    /// Answers `req` through `r`, now or later (keep a copy of `r` to stream or delay).
    /// The service checks its own credentials and answers in its provider's error shape.
    virtual void serve(const HttpServerRequest& req, HttpServerResponder& r,
                       const ServiceContext& ctx) = 0;
};

/// Every service the emulator runs, in match order (emulatorservices.cpp: one line each).
std::vector<std::unique_ptr<EmulatorService>> makeEmulatorServices(const TrafficModel& traffic);

} // namespace isc::emu
