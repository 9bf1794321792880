#pragma once

#include <QMetaType>
#include <QString>
#include <QVector>

namespace isc {

/// One playground run as the history keeps it. Plain text and JSON only: the store does not
/// know the chat types. Never holds a secret (URLs and headers are stored without keys).
struct StoredRun
{
    qint64 id = 0;          ///< assigned by the store on save
    qint64 createdAtMs = 0; ///< when the run started, ms since the epoch (UTC)
    QString target;         ///< the target's display name
    QString connection;     ///< connection id; empty for an ad-hoc URL
    QString dialect;        ///< "openai", "azure", "anthropic"
    QString url;            ///< the chat endpoint (no key in it)
    QString model;          ///< the model the request named (or the answer's)
    QString parametersJson; ///< {"temperature": 0.7, "max_tokens": 256, ...}
    QString messagesJson;   ///< [{"role", "content"}]; empty when redacted
    QString output;         ///< the answer; empty when redacted
    QString metricsJson;    ///< RunResult::toJson(): timing, tokens, cost, status, error
    QString headersJson;    ///< the response headers of interest {name: value}
    QString error;          ///< words; empty on success
    QString errorKind;      ///< errorKindName(): "rate_limited", ...; empty on success
    bool starred = false;
    bool redacted = false; ///< prompts and output were not stored (metrics only)
};

/// Which runs listRuns() returns, newest first.
struct RunFilter
{
    QString search; ///< substring of target, model, messages, output or error
    QString target; ///< exact target name; empty = all
    bool starredOnly = false;
    int limit = 500;

    /// `search` as a LIKE pattern ("%text%", with '\\' escaping % _ and itself).
    QString likePattern() const;
};

/// The outcome of saving a run.
struct RunSaveReport
{
    bool ok = false;
    qint64 id = 0;
    QString error; ///< in words when !ok
};

} // namespace isc

Q_DECLARE_METATYPE(isc::StoredRun)
