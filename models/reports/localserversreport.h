#pragma once

#include "core/sourcehealth.h"
#include "core/workspace.h"
#include "reports/kpifigure.h"
#include "reports/localserversquery.h"
#include "reports/reporttable.h"

#include <QCoreApplication>
#include <QHash>

namespace isc {

/// The inference server behind a local connection.
enum class LocalServerKind { Unknown, Vllm, LlamaCpp, Tgi, Ollama };

/// What the Local servers report is computed from.
struct LocalServersReportInput
{
    LocalServersResult result;
    QVector<Connection> connections;     ///< names and kinds of the sources
    QHash<QString, SourceHealth> health; ///< by connection id; absent = not polled here
    qint64 nowUtc = 0;                   ///< s UTC
};

/// A figure of one server: its value in words, or why it is missing.
struct LocalFigure
{
    double value = std::nan(""); ///< NaN when missing
    QString text;                ///< the value with its unit, or the reason ("not exposed by …")
    QString why;                 ///< the reason at length when missing (tooltip), else empty

    bool known() const { return !std::isnan(value); }
};

/// One local server as the page shows it.
struct LocalServerStatus
{
    QString source;
    QString name; ///< the connection's display name
    LocalServerKind kind = LocalServerKind::Unknown;
    bool up = false;
    QString status;    ///< "Up since 14:02", "Down since 13:58", "Not polled yet"
    QString lastError; ///< the last poll's error in words, empty when it answered
    LocalFigure running, waiting, kvCache, preemptions, tokensPerSecond;
    QStringList models; ///< served (vLLM, llama.cpp, TGI) or loaded (Ollama)
};

/// Everything the Local servers page shows, computed and worded; the page only displays it.
struct LocalServersReport
{
    QVector<LocalServerStatus> servers; ///< in workspace order
    /// Servers up, running now, waiting now, KV cache, tokens/s, preemptions, VRAM.
    QVector<KpiFigure> tiles;
    ReportTable table;  ///< one row per server
    ReportTable models; ///< one row per served or loaded model, VRAM where Ollama says it
    QString note;       ///< what is missing where, and why, in words
    QString error;      ///< a store error in words, empty when the read went through

    /// The whole report.
    static LocalServersReport build(const LocalServersReportInput& in);
    /// "vLLM", "llama.cpp", "TGI", "Ollama" or "unknown".
    static QString kindName(LocalServerKind kind);
    /// The kind of connection `c` from what it stored (its inventory's SKU names the server).
    static LocalServerKind kindOf(const Connection& c, const Deployments& inventory);
    /// Up or down, since when, from the live health and the recorded gaps (worded).
    static LocalServerStatus statusOf(const Connection& c, const LocalServerReading& r,
                                      const SourceHealth* health, qint64 nowUtc);
    /// "14:02" today, "3 Sep, 14:02" on another day (local time).
    static QString when(qint64 t, qint64 nowUtc);
    /// Seconds as "45 s" or "4 min".
    static QString duration(double seconds);
    /// A size in bytes as "3.7 GiB".
    static QString bytes(double value);

    Q_DECLARE_TR_FUNCTIONS(LocalServersReport)
};

} // namespace isc
