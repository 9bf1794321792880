#include "pages/playgroundpage.h"

#include "core/whenready.h"
#include "cost/costengine.h"
#include "cost/pricecatalog.h"
#include "dialogs/rundiffdialog.h"
#include "net/httpclient.h"
#include "playground/runrecord.h"
#include "playgroundpane.h"
#include "routing/policydocument.h"
#include "routing/trafficwindow.h"
#include "runhistoryitem.h"
#include "sources/credentialprovider.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <algorithm>

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace isc {
namespace {

const char* const kDemoSystem = "You are a concise assistant for an SRE team.";
const char* const kDemoUser =
    "In three sentences, explain why time to first token rises when a {{deployment_kind}} "
    "deployment runs near capacity.";

/// The inference key of a connection: its inferenceCredential (a run waits for a key still
/// being read from the keychain); the demo's emulator token for demo connections without one;
/// none otherwise (local servers).
TargetKey inferenceKey(const Connection& c)
{
    if (c.inferenceCredential.kind != SecretRef::Kind::None) {
        Credential key = inferenceCredential(c);
        return {std::move(key.secret), std::move(key.whenReady)};
    }
    if (c.credential.kind == SecretRef::Kind::Demo)
        return {[](QString*) { return demoCredential(); }, {}};
    return {};
}

} // namespace

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
    QPlainTextEdit* system = new QPlainTextEdit;
    struct Turn
    {
        QWidget* row = nullptr;
        QComboBox* role = nullptr;
        QPlainTextEdit* text = nullptr;
    };
    QVector<Turn> turns;
    QVBoxLayout* turnsLayout = nullptr;
    QTableWidget* variables = new QTableWidget(0, 2);
    QDoubleSpinBox* temperature = new QDoubleSpinBox;
    QDoubleSpinBox* topP = new QDoubleSpinBox;
    QSpinBox* maxTokens = new QSpinBox;
    QLineEdit* stop = new QLineEdit;
    QLineEdit* seed = new QLineEdit;
    QCheckBox* json = new QCheckBox;
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
    QLineEdit* search = new QLineEdit;
    QComboBox* targetFilter = new QComboBox;
    QCheckBox* starredOnly = new QCheckBox;
    QTreeWidget* history = new QTreeWidget;
    QVector<StoredRun> runs;
    QPushButton* star = nullptr;
    QPushButton* rerun = nullptr;
    QPushButton* diff = nullptr;
    QPushButton* curl = nullptr;
    QPushButton* exportJson = nullptr;
    QPushButton* remove = nullptr;

    // The screenshot protocol (refresh() -> loaded()).
    bool demoRunDone = false;
    bool loadPending = false;

    void buildInputs(QWidget* host);
    void buildHistory(QWidget* host);
    Turn addTurn(const QString& role, const QString& text);
    void clearTurns();
    PlaygroundPane* addPaneWidget();
    void removePane(PlaygroundPane* pane);
    void applyTargets();
    void loadTargets(std::function<void()> then);
    void refreshLive();
    void syncVariables();
    QHash<QString, QString> variableValues() const;
    bool buildRequest(ChatRequest* out, QString* error) const;
    void paneFinished(PlaygroundPane* pane, const RunResult& result);
    void maybeFinished();
    void saveSettings() const;
    void restoreSettings();
    void setStatus(const QString& words, bool problem = false);
    QVector<StoredRun> selectedRuns() const;
    void updateHistoryButtons();
    const PlaygroundTarget* findTarget(const QString& id) const;
    const PlaygroundTarget* targetOfRun(const StoredRun& run) const;
    void rerunSelected();
    void diffSelected();
    void copyCurl();
    void exportSelected();
    void startDemoRun();
};

const PlaygroundTarget* PlaygroundPage::Private::findTarget(const QString& id) const
{
    for (const PlaygroundTarget& t : targets) {
        if (t.id == id)
            return &t;
    }
    return nullptr;
}

const PlaygroundTarget* PlaygroundPage::Private::targetOfRun(const StoredRun& run) const
{
    for (const PlaygroundTarget& t : targets) {
        if (t.connection == run.connection && t.chat.name == run.target)
            return &t;
    }
    return nullptr;
}

void PlaygroundPage::Private::setStatus(const QString& words, bool problem)
{
    status->setText(words);
    status->setStyleSheet(problem ? QStringLiteral("color:#b91c1c;")
                                  : QStringLiteral("color:#374151;"));
}

