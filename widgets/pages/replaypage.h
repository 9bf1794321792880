#pragma once

#include "core/timerange.h"
#include "core/workspace.h"
#include "routing/replayengine.h"

#include <QWidget>
#include <memory>

class QProgressBar;
class QPushButton;

namespace isc {

class PolicyDocument;
class PolicyEditor;
class ReplayComparisonModel;
class RouteStackChart;
class SampleStore;
class TimeRangePicker;

/// What-if replay: the window of the range picker replayed through a routing policy (the
/// workspace's, or one edited here) on a worker thread with progress and Cancel; the result
/// beside the recorded figures in two charts (requests per route, recorded and replayed) and a
/// table (cost, 429s, spillover, latency per route, local vs cloud share). The editor starts
/// from the user's saved policy (PolicyDocument: the database's, else the workspace file's) and
/// saves it for the user in the open database; exporting writes it into the workspace file.
class ReplayPage : public QWidget
{
    Q_OBJECT
public:
    ReplayPage(SampleStore* store, Workspace workspace, QString workspacePath,
               ReplayPricing pricing, PtuSizingLookup sizing = {}, QWidget* parent = nullptr);
    ~ReplayPage() override;

    /// The workspace was replaced (saved here or elsewhere).
    void setWorkspace(const Workspace& workspace, const QString& path, const ReplayPricing& pricing,
                      PtuSizingLookup sizing = {});

    void setTimeRange(TimeRange range);
    TimeRange timeRange() const;

    /// Starts a replay of the range with the editor's policy; false (and statusText() says why)
    /// when the policy has a blocking problem. A running replay is cancelled first.
    bool runReplay();
    /// Cancels the running replay (its result is dropped).
    void cancelReplay();
    bool isRunning() const;
    /// True once a replay of the current range and policy has landed.
    bool isLoaded() const;
    const ReplayResult& result() const;
    QString statusText() const;
    /// What capping each local server at its peak did, one line each; empty when none was sent
    /// other deployments' traffic.
    QString localCapText() const;

    /// Saves the editor's policy as the user's in the open database (the revision read is
    /// expected: a policy changed elsewhere meanwhile is refused); policyDocument()->saved()
    /// follows. False, and statusText() says why, without a database or with a blocking problem.
    bool savePolicyForUser();
    /// Writes the editor's policy into the workspace file at `path` (the workspace's own file
    /// when empty) and emits workspaceSaved(); false and `error` in words on failure (export).
    bool savePolicy(const QString& path, QString* error);
    /// Where the policy comes from and where saving puts it ("Saved for alice in …").
    QString policyLocationText() const;
    PolicyDocument* policyDocument() const;

    PolicyEditor* policyEditor() const;
    ReplayComparisonModel* comparisonModel() const;
    QProgressBar* progressBar() const;
    QPushButton* runButton() const;
    QPushButton* cancelButton() const;
    QPushButton* saveButton() const;
    QPushButton* exportButton() const;
    QPushButton* revertButton() const;
    TimeRangePicker* rangePicker() const;
    RouteStackChart* recordedChart() const;
    RouteStackChart* replayedChart() const;

public slots:
    /// Reads the range and replays it with the editor's policy; loaded() follows.
    void refresh();

signals:
    /// A replay landed (or could not run: see statusText()).
    void loaded();
    /// The replay was cancelled.
    void cancelled();
    /// The policy was saved into the workspace file (apply it like the Connections page does).
    void workspaceSaved(const isc::Workspace& workspace, const QString& path);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
