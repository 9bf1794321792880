#pragma once

#include "emulator/emulatorservice.h"

#include <QByteArray>

namespace isc::emu {

/// The demo's Ollama server under /local/ollama: /api/ps (loaded models with their memory in
/// VRAM and on the CPU, and when they unload), /api/tags (installed models), /api/version.
/// "nomic-embed-text:latest" stays loaded; "llama3.2:3b" is loaded while the fleet is busy
/// (TrafficModel::demandEnvelope() above a threshold) and partly offloaded to the CPU.
class OllamaService : public EmulatorService
{
public:
    explicit OllamaService(const TrafficModel& traffic);

    bool accepts(const HttpServerRequest& req) const override;
    void serve(const HttpServerRequest& req, HttpServerResponder& r,
               const ServiceContext& ctx) override;

    /// The /api/ps answer at `t` (s UTC).
    QByteArray psJson(qint64 t) const;
    /// The /api/tags answer.
    QByteArray tagsJson() const;
    /// True when "llama3.2:3b" is loaded at `t`.
    static bool chatModelLoadedAt(qint64 t);

    static constexpr const char* version = "0.5.7";
    /// demandEnvelope() above which it stays loaded (weekday working hours).
    static constexpr double chatLoadThreshold = 0.45;
    static constexpr qint64 keepAliveSeconds = 300; ///< Ollama's default keep_alive

private:
    quint64 m_seed;
};

} // namespace isc::emu