PlaygroundPage::Private::Turn PlaygroundPage::Private::addTurn(const QString& role,
                                                               const QString& text)
{
    Turn t;
    t.row = new QWidget;
    t.role = new QComboBox;
    t.role->addItem(tr("User"), QStringLiteral("user"));
    t.role->addItem(tr("Assistant"), QStringLiteral("assistant"));
    t.role->setCurrentIndex(role == QLatin1String("assistant") ? 1 : 0);
    t.role->setAccessibleName(tr("Role"));
    t.text = new QPlainTextEdit(text);
    t.text->setPlaceholderText(tr("Message; {{name}} inserts a variable"));
    t.text->setTabChangesFocus(true);
    t.text->setMinimumHeight(48);
    auto* removeTurn = new QPushButton(QStringLiteral("×"));
    removeTurn->setFlat(true);
    removeTurn->setFixedWidth(22);
    removeTurn->setToolTip(tr("Remove this turn"));
    auto* layout = new QHBoxLayout(t.row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* left = new QVBoxLayout;
    left->addWidget(t.role);
    left->addWidget(removeTurn, 0, Qt::AlignLeft);
    left->addStretch();
    layout->addLayout(left);
    layout->addWidget(t.text, 1);
    turnsLayout->addWidget(t.row);
    turns.append(t);
    QWidget* row = t.row;
    QObject::connect(t.text, &QPlainTextEdit::textChanged, q, [this] { syncVariables(); });
    QObject::connect(removeTurn, &QPushButton::clicked, q, [this, row] {
        if (turns.size() <= 1)
            return; // a conversation needs one message
        for (int i = 0; i < turns.size(); ++i) {
            if (turns[i].row == row) {
                turns.remove(i);
                break;
            }
        }
        row->deleteLater();
        syncVariables();
    });
    return t;
}

void PlaygroundPage::Private::clearTurns()
{
    for (const Turn& t : std::as_const(turns))
        delete t.row;
    turns.clear();
}

void PlaygroundPage::Private::buildInputs(QWidget* host)
{
    system->setPlaceholderText(tr("System prompt (optional)"));
    system->setAccessibleName(tr("System prompt"));
    system->setTabChangesFocus(true);
    system->setMaximumHeight(56);
    QObject::connect(system, &QPlainTextEdit::textChanged, q, [this] { syncVariables(); });

    auto* turnsHost = new QWidget;
    turnsLayout = new QVBoxLayout(turnsHost);
    turnsLayout->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(turnsHost);
    auto* addTurnButton = new QPushButton(tr("+ Turn"));
    addTurnButton->setToolTip(tr("Add a message (alternates user and assistant)"));
    QObject::connect(addTurnButton, &QPushButton::clicked, q, [this] {
        const bool lastUser = !turns.isEmpty() &&
                              turns.last().role->currentData().toString() == QLatin1String("user");
        addTurn(lastUser ? QStringLiteral("assistant") : QStringLiteral("user"), {})
            .text->setFocus();
    });

    auto* messages = new QVBoxLayout;
    auto* title = new QLabel(tr("<b>Messages</b>"));
    messages->addWidget(title);
    messages->addWidget(system);
    messages->addWidget(scroll, 1);
    messages->addWidget(addTurnButton, 0, Qt::AlignLeft);

    variables->setHorizontalHeaderLabels({tr("Variable"), tr("Value")});
    variables->horizontalHeader()->setStretchLastSection(true);
    variables->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    variables->verticalHeader()->hide();
    variables->setAccessibleName(tr("Variables"));
    variables->setToolTip(tr("Values for the {{name}} placeholders of the messages"));

    temperature->setRange(-0.1, 2.0);
    temperature->setSingleStep(0.1);
    temperature->setDecimals(2);
    temperature->setSpecialValueText(tr("default"));
    temperature->setValue(-0.1);
    topP->setRange(-0.01, 1.0);
    topP->setSingleStep(0.05);
    topP->setDecimals(2);
    topP->setSpecialValueText(tr("default"));
    topP->setValue(-0.01);
    maxTokens->setRange(0, 1000000);
    maxTokens->setSpecialValueText(tr("default"));
    maxTokens->setSingleStep(64);
    stop->setPlaceholderText(tr("comma-separated"));
    seed->setPlaceholderText(tr("none"));
    seed->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("-?\\d{0,18}")), seed));
    json->setText(tr("JSON response"));
    json->setToolTip(
        tr("response_format json_object (OpenAI, Azure); the prompt must ask for JSON"));
    keepText->setText(tr("Keep prompts and answers in the history"));
    keepText->setToolTip(tr("Off: the history keeps metrics only (no prompt or answer text), "
                            "for compliance"));
    keepText->setChecked(true);

    auto* params = new QFormLayout;
    params->setLabelAlignment(Qt::AlignRight);
    params->addRow(tr("Temperature"), temperature);
    params->addRow(tr("top_p"), topP);
    params->addRow(tr("Max tokens"), maxTokens);
    params->addRow(tr("Stop"), stop);
    params->addRow(tr("Seed"), seed);
    params->addRow(QString(), json);

    auto* right = new QVBoxLayout;
    right->addWidget(new QLabel(tr("<b>Variables</b>")));
    right->addWidget(variables, 1);
    right->addWidget(new QLabel(tr("<b>Parameters</b>")));
    right->addLayout(params);

    runButton->setText(tr("Run  (Ctrl+Enter)"));
    runButton->setDefault(true);
    runButton->setStyleSheet(QStringLiteral("QPushButton { background:#1d4ed8; color:white; "
                                            "padding:5px 14px; border-radius:4px; }"
                                            "QPushButton:disabled { background:#93c5fd; }"));
    cancelButton->setText(tr("Cancel all"));
    cancelButton->setEnabled(false);
    addPane->setText(tr("+ Target"));
    addPane->setToolTip(tr("Compare up to %1 targets side by side").arg(kMaxPanes));
    status->setWordWrap(true);
    status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* columns = new QHBoxLayout;
    columns->addLayout(messages, 3);
    columns->addLayout(right, 2);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(runButton);
    buttons->addWidget(cancelButton);
    buttons->addWidget(addPane);
    buttons->addWidget(keepText);
    buttons->addWidget(status, 1);
    auto* layout = new QVBoxLayout(host);
    layout->setContentsMargins(12, 8, 12, 4);
    layout->addLayout(columns, 1);
    layout->addLayout(buttons);

    QObject::connect(runButton, &QPushButton::clicked, q, [this] { q->runAll(); });
    QObject::connect(cancelButton, &QPushButton::clicked, q, [this] { q->cancelAll(); });
    QObject::connect(addPane, &QPushButton::clicked, q, [this] { addPaneWidget(); });
}

