#include "pages/playgroundpage_p.h"

namespace isc {
namespace {

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

/// The status line's colour: an error's when its "problem" property is set (see setStatus).
void styleStatus(QLabel* status)
{
    const bool problem = status->property("problem").toBool();
    status->setStyleSheet(
        QStringLiteral("color:%1;")
            .arg(themeCss(problem ? ThemeColor::ErrorText : ThemeColor::StatusText)));
}

} // namespace

void PlaygroundPage::Private::setStatus(const QString& words, bool problem)
{
    status->setText(words);
    status->setProperty("problem", problem);
    styleStatus(status);
}

void PlaygroundPage::Private::buildInputs(QWidget* host)
{
    keepText->setText(tr("Keep prompts and answers in the history"));
    keepText->setToolTip(tr("Off: the history keeps metrics only (no prompt or answer text), "
                            "for compliance"));
    keepText->setChecked(true);
    runButton->setText(tr("Run  (Ctrl+Enter)"));
    runButton->setDefault(true);
    watchTheme(runButton, [b = runButton] {
        b->setStyleSheet(QStringLiteral("QPushButton { background:%1; color:%2; "
                                        "padding:5px 14px; border-radius:4px; }"
                                        "QPushButton:disabled { background:%3; }")
                             .arg(themeCss(ThemeColor::Accent), themeCss(ThemeColor::OnAccent),
                                  themeCss(ThemeColor::AccentDisabled)));
    });
    cancelButton->setText(tr("Cancel all"));
    cancelButton->setEnabled(false);
    addPane->setText(tr("+ Target"));
    addPane->setToolTip(tr("Compare up to %1 targets side by side").arg(kMaxPanes));
    status->setWordWrap(true);
    status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    watchTheme(status, [s = status] { styleStatus(s); });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(runButton);
    buttons->addWidget(cancelButton);
    buttons->addWidget(addPane);
    buttons->addWidget(keepText);
    buttons->addWidget(status, 1);
    auto* layout = new QVBoxLayout(host);
    layout->setContentsMargins(12, 8, 12, 4);
    layout->addWidget(composer, 1);
    layout->addLayout(buttons);

    QObject::connect(runButton, &QPushButton::clicked, q, [this] { q->runAll(); });
    QObject::connect(cancelButton, &QPushButton::clicked, q, [this] { q->cancelAll(); });
    QObject::connect(addPane, &QPushButton::clicked, q, [this] { addPaneWidget(); });
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
    engine = costEngineFor(workspace, nullptr);
    targets = playgroundTargets(workspace, inventory, inferenceKey);
    autoReason = autoUnavailableReason(policy->policy());
    for (PlaygroundPane* p : std::as_const(panes))
        p->setTargets(targets, autoReason);
    QStringList names;
    for (const PlaygroundTarget& t : std::as_const(targets)) {
        if (!names.contains(t.chat.name))
            names << t.chat.name;
    }
    history->setTargetNames(names);
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

void PlaygroundPage::Private::paneFinished(PlaygroundPane* pane, const RunResult& result)
{
    running = std::max(0, running - 1);
    const PlaygroundTarget& t = pane->lastTarget();
    const StoredRun run = makeStoredRun(t.chat, t.connection, pane->lastRequest(), result,
                                        !keepText->isChecked(), startedAtMs);
    if (rendering) {
        renderedRuns.prepend(run); // newest first, as the history lists them
        finishedPane();
        maybeFinished();
        return;
    }
    ++saving;
    whenReady(q, store->saveRun(run), [this](const RunSaveReport& report) {
        --saving;
        if (!report.ok)
            setStatus(tr("The run was not stored: %1").arg(report.error), true);
        maybeFinished();
    });
    finishedPane();
}

void PlaygroundPage::Private::finishedPane()
{
    if (running == 0) {
        runButton->setEnabled(true);
        cancelButton->setEnabled(false);
    }
}

void PlaygroundPage::Private::maybeFinished()
{
    if (running > 0 || saving > 0)
        return;
    if (rendering) {
        setStatus(tr("Finished; a rendering: these runs are shown, not stored."));
        history->setRuns(renderedRuns);
        emit q->runsFinished();
        if (loadPending) {
            loadPending = false;
            emit q->loaded();
        }
        return;
    }
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
    composer->save(s);
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
    composer->restore(s);
    keepText->setChecked(s.value(QStringLiteral("keepText"), true).toBool());
}

void PlaygroundPage::Private::startDemoRun()
{
    demoRunDone = true;
    rendering = true;
    const QStringList ids = PlaygroundReport::demoTargets(targets, inventory, kMaxPanes);
    if (ids.isEmpty()) {
        loadPending = false;
        emit q->loaded();
        return;
    }
    composer->load(PlaygroundReport::demoDraft(composer->draft()));
    q->setPaneTargets(ids);
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
    d->connectHistory();

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(inputs);
    split->addWidget(panesHost);
    split->addWidget(d->history);
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
    PlaygroundDraft draft = d->composer->draft();
    draft.system = system;
    draft.turns = {{QStringLiteral("user"), user}};
    d->composer->load(draft);
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
    QString error;
    const std::optional<ChatRequest> built = d->composer->draft().request(&error);
    if (!built) {
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
    const ChatRequest& request = *built;
    if (!d->rendering)
        d->saveSettings();
    d->startedAtMs = QDateTime::currentMSecsSinceEpoch();
    const int minuteOfDay = int((d->startedAtMs / 60000) % 1440);
    int started = 0;
    for (PlaygroundPane* pane : std::as_const(d->panes)) {
        const QString id = pane->selectedTarget();
        const PaneLaunch launch = PlaygroundReport::launch(
            id, id == PlaygroundPane::kAuto, pane->modelOverride(), request, d->policy->policy(),
            d->live, d->targets, minuteOfDay);
        if (!launch.target) {
            pane->showProblem(launch.problem);
            continue;
        }
        PlaygroundTarget t = *launch.target;
        t.chat.extraHeaders += d->requestHeaders;
        ++d->running;
        ++started;
        pane->run(t, launch.request, makePriceLookup(d->engine, d->inventory, t.provider),
                  launch.note);
    }
    if (started == 0) {
        d->setStatus(tr("Nothing to run: pick a target in at least one pane."), true);
        return false;
    }
    d->runButton->setEnabled(false);
    d->cancelButton->setEnabled(true);
    d->setStatus(PlaygroundReport::runningStatus(started, d->keepText->isChecked()));
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

} // namespace isc
