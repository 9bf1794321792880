#include "playgroundcomposer.h"

#include "playground/runrecord.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace isc {

PlaygroundComposer::PlaygroundComposer(QWidget* parent)
    : QWidget(parent), m_system(new QPlainTextEdit), m_variables(new QTableWidget(0, 2)),
      m_temperature(new QDoubleSpinBox), m_topP(new QDoubleSpinBox), m_maxTokens(new QSpinBox),
      m_stop(new QLineEdit), m_seed(new QLineEdit), m_json(new QCheckBox)
{
    m_system->setPlaceholderText(tr("System prompt (optional)"));
    m_system->setAccessibleName(tr("System prompt"));
    m_system->setTabChangesFocus(true);
    m_system->setMaximumHeight(56);
    connect(m_system, &QPlainTextEdit::textChanged, this, [this] { syncVariables(); });

    auto* turnsHost = new QWidget;
    m_turnsLayout = new QVBoxLayout(turnsHost);
    m_turnsLayout->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(turnsHost);
    auto* addTurnButton = new QPushButton(tr("+ Turn"));
    addTurnButton->setToolTip(tr("Add a message (alternates user and assistant)"));
    connect(addTurnButton, &QPushButton::clicked, this, [this] {
        const bool lastUser = !m_turns.isEmpty() && m_turns.last().role->currentData().toString() ==
                                                        QLatin1String("user");
        addTurn(lastUser ? QStringLiteral("assistant") : QStringLiteral("user"), {})
            .text->setFocus();
    });

    auto* messages = new QVBoxLayout;
    auto* title = new QLabel(tr("<b>Messages</b>"));
    messages->addWidget(title);
    messages->addWidget(m_system);
    messages->addWidget(scroll, 1);
    messages->addWidget(addTurnButton, 0, Qt::AlignLeft);

    m_variables->setHorizontalHeaderLabels({tr("Variable"), tr("Value")});
    m_variables->horizontalHeader()->setStretchLastSection(true);
    m_variables->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_variables->verticalHeader()->hide();
    m_variables->setAccessibleName(tr("Variables"));
    m_variables->setToolTip(tr("Values for the {{name}} placeholders of the messages"));

    m_temperature->setRange(-0.1, 2.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setDecimals(2);
    m_temperature->setSpecialValueText(tr("default"));
    m_temperature->setValue(-0.1);
    m_topP->setRange(-0.01, 1.0);
    m_topP->setSingleStep(0.05);
    m_topP->setDecimals(2);
    m_topP->setSpecialValueText(tr("default"));
    m_topP->setValue(-0.01);
    m_maxTokens->setRange(0, 1000000);
    m_maxTokens->setSpecialValueText(tr("default"));
    m_maxTokens->setSingleStep(64);
    m_stop->setPlaceholderText(tr("comma-separated"));
    m_seed->setPlaceholderText(tr("none"));
    m_seed->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("-?\\d{0,18}")), m_seed));
    m_json->setText(tr("JSON response"));
    m_json->setToolTip(
        tr("response_format json_object (OpenAI, Azure); the prompt must ask for JSON"));

    auto* params = new QFormLayout;
    params->setLabelAlignment(Qt::AlignRight);
    params->addRow(tr("Temperature"), m_temperature);
    params->addRow(tr("top_p"), m_topP);
    params->addRow(tr("Max tokens"), m_maxTokens);
    params->addRow(tr("Stop"), m_stop);
    params->addRow(tr("Seed"), m_seed);
    params->addRow(QString(), m_json);

    auto* right = new QVBoxLayout;
    right->addWidget(new QLabel(tr("<b>Variables</b>")));
    right->addWidget(m_variables, 1);
    right->addWidget(new QLabel(tr("<b>Parameters</b>")));
    right->addLayout(params);

    auto* columns = new QHBoxLayout(this);
    columns->setContentsMargins(0, 0, 0, 0);
    columns->addLayout(messages, 3);
    columns->addLayout(right, 2);
}

PlaygroundDraft PlaygroundComposer::draft() const
{
    PlaygroundDraft d;
    d.system = m_system->toPlainText();
    for (const Turn& t : m_turns)
        d.turns.append({t.role->currentData().toString(), t.text->toPlainText()});
    d.variables = variableValues();
    if (m_temperature->value() >= 0)
        d.temperature = m_temperature->value();
    if (m_topP->value() >= 0)
        d.topP = m_topP->value();
    if (m_maxTokens->value() > 0)
        d.maxTokens = m_maxTokens->value();
    d.stop = m_stop->text();
    d.seed = m_seed->text();
    d.jsonResponse = m_json->isChecked();
    return d;
}