void PlaygroundPage::Private::buildHistory(QWidget* host)
{
    search->setPlaceholderText(tr("Search prompts, answers, targets, errors"));
    search->setClearButtonEnabled(true);
    targetFilter->addItem(tr("All targets"), QString());
    starredOnly->setText(tr("Starred only"));
    history->setColumnCount(9);
    history->setHeaderLabels({tr("★"), tr("Time"), tr("Target"), tr("Model"), tr("TTFT"),
                              tr("Total"), tr("Tokens out"), tr("Cost"), tr("Answer or error")});
    history->setRootIsDecorated(false);
    history->setSelectionMode(QAbstractItemView::ExtendedSelection);
    history->setAlternatingRowColors(true);
    history->setAccessibleName(tr("Run history"));
    history->header()->setStretchLastSection(true);
    history->setColumnWidth(0, 28);
    history->setColumnWidth(1, 130);
    history->setColumnWidth(2, 170);
    history->setColumnWidth(3, 150);
    for (int c = 4; c <= 7; ++c)
        history->setColumnWidth(c, 78);

    star = new QPushButton(tr("Star"));
    rerun = new QPushButton(tr("Re-run"));
    rerun->setToolTip(tr("Load the run's messages and parameters and run it on its target"));
    diff = new QPushButton(tr("Diff"));
    diff->setToolTip(tr("Compare the answers of two selected runs"));
    curl = new QPushButton(tr("Copy as curl"));
    curl->setToolTip(tr("The key is read from an environment variable, never written out"));
    exportJson = new QPushButton(tr("Export JSON…"));
    remove = new QPushButton(tr("Delete"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("<b>History</b>")));
    bar->addWidget(search, 2);
    bar->addWidget(targetFilter, 1);
    bar->addWidget(starredOnly);
    for (QPushButton* b : {star, rerun, diff, curl, exportJson, remove})
        bar->addWidget(b);
    auto* layout = new QVBoxLayout(host);
    layout->setContentsMargins(12, 4, 12, 8);
    layout->addLayout(bar);
    layout->addWidget(history, 1);

    QObject::connect(search, &QLineEdit::textChanged, q, [this] { q->reloadHistory(); });
    QObject::connect(targetFilter, &QComboBox::currentIndexChanged, q,
                     [this] { q->reloadHistory(); });
    QObject::connect(starredOnly, &QCheckBox::toggled, q, [this] { q->reloadHistory(); });
    QObject::connect(history, &QTreeWidget::itemSelectionChanged, q,
                     [this] { updateHistoryButtons(); });
    QObject::connect(history, &QTreeWidget::itemDoubleClicked, q, [this] { rerunSelected(); });
    QObject::connect(star, &QPushButton::clicked, q, [this] {
        const QVector<StoredRun> sel = selectedRuns();
        if (sel.isEmpty())
            return;
        const bool on = !sel.first().starred;
        for (const StoredRun& r : sel)
            whenReady(q, store->setRunStarred(r.id, on), [](bool) {});
        q->reloadHistory(); // queued after the star jobs on the store's thread
    });
    QObject::connect(rerun, &QPushButton::clicked, q, [this] { rerunSelected(); });
    QObject::connect(diff, &QPushButton::clicked, q, [this] { diffSelected(); });
    QObject::connect(curl, &QPushButton::clicked, q, [this] { copyCurl(); });
    QObject::connect(exportJson, &QPushButton::clicked, q, [this] { exportSelected(); });
    QObject::connect(remove, &QPushButton::clicked, q, [this] {
        for (const StoredRun& r : selectedRuns())
            whenReady(q, store->deleteRun(r.id), [](bool) {});
        q->reloadHistory();
    });
    updateHistoryButtons();
}

