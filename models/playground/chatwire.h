#pragma once

#include "net/httptypes.h"
#include "playground/chatrequest.h"
#include "playground/chattarget.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace isc {

/// The model a request names on the wire: the request's, else the target's, else (Azure v1)
/// the deployment.
QString effectiveModel(const ChatTarget& target, const ChatRequest& request);

/// The JSON body of `request` in `target`'s dialect (OpenAI Chat Completions with
/// stream_options.include_usage, or Anthropic Messages with the system prompt split out).
QByteArray chatRequestBody(const ChatTarget& target, const ChatRequest& request);

/// The full HTTP request: URL, auth header of the dialect (`api-key`, `Authorization: Bearer`,
/// `x-api-key` + `anthropic-version`), JSON body, the target's timeout and retries.
/// `apiKey` empty = no auth header.
HttpRequest buildChatHttpRequest(const ChatTarget& target, const ChatRequest& request,
                                 const QString& apiKey);

/// Content-filter categories that filtered in an Azure `content_filter_results` object
/// ("violence"), with details for words ("violence (medium)").
void filteredCategories(const QJsonObject& results, QStringList* names, QStringList* details);

/// What an error body says: the provider's message, its error code/type, and (Azure content
/// filter) the categories that triggered.
struct ChatErrorInfo
{
    QString message;
    QString code; ///< "content_filter", "rate_limit_exceeded", "authentication_error", ...
    QStringList filterCategories;
    QStringList filterDetails;
    bool isContentFilter() const { return code == QLatin1String("content_filter"); }
};
ChatErrorInfo parseChatError(const QByteArray& body);

} // namespace isc
