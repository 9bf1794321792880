#pragma once

#include "core/workspace.h"
#include "net/httptypes.h"
#include "playground/playgroundtargets.h"
#include "store/runrecord.h"

#include <QWidget>
#include <memory>

class QTreeWidget;

namespace isc {

class HttpClient;
class PlaygroundPane;
class SampleStore;

/// The Playground: one prompt (system + turns, {{variables}}, parameters) on up to four
/// targets side by side, streaming concurrently with TTFT, time between tokens, tokens/s,
/// tokens, cost and HTTP facts per pane; an Auto target routed by the user's routing policy
/// (PolicyDocument: saved in the database, else the workspace's); and the
/// run history (search, filter, star, re-run, diff, export as curl or JSON) kept in the store.
class PlaygroundPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kMaxPanes = 4;

    PlaygroundPage(SampleStore* store, Workspace workspace, QWidget* parent = nullptr);
    ~PlaygroundPage() override;

    /// Switches to an edited workspace (targets, prices, routing policy).
    void setWorkspace(const Workspace& workspace);

    /// The targets the picker offers (after the inventory has loaded).
    QVector<PlaygroundTarget> targets() const;
    /// Shows one pane per id (at most kMaxPanes; PlaygroundPane::kAuto for Auto).
    void setPaneTargets(const QStringList& ids);
    QVector<PlaygroundPane*> panes() const;

    /// Replaces the conversation by a system prompt and one user message.
    void setPrompt(const QString& system, const QString& user);
    /// Store prompts and answers (false = metrics only, for compliance).
    void setKeepText(bool keep);
    /// Headers sent with every request (tests: x-inferscope-speed for the emulator).
    void setRequestHeaders(const QList<HttpHeader>& headers);

    /// Runs the prompt on every pane; false (with the reason in the status line) when it
    /// cannot start, e.g. a {{variable}} has no value.
    bool runAll();
    void cancelAll();
    bool isRunning() const;
    /// Requests the page's HTTP client still has open (0 once everything ended or was cancelled).
    int pendingRequests() const;

    /// The history list and what it shows.
    QTreeWidget* historyView() const;
    QVector<StoredRun> historyRuns() const;
    /// The status line under the buttons (errors and confirmations in words).
    QString statusText() const;

public slots:
    /// Reloads the targets (inventory) and the history. In the demo, the first call also runs
    /// a demo prompt on four demo targets (what `--screenshot --page playground` shows);
    /// loaded() follows once all of it has landed.
    void refresh();
    /// Re-reads the history list.
    void reloadHistory();

signals:
    void loaded();
    /// Every pane of the last runAll() has finished and its run is stored.
    void runsFinished();
    void historyReloaded();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