PlaygroundPane* PlaygroundPage::Private::addPaneWidget()
{
    if (panes.size() >= kMaxPanes)
        return nullptr;
    auto* pane = new PlaygroundPane(http);
    pane->setTargets(targets, autoReason);
    // A new pane proposes a target the others do not show yet.
    for (const PlaygroundTarget& t : std::as_const(targets)) {
        bool used = false;
        for (PlaygroundPane* p : std::as_const(panes))
            used = used || p->selectedTarget() == t.id;
        if (!used) {
            pane->selectTarget(t.id);
            break;
        }
    }
    panesLayout->addWidget(pane, 1);
    panes.append(pane);
    QObject::connect(pane, &PlaygroundPane::finished, q,
                     [this, pane](const RunResult& r) { paneFinished(pane, r); });
    QObject::connect(pane, &PlaygroundPane::closeRequested, q, [this, pane] { removePane(pane); });
    addPane->setEnabled(panes.size() < kMaxPanes);
    return pane;
}

void PlaygroundPage::Private::removePane(PlaygroundPane* pane)
{
    if (panes.size() <= 1)
        return;
    if (pane->isRunning()) {
        pane->cancel(); // finished() arrives (synchronously or soon) and settles the count
    }
    panes.removeAll(pane);
    pane->deleteLater();
    addPane->setEnabled(panes.size() < kMaxPanes);
}

void PlaygroundPage::Private::applyTargets()
{
    QString error;
    PriceCatalog catalog = PriceCatalog::builtin();
    if (!workspace.priceOverrides.isEmpty())
        catalog.applyOverrides(QJsonDocument(workspace.priceOverrides).toJson(), &error);
    engine = CostEngine(catalog);
    targets = playgroundTargets(workspace, inventory, inferenceKey);
    autoReason = autoUnavailableReason(policy->policy());
    for (PlaygroundPane* p : std::as_const(panes))
        p->setTargets(targets, autoReason);
    const QString current = targetFilter->currentData().toString();
    QSignalBlocker block(targetFilter);
    targetFilter->clear();
    targetFilter->addItem(tr("All targets"), QString());
    QStringList names;
    for (const PlaygroundTarget& t : std::as_const(targets)) {
        if (!names.contains(t.chat.name))
            names << t.chat.name;
    }
    for (const QString& n : std::as_const(names))
        targetFilter->addItem(n, n);
    targetFilter->setCurrentIndex(std::max(0, targetFilter->findData(current)));
    if (targets.isEmpty())
        setStatus(tr("No chat targets yet: add an OpenAI, Anthropic, Azure OpenAI (with its "
                     "inference endpoint) or local server connection on the Connections page."),
                  true);
}

void PlaygroundPage::Private::loadTargets(std::function<void()> then)
{
    jobs.run(
        store, QStringLiteral("targets"),
        [](StoreBackend& db, const JobToken&) { return db.deployments(QString()); },
        [this, then = std::move(then)](const Deployments& deps) {
            inventory = deps;
            applyTargets();
            refreshLive();
            if (then)
                then();
        });
}

void PlaygroundPage::Private::refreshLive()
{
    if (autoReason.size() > 0)
        return; // no policy: nothing reads the figures
    // The last 15 minutes: Azure's newest minutes arrive a few minutes late.
    const qint64 now = QDateTime::currentSecsSinceEpoch() / 60 * 60;
    const TimeRange range{now - 15 * 60, now};
    if (jobs.isPending(QStringLiteral("live")))
        return; // the last refresh is still reading
    jobs.run(
        store, QStringLiteral("live"),
        [range, conns = workspace.connections](StoreBackend& db, const JobToken& token) {
            TrafficWindow w;
            QString error;
            return TrafficWindow::load(db, range, conns, &w, &error, token) ? liveRouterInputs(w)
                                                                            : AutoInputs{};
        },
        [this](const AutoInputs& inputs) { live = inputs; });
}

void PlaygroundPage::Private::syncVariables()
{
    static const QRegularExpression re(QStringLiteral("\\{\\{\\s*([^{}]+?)\\s*\\}\\}"));
    QStringList names;
    auto collect = [&](const QString& text) {
        auto it = re.globalMatch(text);
        while (it.hasNext()) {
            const QString n = it.next().captured(1).trimmed();
            if (!names.contains(n))
                names << n;
        }
    };
    collect(system->toPlainText());
    for (const Turn& t : std::as_const(turns))
        collect(t.text->toPlainText());
    const QHash<QString, QString> values = variableValues();
    QSignalBlocker block(variables);
    variables->setRowCount(int(names.size()));
    for (int i = 0; i < names.size(); ++i) {
        auto* name = new QTableWidgetItem(names[i]);
        name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        variables->setItem(i, 0, name);
        variables->setItem(i, 1, new QTableWidgetItem(values.value(names[i])));
    }
}

QHash<QString, QString> PlaygroundPage::Private::variableValues() const
{
    QHash<QString, QString> out;
    for (int i = 0; i < variables->rowCount(); ++i) {
        const QTableWidgetItem* n = variables->item(i, 0);
        const QTableWidgetItem* v = variables->item(i, 1);
        if (n && v && !v->text().isEmpty())
            out.insert(n->text(), v->text());
    }
    return out;
}

