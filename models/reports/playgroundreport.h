#pragma once

#include "core/deployment.h"
#include "playground/playgroundtargets.h"
#include "reports/playgrounddraft.h"
#include "store/runrecord.h"

#include <QCoreApplication>
#include <optional>

namespace isc {

/// One row of the Playground's run history, worded.
struct RunHistoryRow
{
    /// What the last column shows.
    enum class Summary { Answer, Error, Redacted };

    qint64 id = 0;
    QStringList columns; ///< ★, time, target, model, TTFT, total, tokens out, cost, summary
    Summary summary = Summary::Answer;
    QString summaryToolTip;
};

/// What the history's buttons may do with the selected runs.
struct RunHistoryActions
{
    bool star = false;
    QString starText; ///< "Star" or "Unstar"
    bool rerun = false;
    QString rerunToolTip;
    bool copyCurl = false;
    bool exportJson = false;
    bool remove = false;
    bool diff = false;
};

/// Where one pane's run goes: the target and the request to send it, or the problem in words.
struct PaneLaunch
{
    std::optional<PlaygroundTarget> target; ///< nullopt: `problem` says why nothing runs
    ChatRequest request;
    QString note; ///< Auto: which target it chose and why
    QString problem;
};

/// The Playground's decisions and words that do not need its widgets: history rows and the
/// actions a selection allows, Auto's note, the status while running, the demo's targets.
struct PlaygroundReport
{
    /// A stored run as a history row.
    static RunHistoryRow historyRow(const StoredRun& run);
    /// What the history's buttons may do with `selection`.
    static RunHistoryActions historyActions(const QVector<StoredRun>& selection);
    /// Resolves a pane: `selected` is a target id, or Auto (`isAuto`) routed by `policy` with
    /// `live` figures; `modelOverride` is the pane's model field (for Auto: what is asked for).
    static PaneLaunch launch(const QString& selected, bool isAuto, const QString& modelOverride,
                             const ChatRequest& request, const QJsonObject& policy, AutoInputs live,
                             const QVector<PlaygroundTarget>& targets, int minuteOfDay);
    /// The note of an Auto pane: which target Auto chose, by which rule, and why.
    static QString autoNote(const AutoChoice& choice, const QString& targetName);
    /// The status line once `started` panes run.
    static QString runningStatus(int started, bool keepText);
    /// The demo's prompt (system, one user turn with its {{variable}} given, a few parameters)
    /// in `current`, whose other parameters it keeps.
    static PlaygroundDraft demoDraft(PlaygroundDraft current);
    /// The demo's targets: one per kind of provider (Azure: a standard deployment, as a PTU
    /// one may be saturated), at most `max`.
    static QStringList demoTargets(const QVector<PlaygroundTarget>& targets,
                                   const Deployments& inventory, int max);

    Q_DECLARE_TR_FUNCTIONS(PlaygroundReport)
};

} // namespace isc
