#pragma once

#include "sources/openai/usagepage.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace isc::anthropic {

/// Parses one page of `GET /v1/organizations/usage_report/messages` for connection `source`:
/// per bucket and result `InputTokensUncached`, `CacheWrite5mTokens`, `CacheWrite1hTokens`,
/// `InputTokensCached` (cache reads) and `OutputTokens` at the bucket start (starting_at),
/// labelled ModelDeploymentName (model, "(all)" when not grouped), workspace and service_tier
/// when given. The report has no request count, so there is no `Requests`. An error document
/// becomes !ok with Anthropic's words and `errorType` (e.g. "rate_limit_error").
UsagePage parseUsageReport(const QByteArray& body, const QString& source);

/// Parses one page of `GET /v1/organizations/cost_report`: `ReportedCost` in micro-USD, exact
/// (the cents strings never pass through a double), labelled ModelDeploymentName (model,
/// "(none)" for non-token costs), cost_type, token_type, service_tier and workspace as given.
UsagePage parseCostReport(const QByteArray& body, const QString& source);

/// Parses a decimal string of cents ("123.45", "0.0123", "-7") into whole micro-USD
/// (1 cent = 10,000 micro-USD), exactly; digits beyond the fourth decimal round half away from
/// zero. nullopt for anything but [-]digits[.digits] or on overflow.
std::optional<qint64> centsToMicroUsd(const QString& text);

/// The words of an Anthropic error document ("rate_limit_error: ..."), or an empty string when
/// `body` is not one; `type` receives error.type.
QString errorText(const QByteArray& body, QString* type = nullptr);

} // namespace isc::anthropic