bool PlaygroundPage::Private::buildRequest(ChatRequest* out, QString* error) const
{
    const QHash<QString, QString> vars = variableValues();
    QStringList missing;
    ChatRequest r;
    const QString sys = substituteVariables(system->toPlainText(), vars, &missing).trimmed();
    if (!sys.isEmpty())
        r.messages.append({QStringLiteral("system"), sys});
    for (const Turn& t : turns) {
        const QString text = substituteVariables(t.text->toPlainText(), vars, &missing);
        if (!text.trimmed().isEmpty())
            r.messages.append({t.role->currentData().toString(), text});
    }
    missing.removeDuplicates();
    if (!missing.isEmpty()) {
        *error = tr("Give a value to {{%1}} in the Variables table first.")
                     .arg(missing.join(QStringLiteral("}}, {{")));
        return false;
    }
    if (r.messages.isEmpty() || r.messages.last().role == QLatin1String("system")) {
        *error = tr("Write a message to send first.");
        return false;
    }
    if (temperature->value() >= 0)
        r.temperature = temperature->value();
    if (topP->value() >= 0)
        r.topP = topP->value();
    if (maxTokens->value() > 0)
        r.maxTokens = maxTokens->value();
    for (const QString& s : stop->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!s.trimmed().isEmpty())
            r.stop << s.trimmed();
    }
    if (!seed->text().isEmpty() && seed->text() != QLatin1String("-"))
        r.seed = seed->text().toLongLong();
    r.jsonResponse = json->isChecked();
    *out = r;
    return true;
}

void PlaygroundPage::Private::paneFinished(PlaygroundPane* pane, const RunResult& result)
{
    running = std::max(0, running - 1);
    const PlaygroundTarget& t = pane->lastTarget();
    const StoredRun run = makeStoredRun(t.chat, t.connection, pane->lastRequest(), result,
                                        !keepText->isChecked(), startedAtMs);
    ++saving;
    whenReady(q, store->saveRun(run), [this](const RunSaveReport& report) {
        --saving;
        if (!report.ok)
            setStatus(tr("The run was not stored: %1").arg(report.error), true);
        maybeFinished();
    });
    if (running == 0) {
        runButton->setEnabled(true);
        cancelButton->setEnabled(false);
    }
}

void PlaygroundPage::Private::maybeFinished()
{
    if (running > 0 || saving > 0)
        return;
    setStatus(tr("Finished; the runs are in the history below."));
    QObject::connect(
        q, &PlaygroundPage::historyReloaded, q,
        [this] {
            emit q->runsFinished();
            if (loadPending) {
                loadPending = false;
                emit q->loaded();
            }
        },
        Qt::SingleShotConnection);
    q->reloadHistory();
}

void PlaygroundPage::Private::saveSettings() const
{
    QSettings s;
    s.beginGroup(QStringLiteral("playground"));
    s.setValue(QStringLiteral("system"), system->toPlainText());
    QJsonArray t;
    for (const Turn& turn : turns)
        t.append(QJsonObject{{"role", turn.role->currentData().toString()},
                             {"content", turn.text->toPlainText()}});
    s.setValue(QStringLiteral("turns"), QJsonDocument(t).toJson(QJsonDocument::Compact));
    QJsonObject vars;
    const QHash<QString, QString> values = variableValues();
    for (auto it = values.begin(); it != values.end(); ++it)
        vars.insert(it.key(), it.value());
    s.setValue(QStringLiteral("variables"), QJsonDocument(vars).toJson(QJsonDocument::Compact));
    ChatRequest params;
    QString error;
    if (buildRequest(&params, &error))
        s.setValue(QStringLiteral("parameters"),
                   QJsonDocument(requestParameters(params)).toJson(QJsonDocument::Compact));
    QStringList ids;
    for (PlaygroundPane* p : panes)
        ids << p->selectedTarget();
    s.setValue(QStringLiteral("targets"), ids);
    s.setValue(QStringLiteral("keepText"), keepText->isChecked());
}

void PlaygroundPage::Private::restoreSettings()
{
    QSettings s;
    s.beginGroup(QStringLiteral("playground"));
    system->setPlainText(s.value(QStringLiteral("system")).toString());
    const QJsonArray t =
        QJsonDocument::fromJson(s.value(QStringLiteral("turns")).toByteArray()).array();
    for (const QJsonValue& v : t)
        addTurn(v.toObject().value(QLatin1String("role")).toString(),
                v.toObject().value(QLatin1String("content")).toString());
    if (turns.isEmpty())
        addTurn(QStringLiteral("user"), {});
    const QJsonObject vars =
        QJsonDocument::fromJson(s.value(QStringLiteral("variables")).toByteArray()).object();
    syncVariables();
    for (int i = 0; i < variables->rowCount(); ++i)
        variables->item(i, 1)->setText(vars.value(variables->item(i, 0)->text()).toString());
    ChatRequest params;
    applyParameters(
        QJsonDocument::fromJson(s.value(QStringLiteral("parameters")).toByteArray()).object(),
        &params);
    temperature->setValue(params.temperature.value_or(-1));
    topP->setValue(params.topP.value_or(-1));
    maxTokens->setValue(params.maxTokens.value_or(0));
    stop->setText(params.stop.join(QStringLiteral(", ")));
    seed->setText(params.seed ? QString::number(*params.seed) : QString());
    json->setChecked(params.jsonResponse);
    keepText->setChecked(s.value(QStringLiteral("keepText"), true).toBool());
}

