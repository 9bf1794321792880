#include "dialogs/connectiondialog.h"

#include "itemmodels/connectionsmodel.h"
#include "theme/theme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace isc {
namespace {

// One "where does the secret live" editor: none / environment variable / OS keychain.
struct SecretEditor
{
    QComboBox* where = new QComboBox;
    QLineEdit* envName = new QLineEdit;
    QLineEdit* key = new QLineEdit;
    QString keychainEntry; // the entry name this connection uses

    SecretEditor()
    {
        where->addItem(QObject::tr("None"), int(SecretRef::Kind::None));
        where->addItem(QObject::tr("Environment variable"), int(SecretRef::Kind::Env));
        where->addItem(QObject::tr("OS keychain"), int(SecretRef::Kind::Keychain));
        where->addItem(QObject::tr("Built-in demo key"), int(SecretRef::Kind::Demo));
        envName->setPlaceholderText(QStringLiteral("e.g. OPENAI_ADMIN_KEY"));
        key->setEchoMode(QLineEdit::Password);
        key->setPlaceholderText(QObject::tr("paste the key (stored in the OS keychain only)"));
    }
    void set(const SecretRef& ref)
    {
        where->setCurrentIndex(std::max(0, where->findData(int(ref.kind))));
        if (ref.kind == SecretRef::Kind::Env)
            envName->setText(ref.name);
        if (ref.kind == SecretRef::Kind::Keychain) {
            keychainEntry = ref.name;
            key->setPlaceholderText(QObject::tr("stored in the keychain; type to replace"));
        }
    }
    SecretRef get(const QString& defaultEntry) const
    {
        SecretRef ref;
        ref.kind = static_cast<SecretRef::Kind>(where->currentData().toInt());
        if (ref.kind == SecretRef::Kind::Env)
            ref.name = envName->text().trimmed();
        if (ref.kind == SecretRef::Kind::Keychain)
            ref.name = keychainEntry.isEmpty() ? defaultEntry : keychainEntry;
        return ref;
    }
    void update()
    {
        const auto kind = static_cast<SecretRef::Kind>(where->currentData().toInt());
        envName->setVisible(kind == SecretRef::Kind::Env);
        key->setVisible(kind == SecretRef::Kind::Keychain);
    }
};

} // namespace

struct ConnectionDialog::Private
{
    QStringList existingIds;
    QFormLayout* form = nullptr;
    QComboBox* kind = new QComboBox;
    QLineEdit* id = new QLineEdit;
    QLineEdit* name = new QLineEdit;
    QComboBox* management = new QComboBox;
    QLineEdit* resourceId = new QLineEdit;
    QLineEdit* endpoint = new QLineEdit;
    QComboBox* authMethod = new QComboBox;
    QLineEdit* tenant = new QLineEdit;
    QLineEdit* clientId = new QLineEdit;
    QLineEdit* authority = new QLineEdit;
    QLineEdit* metrics = new QLineEdit;
    QComboBox* route = new QComboBox;
    QSpinBox* interval = new QSpinBox;
    QSpinBox* backfill = new QSpinBox;
    SecretEditor credential;
    SecretEditor inference;
    QWidget* credentialRow = new QWidget;
    QWidget* inferenceRow = new QWidget;
    QLabel* error = new QLabel;

    void updateVisibility();
    Connection build() const;
    void row(QWidget* field, bool visible) { form->setRowVisible(field, visible); }
};

void ConnectionDialog::Private::updateVisibility()
{
    const QString k = kind->currentData().toString();
    const bool azure = k == QLatin1String("azure-openai") || k == QLatin1String("azure-monitor");
    const bool clientCreds =
        azure && authMethod->currentData() == QLatin1String("client-credentials");
    row(management, azure);
    row(resourceId, azure);
    row(authMethod, azure);
    row(tenant, clientCreds);
    row(clientId, clientCreds);
    row(authority, clientCreds);
    row(metrics, k == QLatin1String("azure-monitor"));
    row(backfill, azure || k == QLatin1String("openai") || k == QLatin1String("anthropic"));
    endpoint->setPlaceholderText(
        k == QLatin1String("azure-openai")
            ? QStringLiteral("https://NAME.openai.azure.com (optional, for the playground)")
        : k == QLatin1String("openai")            ? QStringLiteral("https://api.openai.com/v1")
        : k == QLatin1String("anthropic")         ? QStringLiteral("https://api.anthropic.com/v1")
        : k == QLatin1String("prometheus")        ? QStringLiteral("http://gpu-box:8000/metrics")
        : k == QLatin1String("ollama")            ? QStringLiteral("http://localhost:11434")
        : k == QLatin1String("openai-compatible") ? QStringLiteral("http://localhost:8080/v1")
                                                  : QString());
    row(endpoint, k != QLatin1String("azure-monitor"));
    const bool azCli = azure && authMethod->currentData() == QLatin1String("az-cli");
    row(credentialRow, !azCli);
    row(inferenceRow, k == QLatin1String("azure-openai") || k == QLatin1String("openai") ||
                          k == QLatin1String("anthropic") ||
                          k == QLatin1String("openai-compatible"));
    credential.update();
    inference.update();
}

