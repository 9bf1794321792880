#include "pages/connectionspage.h"

#include "dialogs/connectiondialog.h"
#include "itemmodels/connectionsmodel.h"
#include "net/httpclient.h"
#include "sources/collector.h"
#include "sources/connectiontester.h"
#include "sources/credentialprovider.h"
#include "theme/theme.h"

#include <QAction>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace isc {

namespace {

/// Colours the test result line by its "tone" property (a ThemeColor; muted when unset).
void styleResult(QLabel* result)
{
    const QVariant tone = result->property("tone");
    result->setStyleSheet(
        QStringLiteral("color: %1; padding: 6px;")
            .arg(themeCss(tone.isValid() ? ThemeColor(tone.toInt()) : ThemeColor::MutedText)));
}

} // namespace

struct ConnectionsPage::Private
{
    ConnectionsPage* q = nullptr;
    Workspace workspace;
    QString path;
    ConnectionsModel* model = nullptr;
    QTableView* table = new QTableView;
    QLabel* result = new QLabel;
    QLabel* dirtyNote = new QLabel;
    QPushButton* edit = nullptr;
    QPushButton* remove = nullptr;
    QPushButton* test = nullptr;
    QPushButton* save = nullptr;
    HttpClient* http = nullptr;
    ConnectionTester* tester = nullptr;
    QPointer<Collector> collector;
    QMetaObject::Connection healthConnection;
    SecretWriter writer;
    SecretLookup lookup = [](const Connection& c) { return connectionCredential(c); };
    bool dirty = false;

    int currentRow() const
    {
        const QModelIndex i = table->currentIndex();
        return i.isValid() ? i.row() : -1;
    }
    void updateButtons()
    {
        const bool any = currentRow() >= 0;
        edit->setEnabled(any);
        remove->setEnabled(any);
        test->setEnabled(any);
        save->setEnabled(dirty);
        dirtyNote->setVisible(dirty);
    }
    void markDirty()
    {
        dirty = true;
        workspace.connections = model->connections();
        updateButtons();
    }
    void showResult(bool ok, const QString& text)
    {
        result->setText(text);
        setTone(ok ? ThemeColor::Good : ThemeColor::ErrorText);
    }
    void setTone(ThemeColor tone)
    {
        result->setProperty("tone", int(tone));
        styleResult(result);
    }
    void storeKeys(const ConnectionDialog& dlg, const Connection& c);
    void openDialog(int row);
    void saveWorkspace();
};

void ConnectionsPage::Private::storeKeys(const ConnectionDialog& dlg, const Connection& c)
{
    const QList<std::pair<QString, QString>> keys{
        {c.credential.name, dlg.keyForCredential()},
        {c.inferenceCredential.name, dlg.keyForInference()}};
    for (const auto& [entry, value] : keys) {
        if (value.isEmpty())
            continue;
        if (!writer) {
            showResult(false, tr("No keychain is available: the key was not kept. Use an "
                                 "environment variable instead."));
            continue;
        }
        QPointer<ConnectionsPage> page(q);
        writer(entry, value, [page, this](bool ok, const QString& message) {
            if (page)
                showResult(ok, message);
        });
    }
}

void ConnectionsPage::Private::openDialog(int row)
{
    Connection c;
    if (row >= 0) {
        c = model->connections().at(row);
    } else {
        c.kind = QStringLiteral("azure-openai");
        c.managementEndpoint = QUrl(QStringLiteral("https://management.azure.com"));
    }
    QStringList taken;
    for (const Connection& other : model->connections()) {
        if (row < 0 || other.id != c.id)
            taken.append(other.id);
    }
    ConnectionDialog dlg(c, taken, q);
    if (dlg.exec() != QDialog::Accepted)
        return;
    const Connection edited = dlg.connection();
    if (row >= 0 && edited.id != c.id)
        model->removeConnection(c.id);
    model->setConnection(edited);
    storeKeys(dlg, edited);
    table->setCurrentIndex(model->index(model->rowOf(edited.id), 0));
    markDirty();
}

void ConnectionsPage::Private::saveWorkspace()
{
    QString target = path;
    if (target.isEmpty() || workspace.demo) {
        target = QFileDialog::getSaveFileName(q, tr("Save Workspace As"),
                                              QStringLiteral("workspace.json"),
                                              tr("Inferscope workspaces (*.json)"));
        if (target.isEmpty())
            return;
    }
    Workspace out = workspace;
    out.connections = model->connections();
    if (workspace.demo && target != path) {
        // A saved copy of the demo is the user's own workspace, not demo data any more.
        out.demo = false;
        out.name = tr("My workspace");
    }
    QString error;
    if (!out.save(target, &error)) {
        showResult(false, error);
        return;
    }
    workspace = out;
    path = target;
    dirty = false;
    updateButtons();
    showResult(true, tr("Saved to %1; polling restarts with these connections.").arg(target));
    emit q->workspaceSaved(out, target);
}