QVector<StoredRun> PlaygroundPage::Private::selectedRuns() const
{
    QVector<StoredRun> out;
    for (QTreeWidgetItem* item : history->selectedItems()) {
        const qint64 id = item->data(0, Qt::UserRole).toLongLong();
        for (const StoredRun& r : runs) {
            if (r.id == id)
                out.append(r);
        }
    }
    return out;
}

void PlaygroundPage::Private::updateHistoryButtons()
{
    const QVector<StoredRun> sel = selectedRuns();
    const bool one = sel.size() == 1;
    const bool text = one && !sel.first().redacted;
    star->setEnabled(!sel.isEmpty());
    star->setText(!sel.isEmpty() && sel.first().starred ? tr("Unstar") : tr("Star"));
    rerun->setEnabled(text);
    curl->setEnabled(text);
    exportJson->setEnabled(one);
    remove->setEnabled(!sel.isEmpty());
    diff->setEnabled(sel.size() == 2 && !sel[0].redacted && !sel[1].redacted);
    const QString redactedWhy = tr("This run was stored without its prompt and answer");
    rerun->setToolTip(one && !text ? redactedWhy : tr("Load the run and run it on its target"));
}

void PlaygroundPage::Private::rerunSelected()
{
    const QVector<StoredRun> sel = selectedRuns();
    if (sel.size() != 1)
        return;
    const StoredRun& run = sel.first();
    const std::optional<ChatRequest> request = requestFromRun(run);
    if (!request) {
        setStatus(tr("This run was stored without its prompt (metrics only), so it cannot be "
                     "run again."),
                  true);
        return;
    }
    const PlaygroundTarget* target = targetOfRun(run);
    if (!target) {
        setStatus(tr("The target %1 of this run is not in the workspace any more.").arg(run.target),
                  true);
        return;
    }
    clearTurns();
    system->setPlainText(request->systemPrompt());
    for (const ChatMessage& m : request->messages) {
        if (m.role != QLatin1String("system"))
            addTurn(m.role, m.content);
    }
    temperature->setValue(request->temperature.value_or(-1));
    topP->setValue(request->topP.value_or(-1));
    maxTokens->setValue(request->maxTokens.value_or(0));
    stop->setText(request->stop.join(QStringLiteral(", ")));
    seed->setText(request->seed ? QString::number(*request->seed) : QString());
    json->setChecked(request->jsonResponse);
    q->setPaneTargets({target->id});
    q->runAll();
}