Connection ConnectionDialog::Private::build() const
{
    Connection c;
    c.id = id->text().trimmed();
    c.kind = kind->currentData().toString();
    c.displayName = name->text().trimmed().isEmpty() ? c.id : name->text().trimmed();
    c.managementEndpoint = QUrl(management->currentText().trimmed());
    c.resourceId = resourceId->text().trimmed();
    c.endpoint = QUrl(endpoint->text().trimmed());
    c.auth.method = authMethod->currentData().toString();
    c.auth.tenantId = tenant->text().trimmed();
    c.auth.clientId = clientId->text().trimmed();
    c.auth.authorityHost = QUrl(authority->text().trimmed());
    for (const QString& m : metrics->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        c.metrics.append(m.trimmed());
    c.routeClass = route->currentData().toString();
    c.pollIntervalSeconds = interval->value();
    c.backfillDays = backfill->value();
    c.credential = credential.get(c.id + QStringLiteral("/credential"));
    c.inferenceCredential = inference.get(c.id + QStringLiteral("/inference"));
    if (c.auth.method == QLatin1String("az-cli"))
        c.credential = SecretRef{};
    return c;
}

ConnectionDialog::ConnectionDialog(const Connection& c, const QStringList& existingIds,
                                   QWidget* parent)
    : QDialog(parent), d(std::make_unique<Private>())
{
    d->existingIds = existingIds;
    setWindowTitle(c.id.isEmpty() ? tr("Add Connection") : tr("Edit Connection"));
    setMinimumWidth(560);

    for (const QString& k : connectionKinds())
        d->kind->addItem(ConnectionsModel::kindTitle(k), k);
    d->kind->setCurrentIndex(std::max(0, d->kind->findData(c.kind)));
    d->id->setText(c.id);
    d->id->setPlaceholderText(QStringLiteral("e.g. prod-aoai-eastus"));
    d->name->setText(c.displayName);
    d->management->setEditable(true);
    d->management->addItems({QStringLiteral("https://management.azure.com"),
                             QStringLiteral("https://management.chinacloudapi.cn"),
                             QStringLiteral("https://management.usgovcloudapi.net")});
    if (!c.managementEndpoint.isEmpty())
        d->management->setCurrentText(c.managementEndpoint.toString());
    d->resourceId->setText(c.resourceId);
    d->resourceId->setPlaceholderText(
        QStringLiteral("/subscriptions/…/resourceGroups/…/providers/…/accounts/…"));
    d->endpoint->setText(c.endpoint.toString());
    d->authMethod->addItem(tr("Bearer token"), QStringLiteral("token"));
    d->authMethod->addItem(tr("Entra ID app (client credentials)"),
                           QStringLiteral("client-credentials"));
    d->authMethod->addItem(tr("Azure CLI login (az)"), QStringLiteral("az-cli"));
    d->authMethod->setCurrentIndex(std::max(0, d->authMethod->findData(c.auth.method)));
    d->tenant->setText(c.auth.tenantId);
    d->clientId->setText(c.auth.clientId);
    d->authority->setText(c.auth.authorityHost.toString());
    d->authority->setPlaceholderText(QStringLiteral("https://login.microsoftonline.com"));
    d->metrics->setText(c.metrics.join(QStringLiteral(", ")));
    d->metrics->setPlaceholderText(QStringLiteral("e.g. CpuUsage, MemoryUsage"));
    d->route->addItem(tr("Inferred from the inventory"), QString());
    d->route->addItem(tr("Local"), QStringLiteral("local"));
    d->route->addItem(tr("Provisioned (PTU)"), QStringLiteral("provisioned"));
    d->route->addItem(tr("Pay-per-token"), QStringLiteral("pay-per-token"));
    d->route->addItem(tr("Batch"), QStringLiteral("batch"));
    d->route->addItem(tr("Other provider"), QStringLiteral("other-provider"));
    d->route->setCurrentIndex(std::max(0, d->route->findData(c.routeClass)));
    d->interval->setRange(10, 86400);
    d->interval->setSuffix(tr(" s"));
    d->interval->setValue(c.pollIntervalSeconds);
    d->backfill->setRange(0, 93);
    d->backfill->setSuffix(tr(" days"));
    d->backfill->setValue(c.backfillDays);
    d->credential.set(c.credential);
    d->inference.set(c.inferenceCredential);
    auto secretRow = [](QWidget* host, SecretEditor& e) {
        auto* l = new QHBoxLayout(host);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(e.where);
        l->addWidget(e.envName, 1);
        l->addWidget(e.key, 1);
    };
    secretRow(d->credentialRow, d->credential);
    secretRow(d->inferenceRow, d->inference);

    auto* layout = new QVBoxLayout(this);
    d->form = new QFormLayout;
    d->form->addRow(tr("&Kind:"), d->kind);
    d->form->addRow(tr("&ID:"), d->id);
    d->form->addRow(tr("Display &name:"), d->name);
    d->form->addRow(tr("&Management endpoint:"), d->management);
    d->form->addRow(tr("&Resource ID:"), d->resourceId);
    d->form->addRow(tr("&Endpoint:"), d->endpoint);
    d->form->addRow(tr("&Sign-in:"), d->authMethod);
    d->form->addRow(tr("&Tenant ID:"), d->tenant);
    d->form->addRow(tr("&Client ID:"), d->clientId);
    d->form->addRow(tr("&Authority host:"), d->authority);
    d->form->addRow(tr("&Metrics:"), d->metrics);
    d->form->addRow(tr("Monitoring &key:"), d->credentialRow);
    d->form->addRow(tr("&Inference key:"), d->inferenceRow);
    d->form->addRow(tr("Route c&lass:"), d->route);
    d->form->addRow(tr("&Poll every:"), d->interval);
    d->form->addRow(tr("&Backfill:"), d->backfill);
    layout->addLayout(d->form);
    d->error->setWordWrap(true);
    watchTheme(d->error, [error = d->error] {
        error->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::ErrorText)));
    });
    d->error->hide();
    layout->addWidget(d->error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    const auto update = [this] { d->updateVisibility(); };
    connect(d->kind, &QComboBox::currentIndexChanged, this, update);
    connect(d->authMethod, &QComboBox::currentIndexChanged, this, update);
    connect(d->credential.where, &QComboBox::currentIndexChanged, this, update);
    connect(d->inference.where, &QComboBox::currentIndexChanged, this, update);
    d->updateVisibility();
}

