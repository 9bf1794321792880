#include "pages/playgroundpage_p.h"

namespace isc {

const PlaygroundTarget* PlaygroundPage::Private::targetOfRun(const StoredRun& run) const
{
    for (const PlaygroundTarget& t : targets) {
        if (t.connection == run.connection && t.chat.name == run.target)
            return &t;
    }
    return nullptr;
}

void PlaygroundPage::Private::connectHistory()
{
    QObject::connect(history, &RunHistoryPanel::filterChanged, q, [this] { q->reloadHistory(); });
    QObject::connect(history, &RunHistoryPanel::starRequested, q, [this](bool on) {
        for (const StoredRun& r : history->selectedRuns())
            whenReady(q, store->setRunStarred(r.id, on), [](bool) {});
        q->reloadHistory(); // queued after the star jobs on the store's thread
    });
    QObject::connect(history, &RunHistoryPanel::rerunRequested, q, [this] { rerunSelected(); });
    QObject::connect(history, &RunHistoryPanel::copyCurlRequested, q, [this] { copyCurl(); });
    QObject::connect(history, &RunHistoryPanel::statusChanged, q,
                     [this](const QString& words, bool problem) { setStatus(words, problem); });
    QObject::connect(history, &RunHistoryPanel::removeRequested, q, [this] {
        for (const StoredRun& r : history->selectedRuns())
            whenReady(q, store->deleteRun(r.id), [](bool) {});
        q->reloadHistory();
    });
}

void PlaygroundPage::Private::rerunSelected()
{
    const QVector<StoredRun> sel = history->selectedRuns();
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
    composer->load(PlaygroundDraft::fromRequest(*request));
    q->setPaneTargets({target->id});
    q->runAll();
}

void PlaygroundPage::Private::copyCurl()
{
    const QVector<StoredRun> sel = history->selectedRuns();
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

QTreeWidget* PlaygroundPage::historyView() const
{
    return d->history->view();
}

QVector<StoredRun> PlaygroundPage::historyRuns() const
{
    return d->history->runs();
}

void PlaygroundPage::reloadHistory()
{
    d->jobs.run(
        d->store, QStringLiteral("history"),
        [filter = d->history->filter()](StoreBackend& db, const JobToken&) {
            return db.listRuns(filter);
        },
        [this](const QVector<StoredRun>& runs) {
            d->history->setRuns(runs);
            emit historyReloaded();
        });
}

} // namespace isc
