#pragma once

#include <QString>

namespace isc {

/// The chat API dialects the playground speaks.
enum class ChatDialect {
    OpenAi,    ///< OpenAI Chat Completions (also OpenAI-compatible local servers)
    Azure,     ///< Azure OpenAI: deployment URL + api-version, or the v1 path
    Anthropic, ///< Anthropic Messages
};

/// "openai", "azure", "anthropic".
QString dialectName(ChatDialect dialect);
/// Parses dialectName(); false for anything else.
bool parseDialect(const QString& name, ChatDialect* out);

} // namespace isc
