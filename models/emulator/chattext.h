#pragma once

#include <QString>
#include <QStringList>

namespace isc::emu {

/// The emulator's answer to `prompt` from `model`: 24..64 pieces, one token each ("The",
/// " fleet", "."), a pure function of (seed, model, prompt), cut to `maxTokens` (<= 0: no cap).
/// Each model answers differently, so side-by-side runs can be told apart.
QStringList chatAnswerTokens(quint64 seed, const QString& model, const QString& prompt,
                             int maxTokens);

/// Prompt tokens as the emulator bills them: about 4 characters a token plus 4 per message.
int emulatedPromptTokens(const QStringList& messageContents);

/// Prompt tokens served from the cache: half of a prompt of 1024 tokens or more, in steps of
/// 128 (OpenAI's caching rule); 0 for shorter prompts.
int emulatedCachedTokens(int promptTokens);

/// A stable 64-bit hash of (seed, text), for ids and jitter.
quint64 chatHash(quint64 seed, const QString& text);

} // namespace isc::emu
