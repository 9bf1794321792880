#pragma once

#include "sources/openai/usagepage.h"

#include <QByteArray>
#include <QString>

namespace isc::openai {

/// Parses one page of `GET /v1/organization/usage/completions` for connection `source`:
/// per bucket and result `Requests` (num_model_requests), `InputTokensUncached` (input_tokens
/// minus input_cached_tokens: OpenAI's input_tokens include the cached ones),
/// `InputTokensCached`, `OutputTokens` (incl. reasoning), at the bucket start, labelled
/// ModelDeploymentName (model, "(all)" when not grouped), project, batch and service_tier when
/// given (null fields are left out). An error document becomes !ok with OpenAI's words.
UsagePage parseUsagePage(const QByteArray& body, const QString& source);

/// Parses one page of `GET /v1/organization/costs`: `ReportedCost` in micro-USD (exact
/// integers) per bucket, labelled line_item and project as given and ModelDeploymentName (the
/// model the line item names, "(all)" when none).
UsagePage parseCostsPage(const QByteArray& body, const QString& source);

/// The words of an OpenAI error document ("invalid_api_key: Incorrect API key provided"), or
/// an empty string when `body` is not one.
QString errorText(const QByteArray& body, QString* type = nullptr);

} // namespace isc::openai
