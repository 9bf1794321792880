#pragma once

// PlaygroundPage's insides, shared by its files (playgroundpage.cpp: inputs, panes, runs;
// playgroundpagehistory.cpp: the history list and what it acts on).

#include "pages/playgroundpage.h"

#include "core/whenready.h"
#include "cost/costengine.h"
#include "cost/pricecatalog.h"
#include "cost/workspacepricing.h"
#include "net/httpclient.h"
#include "playground/runrecord.h"
#include "playgroundcomposer.h"
#include "playgroundpane.h"
#include "reports/playgroundreport.h"
#include "routing/policydocument.h"
#include "routing/trafficwindow.h"
#include "runhistorypanel.h"
#include "sources/credentialprovider.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"
#include "theme/theme.h"

#include <algorithm>

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace isc {

struct PlaygroundPage::Private
{
    PlaygroundPage* q = nullptr;
    SampleStore* store = nullptr;
    Workspace workspace;
    HttpClient* http = nullptr;
    CostEngine engine{PriceCatalog::builtin()};
    Deployments inventory;
    QVector<PlaygroundTarget> targets;
    QString autoReason;
    PolicyDocument* policy = nullptr; ///< the user's routing policy (database, else workspace)
    AutoInputs live;                  ///< recent PTU utilization and error rates, for Auto's rules
    StoreJobs jobs;                   ///< the page's reads (no wait when it goes)
    QList<HttpHeader> requestHeaders;

    // Inputs.
    PlaygroundComposer* composer = new PlaygroundComposer;
    QCheckBox* keepText = new QCheckBox;
    QPushButton* runButton = new QPushButton;
    QPushButton* cancelButton = new QPushButton;
    QPushButton* addPane = new QPushButton;
    QLabel* status = new QLabel;

    // Panes.
    QHBoxLayout* panesLayout = nullptr;
    QVector<PlaygroundPane*> panes;
    int running = 0;
    bool runWhenPolicyLoaded = false; ///< Run was pressed with an Auto pane before the policy came
    int saving = 0;
    qint64 startedAtMs = 0;

    // History.
    RunHistoryPanel* history = new RunHistoryPanel;

    // The screenshot protocol (refresh() -> loaded()).
    bool demoRunDone = false;
    bool loadPending = false;
    /// The demo run of a rendering: its runs are shown, never stored, and the user's
    /// remembered prompt and targets stay as they were.
    bool rendering = false;
    QVector<StoredRun> renderedRuns;

    void buildInputs(QWidget* host);
    void connectHistory();
    PlaygroundPane* addPaneWidget();
    void removePane(PlaygroundPane* pane);
    void applyTargets();
    void loadTargets(std::function<void()> then);
    void refreshLive();
    void paneFinished(PlaygroundPane* pane, const RunResult& result);
    void maybeFinished();
    void saveSettings() const;
    void finishedPane(); ///< the buttons once no pane runs
    void restoreSettings();
    void setStatus(const QString& words, bool problem = false);
    const PlaygroundTarget* targetOfRun(const StoredRun& run) const;
    void rerunSelected();
    void copyCurl();
    void startDemoRun();
};

} // namespace isc
