#include "replaypolicypanel.h"

#include "itemmodels/routingrulesmodel.h"
#include "policyeditor.h"
#include "routing/policydocument.h"
#include "routing/routingpolicy.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <utility>

namespace isc {

namespace {

RoutingPolicy parsed(const QJsonObject& json)
{
    if (json.isEmpty())
        return RoutingPolicy::identity();
    QString error;
    const auto p = RoutingPolicy::fromJsonObject(json, &error);
    return p ? *p : RoutingPolicy::identity();
}

} // namespace

ReplayPolicyPanel::ReplayPolicyPanel(SampleStore* store, QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* title = new QLabel(tr("<b>Routing policy</b> — the first rule that matches wins"), this);
    m_editor = new PolicyEditor(this);
    m_document = new PolicyDocument(store, this);
    m_revert = new QPushButton(tr("Re&vert to saved policy"), this);
    m_save = new QPushButton(tr("&Save policy"), this);
    m_export = new QPushButton(tr("E&xport to workspace file…"), this);
    m_location = new QLabel(m_document->locationText(), this);
    m_location->setWordWrap(true);
    m_location->setForegroundRole(QPalette::PlaceholderText); // secondary text, from the palette
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_revert);
    buttons->addStretch(1);
    buttons->addWidget(m_export);
    buttons->addWidget(m_save);
    layout->addWidget(title);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_location);
    layout->addLayout(buttons);

    connect(m_revert, &QPushButton::clicked, this, [this] {
        m_edited = false;
        m_reverting = true; // shown when read, whatever changes the editor reports meanwhile
        load();             // loaded() shows it
    });
    connect(m_document, &PolicyDocument::loaded, this, [this] {
        const bool reverting = std::exchange(m_reverting, false);
        if (reverting || (!m_edited && !(m_editor->policy() == parsed(m_document->policy()))))
            applySaved();
        m_location->setText(m_document->locationText());
        if (!m_document->error().isEmpty())
            emit statusChanged(m_document->error());
    });
    connect(m_document, &PolicyDocument::saved, this, [this](const DocumentWriteReport& r) {
        if (!r.ok) {
            emit statusChanged(r.error);
            return;
        }
        m_edited = false;
        m_location->setText(m_document->locationText());
        emit statusChanged(tr("Policy saved for %1 in %2 (revision %3).")
                               .arg(m_document->owner(), m_document->address())
                               .arg(r.revision));
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (m_document->canSave())
            saveForUser();
        else
            emit exportRequested(); // no database: the workspace file is the only place
    });
    connect(m_export, &QPushButton::clicked, this, &ReplayPolicyPanel::exportRequested);
    // Usable once it has no blocking issue; the known targets read later can clear one.
    const auto updateButtons = [this] {
        const bool usable = !m_editor->model()->hasBlockingIssue();
        m_save->setEnabled(usable);
        m_export->setEnabled(usable);
    };
    connect(m_editor->model(), &RoutingRulesModel::issuesChanged, this, updateButtons);
    connect(m_editor, &PolicyEditor::policyChanged, this, [this, updateButtons] {
        updateButtons();
        if (!m_applying)
            m_edited = true;
    });
}

void ReplayPolicyPanel::setWorkspacePolicy(const QJsonObject& policy)
{
    m_document->setWorkspacePolicy(policy);
    if (m_document->origin() == PolicyDocument::Origin::Workspace && !m_edited)
        applySaved();
    m_location->setText(m_document->locationText());
}

void ReplayPolicyPanel::load()
{
    m_document->load();
}

bool ReplayPolicyPanel::saveForUser()
{
    if (!m_document->canSave()) {
        emit statusChanged(tr("No history database is open: export the policy to the workspace "
                              "file instead."));
        return false;
    }
    if (m_editor->model()->hasBlockingIssue()) {
        emit statusChanged(tr("Fix the policy's problems (listed under the rules) to save it."));
        return false;
    }
    emit statusChanged(tr("Saving the policy…"));
    m_document->save(m_editor->policy().toJsonObject());
    return true;
}

QString ReplayPolicyPanel::locationText() const
{
    return m_location->text();
}

void ReplayPolicyPanel::applySaved()
{
    m_applying = true;
    m_editor->setPolicy(parsed(m_document->policy()));
    m_applying = false;
    m_edited = false;
    m_location->setText(m_document->locationText());
}

} // namespace isc
