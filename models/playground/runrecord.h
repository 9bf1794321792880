#pragma once

#include "playground/chatrequest.h"
#include "playground/chattarget.h"
#include "playground/runresult.h"
#include "store/runrecord.h"

#include <QJsonObject>
#include <optional>

namespace isc {

/// The parameters of `request` as JSON ({"temperature", "top_p", "max_tokens", "stop", "seed",
/// "response_format"}); only those set.
QJsonObject requestParameters(const ChatRequest& request);
/// Applies parameters written by requestParameters() to `request`.
void applyParameters(const QJsonObject& parameters, ChatRequest* request);

/// The history record of one finished run. `redact` keeps metrics only: no messages, no
/// answer, no stop sequences (they may quote the prompt). `connection` is the connection id.
StoredRun makeStoredRun(const ChatTarget& target, const QString& connection,
                        const ChatRequest& request, const RunResult& result, bool redact,
                        qint64 createdAtMs);

/// The request a stored run made (messages and parameters), for "Re-run"; nullopt when the
/// run was stored redacted.
std::optional<ChatRequest> requestFromRun(const StoredRun& run);

/// A stored run as one JSON document for export (messages and metrics parsed, no secret).
QJsonObject runToJson(const StoredRun& run);

/// The environment variable a `curl` export reads the key from when the connection names none:
/// AZURE_OPENAI_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY.
QString defaultKeyVariable(ChatDialect dialect);

/// The run as a `curl` command line for a POSIX shell. The key is written as "$keyVariable"
/// (never its value); an empty `keyVariable` sends no key (local servers). Credential headers
/// the target carries are left out.
QString curlCommand(const ChatTarget& target, const ChatRequest& request,
                    const QString& keyVariable);
/// The same for a stored run; nullopt when it was stored redacted (nothing to replay).
std::optional<QString> curlCommand(const StoredRun& run, const QString& keyVariable);

} // namespace isc