ConnectionsPage::ConnectionsPage(Workspace workspace, QString workspacePath, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->workspace = std::move(workspace);
    d->path = std::move(workspacePath);
    d->model = new ConnectionsModel(this);
    d->model->setConnections(d->workspace.connections);
    d->http = new HttpClient(this);
    d->tester = new ConnectionTester(d->http, this);

    auto* title = new QLabel(tr("Connections"));
    title->setStyleSheet(QStringLiteral("font-size: 18px; font-weight: 600;"));
    auto* hint = new QLabel(tr("Every provider this workspace polls. Keys live in the OS "
                               "keychain or in environment variables, never in the workspace "
                               "file."));
    watchTheme(hint, [hint] {
        hint->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::MutedText)));
    });
    hint->setWordWrap(true);

    d->table->setModel(d->model);
    d->table->setSelectionBehavior(QAbstractItemView::SelectRows);
    d->table->setSelectionMode(QAbstractItemView::SingleSelection);
    d->table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    d->table->verticalHeader()->hide();
    d->table->setAlternatingRowColors(true);
    d->table->setWordWrap(false);
    d->table->horizontalHeader()->setStretchLastSection(true);
    d->table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    d->table->horizontalHeader()->setSectionResizeMode(ConnectionsModel::Error,
                                                       QHeaderView::Stretch);
    d->table->setAccessibleName(tr("Connections"));

    auto* add = new QPushButton(tr("&Add…"));
    d->edit = new QPushButton(tr("&Edit…"));
    d->remove = new QPushButton(tr("&Remove"));
    d->test = new QPushButton(tr("&Test Connection"));
    d->save =
        new QPushButton(d->path.isEmpty() || d->workspace.demo ? tr("&Save As…") : tr("&Save"));
    add->setShortcut(QKeySequence::New);
    d->test->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    d->save->setShortcut(QKeySequence::Save);
    d->remove->setShortcut(QKeySequence::Delete);
    add->setToolTip(tr("Add a connection (%1)").arg(QKeySequence(QKeySequence::New).toString()));
    d->test->setToolTip(tr("Send one read-only request with the connection's key (Ctrl+T)"));
    d->dirtyNote->setText(
        tr("Unsaved changes: polling uses the saved connections until you save."));
    watchTheme(d->dirtyNote, [note = d->dirtyNote] {
        note->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::Caution)));
    });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(d->edit);
    buttons->addWidget(d->remove);
    buttons->addSpacing(16);
    buttons->addWidget(d->test);
    buttons->addStretch(1);
    buttons->addWidget(d->dirtyNote);
    buttons->addWidget(d->save);

    d->result->setWordWrap(true);
    d->result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->result->setText(tr("Select a connection and press Test Connection to check its endpoint "
                          "and key."));
    watchTheme(d->result, [result = d->result] { styleResult(result); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->addWidget(title);
    layout->addWidget(hint);
    layout->addLayout(buttons);
    layout->addWidget(d->table, 1);
    layout->addWidget(d->result);

    connect(add, &QPushButton::clicked, this, [this] { d->openDialog(-1); });
    connect(d->edit, &QPushButton::clicked, this, [this] { d->openDialog(d->currentRow()); });
    connect(d->table, &QTableView::doubleClicked, this,
            [this](const QModelIndex& i) { d->openDialog(i.row()); });
    connect(d->remove, &QPushButton::clicked, this, [this] {
        const int row = d->currentRow();
        if (row < 0)
            return;
        const Connection c = d->model->connections().at(row);
        if (QMessageBox::question(this, tr("Remove Connection"),
                                  tr("Remove \"%1\"? Its stored history stays in the database.")
                                      .arg(c.displayName)) != QMessageBox::Yes)
            return;
        d->model->removeConnection(c.id);
        d->markDirty();
    });
    connect(d->test, &QPushButton::clicked, this, [this] { testConnection(d->currentRow()); });
    connect(d->save, &QPushButton::clicked, this, [this] { d->saveWorkspace(); });
    connect(d->table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this] { d->updateButtons(); });
    connect(d->model, &QAbstractItemModel::modelReset, this, [this] { d->updateButtons(); });
    d->updateButtons();
}

ConnectionsPage::~ConnectionsPage() = default;

void ConnectionsPage::setCollector(Collector* collector)
{
    disconnect(d->healthConnection);
    d->collector = collector;
    d->model->clearHealth();
    if (!collector)
        return;
    for (const SourceHealth& h : collector->health())
        d->model->updateHealth(h);
    d->healthConnection =
        connect(collector, &Collector::healthChanged, d->model, &ConnectionsModel::updateHealth);
}

void ConnectionsPage::setSecretWriter(SecretWriter writer)
{
    d->writer = std::move(writer);
}

void ConnectionsPage::setSecretLookup(SecretLookup lookup)
{
    d->lookup = std::move(lookup);
}

ConnectionsModel* ConnectionsPage::model() const
{
    return d->model;
}

const Workspace& ConnectionsPage::workspace() const
{
    return d->workspace;
}

void ConnectionsPage::setWorkspace(Workspace workspace, QString workspacePath)
{
    // Unsaved connection edits survive; everything else (prices, budget, policy) is the latest.
    if (d->dirty)
        workspace.connections = d->model->connections();
    else
        d->model->setConnections(workspace.connections);
    d->workspace = std::move(workspace);
    d->path = std::move(workspacePath);
    d->save->setText(d->path.isEmpty() || d->workspace.demo ? tr("&Save As…") : tr("&Save"));
    d->save->setShortcut(QKeySequence::Save);
}

void ConnectionsPage::testConnection(int row)
{
    if (row < 0 || row >= d->model->rowCount())
        return;
    const Connection c = d->model->connections().at(row);
    d->showResult(true, tr("Testing %1…").arg(c.displayName));
    d->setTone(ThemeColor::MutedText);
    d->test->setEnabled(false);
    QPointer<ConnectionsPage> self(this);
    d->tester->test(c, d->lookup(c), [self, c](const ConnectionTestResult& r) {
        if (!self)
            return;
        QString text = QStringLiteral("%1: %2").arg(c.displayName, r.summary);
        if (!r.detail.isEmpty())
            text += QStringLiteral(" — ") + r.detail;
        self->d->showResult(r.ok, text);
        self->d->updateButtons();
        emit self->testFinished(c.id, r.ok, r.summary);
    });
}

} // namespace isc