ConnectionDialog::~ConnectionDialog() = default;

Connection ConnectionDialog::connection() const
{
    return d->build();
}

QString ConnectionDialog::keyForCredential() const
{
    return d->credential.key->isVisible() ? d->credential.key->text() : QString();
}

QString ConnectionDialog::keyForInference() const
{
    return d->inference.key->isVisible() ? d->inference.key->text() : QString();
}

QString ConnectionDialog::validationError() const
{
    const Connection c = d->build();
    if (d->existingIds.contains(c.id))
        return tr("The ID \"%1\" is already used by another connection.").arg(c.id);
    // The workspace's own parser is the one judge of a connection.
    Workspace ws;
    ws.connections.append(c);
    QByteArray json = ws.toJson();
    QJsonObject root = QJsonDocument::fromJson(json).object();
    QJsonArray conns = root.value(QLatin1String("connections")).toArray();
    QJsonObject o = conns.at(0).toObject();
    o.insert(QStringLiteral("managementEndpoint"), c.managementEndpoint.toString());
    o.insert(QStringLiteral("resourceId"), c.resourceId);
    conns[0] = o;
    root.insert(QStringLiteral("connections"), conns);
    QString error;
    if (!Workspace::fromJson(QJsonDocument(root).toJson(), &error))
        return error.replace(QLatin1String("connections[0]"), tr("This connection"));
    if (c.credential.kind == SecretRef::Kind::Keychain && d->credential.keychainEntry.isEmpty() &&
        d->credential.key->text().isEmpty())
        return tr("Paste the monitoring key to keep it in the OS keychain.");
    if (c.inferenceCredential.kind == SecretRef::Kind::Keychain &&
        d->inference.keychainEntry.isEmpty() && d->inference.key->text().isEmpty())
        return tr("Paste the inference key to keep it in the OS keychain.");
    return {};
}

void ConnectionDialog::accept()
{
    const QString error = validationError();
    if (!error.isEmpty()) {
        d->error->setText(error);
        d->error->show();
        return;
    }
    QDialog::accept();
}

} // namespace isc