void PlaygroundPage::Private::diffSelected()
{
    const QVector<StoredRun> sel = selectedRuns();
    if (sel.size() != 2)
        return;
    // Older first, so "removed" reads as what the newer answer dropped.
    const StoredRun& a = sel[0].createdAtMs <= sel[1].createdAtMs ? sel[0] : sel[1];
    const StoredRun& b = &a == &sel[0] ? sel[1] : sel[0];
    const auto title = [](const StoredRun& r) {
        return QStringLiteral("%1 #%2").arg(r.target).arg(r.id);
    };
    auto* dialog = new RunDiffDialog(title(a), a.output, title(b), b.output, q);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void PlaygroundPage::Private::copyCurl()
{
    const QVector<StoredRun> sel = selectedRuns();
    if (sel.size() != 1)
        return;
    const StoredRun& run = sel.first();
    const PlaygroundTarget* target = targetOfRun(run);
    ChatDialect dialect = ChatDialect::OpenAi;
    parseDialect(run.dialect, &dialect);
    const QString variable = target ? target->keyVariable : defaultKeyVariable(dialect);
    const std::optional<QString> command = curlCommand(run, variable);
    if (!command) {
        setStatus(tr("This run was stored without its prompt, so there is no request to copy."),
                  true);
        return;
    }
    QApplication::clipboard()->setText(*command);
    setStatus(variable.isEmpty()
                  ? tr("Copied the curl command (this target takes no key).")
                  : tr("Copied the curl command; it reads the key from $%1.").arg(variable));
}

void PlaygroundPage::Private::exportSelected()
{
    const QVector<StoredRun> sel = selectedRuns();
    if (sel.size() != 1)
        return;
    const QString path = QFileDialog::getSaveFileName(
        q, tr("Export run"), QStringLiteral("run-%1.json").arg(sel.first().id),
        tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        f.write(QJsonDocument(runToJson(sel.first())).toJson()) < 0) {
        setStatus(tr("Could not write %1: %2").arg(path, f.errorString()), true);
        return;
    }
    setStatus(tr("Exported the run to %1.").arg(path));
}

void PlaygroundPage::Private::startDemoRun()
{
    demoRunDone = true;
    // One target per kind of provider: Azure (a standard deployment: a PTU one may be
    // saturated), OpenAI, Anthropic, a local server.
    QStringList ids;
    QStringList kinds;
    for (const PlaygroundTarget& t : std::as_const(targets)) {
        const QString kind = t.provider;
        if (kinds.contains(kind))
            continue;
        if (kind == QLatin1String("azure-openai")) {
            const auto dep = std::find_if(inventory.begin(), inventory.end(), [&](const auto& d) {
                return d.source == t.connection && d.name == t.chat.deployment;
            });
            if (dep != inventory.end() && dep->isProvisioned())
                continue;
        }
        kinds << kind;
        ids << t.id;
    }
    if (ids.isEmpty()) {
        loadPending = false;
        emit q->loaded();
        return;
    }
    clearTurns();
    system->setPlainText(QLatin1String(kDemoSystem));
    addTurn(QStringLiteral("user"), QLatin1String(kDemoUser));
    syncVariables();
    for (int i = 0; i < variables->rowCount(); ++i)
        variables->item(i, 1)->setText(QStringLiteral("provisioned (PTU)"));
    maxTokens->setValue(160);
    temperature->setValue(0.3);
    q->setPaneTargets(ids.mid(0, kMaxPanes));
    if (!q->runAll()) {
        loadPending = false;
        emit q->loaded();
    }
}

PlaygroundPage::PlaygroundPage(SampleStore* store, Workspace workspace, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    d->workspace = std::move(workspace);
    d->http = new HttpClient(this);
    d->policy = new PolicyDocument(store, this);
    d->policy->setWorkspacePolicy(d->workspace.routingPolicy);

    auto* inputs = new QWidget;
    d->buildInputs(inputs);
    auto* panesHost = new QWidget;
    d->panesLayout = new QHBoxLayout(panesHost);
    d->panesLayout->setContentsMargins(12, 4, 12, 4);
    d->panesLayout->setSpacing(8);
    auto* historyHost = new QWidget;
    d->buildHistory(historyHost);

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(inputs);
    split->addWidget(panesHost);
    split->addWidget(historyHost);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 4);
    split->setStretchFactor(2, 2);
    split->setSizes({250, 400, 170});
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    auto* runShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    runShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(runShortcut, &QShortcut::activated, this, [this] { runAll(); });
    auto* enterShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Enter), this);
    enterShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(enterShortcut, &QShortcut::activated, this, [this] { runAll(); });

    d->restoreSettings();
    d->applyTargets();
    // Auto follows the user's saved policy (read before the targets: same store queue).
    connect(d->policy, &PolicyDocument::loaded, this, [this] {
        d->applyTargets();
        d->refreshLive();
    });
    d->policy->load();
    QSettings s;
    const QStringList remembered = s.value(QStringLiteral("playground/targets")).toStringList();
    d->addPaneWidget();
    d->loadTargets([this, remembered] {
        if (!remembered.isEmpty() && !isRunning())
            setPaneTargets(remembered);
    });
    reloadHistory();
    // Auto's utilization and health rules read minute metrics: a minute's refresh is enough.
    auto* liveTimer = new QTimer(this);
    liveTimer->setInterval(60 * 1000);
    connect(liveTimer, &QTimer::timeout, this, [this] { d->refreshLive(); });
    liveTimer->start();
}

PlaygroundPage::~PlaygroundPage()
{
    // Panes die before the HTTP client (both children): cancel first so nothing calls back.
    for (PlaygroundPane* p : std::as_const(d->panes))
        p->cancel();
}

void PlaygroundPage::setWorkspace(const Workspace& workspace)
{
    d->workspace = workspace;
    d->policy->setWorkspacePolicy(workspace.routingPolicy);
    d->policy->load();
    d->loadTargets({});
}

QVector<PlaygroundTarget> PlaygroundPage::targets() const
{
    return d->targets;
}

void PlaygroundPage::setPaneTargets(const QStringList& ids)
{
    const QStringList wanted = ids.mid(0, kMaxPanes);
    while (d->panes.size() > std::max<qsizetype>(1, wanted.size())) {
        PlaygroundPane* p = d->panes.takeLast();
        p->cancel();
        p->deleteLater();
    }
    while (d->panes.size() < wanted.size())
        d->addPaneWidget();
    for (int i = 0; i < wanted.size(); ++i)
        d->panes[i]->selectTarget(wanted[i]);
    d->addPane->setEnabled(d->panes.size() < kMaxPanes);
}

QVector<PlaygroundPane*> PlaygroundPage::panes() const
{
    return d->panes;
}

void PlaygroundPage::setPrompt(const QString& system, const QString& user)
{
    d->clearTurns();
    d->system->setPlainText(system);
    d->addTurn(QStringLiteral("user"), user);
    d->syncVariables();
}

void PlaygroundPage::setKeepText(bool keep)
{
    d->keepText->setChecked(keep);
}

void PlaygroundPage::setRequestHeaders(const QList<HttpHeader>& headers)
{
    d->requestHeaders = headers;
}

