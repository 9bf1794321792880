#pragma once

#include "emulator/emulatorservice.h"

namespace isc::emu {

/// Chat inference in every dialect the playground speaks, streamed (SSE) or whole:
///   POST /openai/deployments/{d}/chat/completions?api-version=...   Azure (api-key or Bearer)
///   POST /openai/v1/chat/completions                                 Azure v1 (model = deployment)
///   POST /providers/openai/v1/chat/completions                       OpenAI (Bearer)
///   POST /providers/anthropic/v1/messages                            Anthropic (x-api-key)
///   POST /local/{vllm,llamacpp,ollama}/v1/chat/completions           OpenAI-compatible, no key
/// The key is Emulator::demoToken(). Text is a pure function of (seed, prompt); TTFT and the
/// time between tokens follow the traffic model at the current minute (slower at peak). The
/// header `x-inferscope-speed: fast` (x0.01), `instant` (x0) or a factor scales every delay.
/// Azure streams start with the prompt-filter chunk; gpt-4o-ptu answers 429 with
/// retry-after-ms while its utilization is at or over 100 %. Reasoning models think first
/// (reasoningTokens()): a longer TTFT and usage with reasoning_tokens.
class ChatService : public EmulatorService
{
public:
    explicit ChatService(const TrafficModel& traffic);

    bool accepts(const HttpServerRequest& req) const override;
    void serve(const HttpServerRequest& req, HttpServerResponder& r,
               const ServiceContext& ctx) override;

    /// A prompt containing this word is refused by Azure's prompt filter (400 content_filter).
    static constexpr const char* kFilterPromptWord = "inferscope-filter-prompt";
    /// A prompt containing this word has its Azure answer stopped by the output filter.
    static constexpr const char* kFilterOutputWord = "inferscope-filter-output";

    /// The hidden reasoning tokens a model spends before an answer of `answerTokens`: 3 per
    /// answer token for the o1/o3/o4 and gpt-5 families, 0 for others. They are billed as
    /// output (completion_tokens includes them) and reported in reasoning_tokens.
    static int reasoningTokens(const QString& model, int answerTokens);

    /// How long `deployment` stays at or over 100 % utilization after `nowUtc` (s UTC), ms;
    /// 0 when it is not saturated now (or is not provisioned).
    static qint64 saturatedForMs(const TrafficModel& traffic, const QString& deployment,
                                 qint64 nowUtc);

private:
    const TrafficModel& m_traffic;
};

} // namespace isc::emu