void PlaygroundComposer::load(const PlaygroundDraft& draft)
{
    // Variables still used keep their values: read them before the messages are replaced (each
    // change of a message re-syncs the table and would drop them meanwhile).
    const QHash<QString, QString> kept = variableValues();
    clearTurns();
    m_system->setPlainText(draft.system);
    for (const ChatMessage& m : draft.turns)
        addTurn(m.role, m.content);
    syncVariables();
    for (int i = 0; i < m_variables->rowCount(); ++i) {
        const QString name = m_variables->item(i, 0)->text();
        const QString value = draft.variables.value(name, kept.value(name));
        if (!value.isEmpty())
            m_variables->item(i, 1)->setText(value);
    }
    m_temperature->setValue(draft.temperature.value_or(-1));
    m_topP->setValue(draft.topP.value_or(-1));
    m_maxTokens->setValue(draft.maxTokens.value_or(0));
    m_stop->setText(draft.stop);
    m_seed->setText(draft.seed);
    m_json->setChecked(draft.jsonResponse);
}

void PlaygroundComposer::save(QSettings& s) const
{
    s.setValue(QStringLiteral("system"), m_system->toPlainText());
    QJsonArray t;
    for (const Turn& turn : m_turns)
        t.append(QJsonObject{{"role", turn.role->currentData().toString()},
                             {"content", turn.text->toPlainText()}});
    s.setValue(QStringLiteral("turns"), QJsonDocument(t).toJson(QJsonDocument::Compact));
    QJsonObject vars;
    const QHash<QString, QString> values = variableValues();
    for (auto it = values.begin(); it != values.end(); ++it)
        vars.insert(it.key(), it.value());
    s.setValue(QStringLiteral("variables"), QJsonDocument(vars).toJson(QJsonDocument::Compact));
    QString error;
    if (const std::optional<ChatRequest> params = draft().request(&error))
        s.setValue(QStringLiteral("parameters"),
                   QJsonDocument(requestParameters(*params)).toJson(QJsonDocument::Compact));
}

void PlaygroundComposer::restore(QSettings& s)
{
    m_system->setPlainText(s.value(QStringLiteral("system")).toString());
    const QJsonArray t =
        QJsonDocument::fromJson(s.value(QStringLiteral("turns")).toByteArray()).array();
    for (const QJsonValue& v : t)
        addTurn(v.toObject().value(QLatin1String("role")).toString(),
                v.toObject().value(QLatin1String("content")).toString());
    if (m_turns.isEmpty())
        addTurn(QStringLiteral("user"), {});
    const QJsonObject vars =
        QJsonDocument::fromJson(s.value(QStringLiteral("variables")).toByteArray()).object();
    syncVariables();
    for (int i = 0; i < m_variables->rowCount(); ++i)
        m_variables->item(i, 1)->setText(vars.value(m_variables->item(i, 0)->text()).toString());
    ChatRequest params;
    applyParameters(
        QJsonDocument::fromJson(s.value(QStringLiteral("parameters")).toByteArray()).object(),
        &params);
    setParameters(params);
}

void PlaygroundComposer::setParameters(const ChatRequest& params)
{
    m_temperature->setValue(params.temperature.value_or(-1));
    m_topP->setValue(params.topP.value_or(-1));
    m_maxTokens->setValue(params.maxTokens.value_or(0));
    m_stop->setText(params.stop.join(QStringLiteral(", ")));
    m_seed->setText(params.seed ? QString::number(*params.seed) : QString());
    m_json->setChecked(params.jsonResponse);
}

PlaygroundComposer::Turn PlaygroundComposer::addTurn(const QString& role, const QString& text)
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
    m_turnsLayout->addWidget(t.row);
    m_turns.append(t);
    QWidget* row = t.row;
    connect(t.text, &QPlainTextEdit::textChanged, this, [this] { syncVariables(); });
    connect(removeTurn, &QPushButton::clicked, this, [this, row] {
        if (m_turns.size() <= 1)
            return; // a conversation needs one message
        for (int i = 0; i < m_turns.size(); ++i) {
            if (m_turns[i].row == row) {
                m_turns.remove(i);
                break;
            }
        }
        row->deleteLater();
        syncVariables();
    });
    return t;
}

void PlaygroundComposer::clearTurns()
{
    for (const Turn& t : std::as_const(m_turns))
        delete t.row;
    m_turns.clear();
}

void PlaygroundComposer::syncVariables()
{
    QStringList texts{m_system->toPlainText()};
    for (const Turn& t : std::as_const(m_turns))
        texts << t.text->toPlainText();
    const QStringList names = PlaygroundDraft::variableNames(texts);
    const QHash<QString, QString> values = variableValues();
    QSignalBlocker block(m_variables);
    m_variables->setRowCount(int(names.size()));
    for (int i = 0; i < names.size(); ++i) {
        auto* name = new QTableWidgetItem(names[i]);
        name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        m_variables->setItem(i, 0, name);
        m_variables->setItem(i, 1, new QTableWidgetItem(values.value(names[i])));
    }
}

QHash<QString, QString> PlaygroundComposer::variableValues() const
{
    QHash<QString, QString> out;
    for (int i = 0; i < m_variables->rowCount(); ++i) {
        const QTableWidgetItem* n = m_variables->item(i, 0);
        const QTableWidgetItem* v = m_variables->item(i, 1);
        if (n && v && !v->text().isEmpty())
            out.insert(n->text(), v->text());
    }
    return out;
}

} // namespace isc