bool PlaygroundPage::runAll()
{
    if (d->running > 0) {
        d->setStatus(tr("Still running: cancel first, or wait for the answers."), true);
        return false;
    }
    ChatRequest request;
    QString error;
    if (!d->buildRequest(&request, &error)) {
        d->setStatus(error, true);
        return false;
    }
    // Auto routes by the user's saved policy: a run pressed before it is read waits for it
    // rather than routing by the workspace's.
    const bool anyAuto = std::any_of(d->panes.cbegin(), d->panes.cend(), [](const auto* pane) {
        return pane->selectedTarget() == PlaygroundPane::kAuto;
    });
    if (anyAuto && !d->policy->isLoaded()) {
        d->setStatus(tr("Reading your routing policy for Auto…"), false);
        if (!d->runWhenPolicyLoaded) {
            d->runWhenPolicyLoaded = true;
            connect(
                d->policy, &PolicyDocument::loaded, this,
                [this] {
                    d->runWhenPolicyLoaded = false;
                    runAll();
                },
                Qt::SingleShotConnection);
        }
        return true;
    }
    d->saveSettings();
    d->startedAtMs = QDateTime::currentMSecsSinceEpoch();
    const int minuteOfDay = int((d->startedAtMs / 60000) % 1440);
    int started = 0;
    for (PlaygroundPane* pane : std::as_const(d->panes)) {
        const QString id = pane->selectedTarget();
        const PlaygroundTarget* target = nullptr;
        QString note;
        ChatRequest r = request;
        if (id == PlaygroundPane::kAuto) {
            // In an Auto pane the model field names what the request asks for, not what is sent.
            AutoInputs inputs = d->live;
            inputs.requested = pane->modelOverride();
            const AutoChoice choice =
                chooseAutoTarget(d->policy->policy(), request, inputs, d->targets, minuteOfDay);
            if (!choice.ok) {
                pane->showProblem(choice.reason);
                continue;
            }
            target = d->findTarget(choice.targetId);
            if (!choice.model.isEmpty())
                r.model = choice.model;
            note = choice.ruleName.isEmpty()
                       ? tr("Auto chose %1 (the policy's fallback): %2")
                             .arg(target->chat.name, choice.reason)
                       : tr("Auto chose %1 by rule \"%2\": %3")
                             .arg(target->chat.name, choice.ruleName, choice.reason);
        } else {
            target = d->findTarget(id);
        }
        if (!target) {
            pane->showProblem(tr("Pick a target for this pane."));
            continue;
        }
        PlaygroundTarget t = *target;
        t.chat.extraHeaders += d->requestHeaders;
        if (id != PlaygroundPane::kAuto && !pane->modelOverride().isEmpty())
            r.model = pane->modelOverride();
        ++d->running;
        ++started;
        pane->run(t, r, makePriceLookup(d->engine, d->inventory, t.provider), note);
    }
    if (started == 0) {
        d->setStatus(tr("Nothing to run: pick a target in at least one pane."), true);
        return false;
    }
    d->runButton->setEnabled(false);
    d->cancelButton->setEnabled(true);
    d->setStatus(
        d->keepText->isChecked()
            ? tr("Running on %n target(s)…", nullptr, started)
            : tr("Running on %n target(s)… (history keeps metrics only)", nullptr, started));
    return true;
}

void PlaygroundPage::cancelAll()
{
    for (PlaygroundPane* p : std::as_const(d->panes))
        p->cancel();
}

bool PlaygroundPage::isRunning() const
{
    return d->running > 0;
}

int PlaygroundPage::pendingRequests() const
{
    return d->http->pending();
}

QTreeWidget* PlaygroundPage::historyView() const
{
    return d->history;
}

QVector<StoredRun> PlaygroundPage::historyRuns() const
{
    return d->runs;
}

QString PlaygroundPage::statusText() const
{
    return d->status->text();
}

void PlaygroundPage::refresh()
{
    d->loadPending = true;
    d->loadTargets([this] {
        if (d->workspace.demo && !d->demoRunDone) {
            d->startDemoRun();
            return;
        }
        if (d->running > 0)
            return; // loaded() follows when the runs are stored
        connect(
            this, &PlaygroundPage::historyReloaded, this,
            [this] {
                if (d->loadPending && d->running == 0) {
                    d->loadPending = false;
                    emit loaded();
                }
            },
            Qt::SingleShotConnection);
        reloadHistory();
    });
}

void PlaygroundPage::reloadHistory()
{
    RunFilter filter;
    filter.search = d->search->text().trimmed();
    filter.target = d->targetFilter->currentData().toString();
    filter.starredOnly = d->starredOnly->isChecked();
    d->jobs.run(
        d->store, QStringLiteral("history"),
        [filter](StoreBackend& db, const JobToken&) { return db.listRuns(filter); },
        [this](const QVector<StoredRun>& runs) {
            d->runs = runs;
            QTreeWidget* h = d->history;
            const QVector<StoredRun> before = d->selectedRuns();
            h->clear();
            for (const StoredRun& r : runs) {
                QTreeWidgetItem* item = runHistoryItem(r);
                h->addTopLevelItem(item);
                for (const StoredRun& b : before) {
                    if (b.id == r.id)
                        item->setSelected(true);
                }
            }
            d->updateHistoryButtons();
            emit historyReloaded();
        });
}

} // namespace isc
