#include "alertruleeditor.h"

#include "core/timerange.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <limits>

namespace isc {

namespace {

const QStringList kAggregations{QStringLiteral("average"), QStringLiteral("maximum"),
                                QStringLiteral("minimum"), QStringLiteral("total"),
                                QStringLiteral("count"),   QStringLiteral("p50"),
                                QStringLiteral("p95"),     QStringLiteral("p99")};

/// "Slow first token" -> "slow-first-token".
QString slug(const QString& name)
{
    QString s = name.toLower();
    s.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    while (s.startsWith(QLatin1Char('-')))
        s.remove(0, 1);
    while (s.endsWith(QLatin1Char('-')))
        s.chop(1);
    return s.left(48);
}

} // namespace

AlertRuleEditor::AlertRuleEditor(QWidget* parent)
    : QWidget(parent), m_name(new QLineEdit), m_id(new QLineEdit), m_metric(new QComboBox),
      m_aggregation(new QComboBox), m_deployments(new QLineEdit), m_reduce(new QComboBox),
      m_window(new QSpinBox), m_op(new QComboBox), m_threshold(new QDoubleSpinBox),
      m_clearMargin(new QDoubleSpinBox), m_for(new QSpinBox), m_unit(new QLineEdit),
      m_severity(new QComboBox), m_enabled(new QCheckBox(tr("Evaluate this rule"))),
      m_inputNote(new QLabel)
{
    m_metric->setEditable(true);
    m_metric->setInsertPolicy(QComboBox::NoInsert);
    m_aggregation->setEditable(true);
    m_aggregation->addItems(kAggregations);
    m_deployments->setPlaceholderText(tr("every deployment (or: gpt-4o-ptu, gpt-4o-mini)"));
    m_reduce->addItem(tr("average"), QStringLiteral("avg"));
    m_reduce->addItem(tr("minimum"), QStringLiteral("min"));
    m_reduce->addItem(tr("maximum"), QStringLiteral("max"));
    m_reduce->addItem(tr("sum"), QStringLiteral("sum"));
    m_reduce->addItem(tr("latest"), QStringLiteral("last"));
    for (QSpinBox* minutes : {m_window, m_for}) {
        minutes->setRange(0, 7 * 24 * 60);
        minutes->setSuffix(tr(" min"));
    }
    m_window->setMinimum(1);
    m_op->addItem(QStringLiteral("≥"), QStringLiteral(">="));
    m_op->addItem(QStringLiteral(">"), QStringLiteral(">"));
    m_op->addItem(QStringLiteral("≤"), QStringLiteral("<="));
    m_op->addItem(QStringLiteral("<"), QStringLiteral("<"));
    for (QDoubleSpinBox* v : {m_threshold, m_clearMargin}) {
        v->setRange(-1e12, 1e12);
        v->setDecimals(2);
    }
    m_clearMargin->setMinimum(0);
    m_unit->setPlaceholderText(tr("%, ms, requests…"));
    m_severity->addItem(tr("info"), QStringLiteral("info"));
    m_severity->addItem(tr("warning"), QStringLiteral("warning"));
    m_severity->addItem(tr("critical"), QStringLiteral("critical"));
    m_inputNote->setWordWrap(true);
    m_inputNote->setVisible(false);
    m_name->setAccessibleName(tr("Rule name"));
    m_threshold->setAccessibleName(tr("Threshold"));

    // Two columns of label/field pairs: the whole rule fits above its backtest.
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    int row = 0;
    const auto pair = [&](const QString& label, QWidget* field, int column) {
        auto* l = new QLabel(label);
        l->setBuddy(field);
        grid->addWidget(l, row, column * 2);
        grid->addWidget(field, row, column * 2 + 1);
        if (column == 1)
            ++row;
    };
    pair(tr("&Name"), m_name, 0);
    pair(tr("&Id"), m_id, 1);
    grid->addWidget(m_inputNote, row++, 0, 1, 4);
    pair(tr("&Metric"), m_metric, 0);
    pair(tr("&Aggregation"), m_aggregation, 1);
    pair(tr("&Deployments"), m_deployments, 0);
    pair(tr("&Unit"), m_unit, 1);
    pair(tr("&Reduce"), m_reduce, 0);
    pair(tr("over &window"), m_window, 1);
    pair(tr("&Comparison"), m_op, 0);
    pair(tr("&Threshold"), m_threshold, 1);
    pair(tr("&For"), m_for, 0);
    pair(tr("C&lears with margin"), m_clearMargin, 1);
    pair(tr("&Severity"), m_severity, 0);
    grid->addWidget(m_enabled, row, 2, 1, 2);

    const auto changed = [this] { emit edited(); };
    for (QLineEdit* e : {m_name, m_id, m_deployments, m_unit})
        connect(e, &QLineEdit::textEdited, this, changed);
    connect(m_name, &QLineEdit::textEdited, this, [this](const QString& text) {
        if (m_new)
            m_id->setText(slug(text));
    });
    connect(m_unit, &QLineEdit::textEdited, this, &AlertRuleEditor::updateUnit);
    for (QComboBox* c : {m_metric, m_aggregation, m_reduce, m_op, m_severity})
        connect(c, &QComboBox::currentTextChanged, this, changed);
    for (QSpinBox* s : {m_window, m_for})
        connect(s, &QSpinBox::valueChanged, this, changed);
    for (QDoubleSpinBox* s : {m_threshold, m_clearMargin})
        connect(s, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_enabled, &QCheckBox::toggled, this, changed);
}

void AlertRuleEditor::setRule(const AlertRule& rule, const QStringList& metrics)
{
    m_new = false;
    m_metric->clear();
    m_metric->addItems(metrics);
    load(rule);
}

void AlertRuleEditor::newRule(const QStringList& metrics)
{
    AlertRule rule;
    rule.name = tr("New rule");
    rule.id = slug(rule.name);
    rule.metric = metrics.value(0);
    rule.windowSeconds = 300;
    rule.forSeconds = 300;
    rule.threshold = 90;
    rule.clearMargin = 4.5;
    rule.unit = QStringLiteral("%");
    setRule(rule, metrics);
    m_new = true;
    m_id->setReadOnly(false);
}

void AlertRuleEditor::load(const AlertRule& rule)
{
    const QSignalBlocker blockers[] = {
        QSignalBlocker(m_name),        QSignalBlocker(m_id),          QSignalBlocker(m_metric),
        QSignalBlocker(m_aggregation), QSignalBlocker(m_deployments), QSignalBlocker(m_reduce),
        QSignalBlocker(m_window),      QSignalBlocker(m_op),          QSignalBlocker(m_threshold),
        QSignalBlocker(m_clearMargin), QSignalBlocker(m_for),         QSignalBlocker(m_unit),
        QSignalBlocker(m_severity),    QSignalBlocker(m_enabled)};
    m_base = rule;
    m_name->setText(rule.name);
    m_id->setText(rule.id);
    m_id->setReadOnly(true); // state, history and silences are keyed by it
    const bool metricRule = rule.input == AlertInput::None;
    m_metric->setEnabled(metricRule);
    m_aggregation->setEnabled(metricRule);
    m_window->setEnabled(metricRule);
    m_reduce->setEnabled(metricRule);
    m_inputNote->setVisible(!metricRule);
    m_inputNote->setText(
        metricRule ? QString()
                   : tr("Reads %1, not a stored metric.").arg(alertInputName(rule.input)));
    m_metric->setCurrentText(rule.metric);
    m_aggregation->setCurrentText(rule.aggregation);
    m_deployments->setText(rule.deployments.join(QStringLiteral(", ")));
    m_reduce->setCurrentIndex(std::max(0, m_reduce->findData(alertReduceName(rule.reduce))));
    m_window->setValue(int(rule.windowSeconds / 60));
    m_op->setCurrentIndex(std::max(0, m_op->findData(alertOpName(rule.op))));
    m_threshold->setValue(rule.threshold);
    m_clearMargin->setValue(rule.clearMargin);
    m_for->setValue(int(rule.forSeconds / 60));
    m_unit->setText(rule.unit);
    m_severity->setCurrentIndex(
        std::max(0, m_severity->findData(alertSeverityName(rule.severity))));
    m_enabled->setChecked(rule.enabled);
    updateUnit();
}

void AlertRuleEditor::updateUnit()
{
    const QString unit = m_unit->text().trimmed();
    const QString suffix = unit.isEmpty() ? QString() : QStringLiteral(" ") + unit;
    m_threshold->setSuffix(suffix);
    m_clearMargin->setSuffix(suffix);
}

QJsonObject AlertRuleEditor::ruleJson() const
{
    QJsonObject o = m_base.toJson();
    o.insert(QStringLiteral("id"), m_id->text().trimmed());
    o.insert(QStringLiteral("name"), m_name->text().trimmed());
    o.insert(QStringLiteral("enabled"), m_enabled->isChecked());
    o.insert(QStringLiteral("severity"), m_severity->currentData().toString());
    if (m_base.input == AlertInput::None) {
        o.insert(QStringLiteral("metric"), m_metric->currentText().trimmed());
        o.insert(QStringLiteral("aggregation"), m_aggregation->currentText().trimmed());
        o.insert(QStringLiteral("reduce"), m_reduce->currentData().toString());
        o.insert(QStringLiteral("window"), formatDuration(qint64(m_window->value()) * 60));
    }
    QStringList deployments;
    for (const QString& d : m_deployments->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!d.trimmed().isEmpty())
            deployments << d.trimmed();
    // A built-in keeps the scope it gets from the inventory (a new PTU deployment is covered)
    // unless the user narrowed it.
    const bool builtinScope = m_base.templateId == m_base.id && deployments == m_base.deployments;
    if (deployments.isEmpty() || builtinScope)
        o.remove(QStringLiteral("deployments"));
    else
        o.insert(QStringLiteral("deployments"), QJsonArray::fromStringList(deployments));
    if (builtinScope)
        o.remove(QStringLiteral("connections"));
    o.insert(QStringLiteral("op"), m_op->currentData().toString());
    o.insert(QStringLiteral("threshold"), m_threshold->value());
    o.insert(QStringLiteral("clearMargin"), m_clearMargin->value());
    o.insert(QStringLiteral("for"), m_for->value() > 0 ? formatDuration(qint64(m_for->value()) * 60)
                                                       : QStringLiteral("0m"));
    o.insert(QStringLiteral("unit"), m_unit->text().trimmed());
    return o;
}

std::optional<AlertRule> AlertRuleEditor::rule(QStringList* errors) const
{
    QStringList ignored;
    return AlertRule::parse(ruleJson(), QStringLiteral("rule"), errors ? errors : &ignored);
}

} // namespace isc
