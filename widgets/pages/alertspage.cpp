#include "alertspage.h"

#include "alertruleeditor.h"
#include "alerts/alertservice.h"
#include "alerts/alerttemplates.h"
#include "charts/alertbacktestchart.h"
#include "core/workspace.h"
#include "theme/theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <utility>

namespace isc {

namespace {

constexpr int kDay = 86400;

QTableWidget* makeTable(const QStringList& headers)
{
    auto* t = new QTableWidget(0, int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->verticalHeader()->setVisible(false);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setAlternatingRowColors(true);
    t->setWordWrap(false);
    return t;
}

QString selectedKey(const QTableWidget* t);

/// Replaces the rows; `key` (Qt::UserRole of column 0) identifies a row for the buttons, and
/// the selected row stays selected when its key is still there (polls refresh the tables).
void fill(QTableWidget* t, const QVector<QStringList>& rows, const QStringList& keys)
{
    const QString selected = selectedKey(t);
    t->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < rows[r].size() && c < t->columnCount(); ++c) {
            auto* item = new QTableWidgetItem(rows[r][c]);
            if (c == 0)
                item->setData(Qt::UserRole, keys.value(r));
            t->setItem(r, c, item);
        }
    }
    t->resizeColumnsToContents();
    const int row = selected.isEmpty() ? -1 : int(keys.indexOf(selected));
    if (row >= 0)
        t->selectRow(row);
    else
        t->clearSelection();
}

QString selectedKey(const QTableWidget* t)
{
    const auto rows = t->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    const QTableWidgetItem* item = t->item(rows.first().row(), 0);
    return item ? item->data(Qt::UserRole).toString() : QString();
}

QLabel* heading(const QString& text)
{
    auto* l = new QLabel(text);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    l->setFont(f);
    return l;
}

} // namespace

AlertsPage::AlertsPage(AlertService* alerts, const Workspace& workspace, QWidget* parent)
    : QWidget(parent), m_alerts(alerts), m_summary(new QLabel), m_tabs(new QTabWidget),
      m_now(makeTable({tr("State"), tr("Rule"), tr("Deployment"), tr("Value"), tr("Condition"),
                       tr("Since"), tr("Duration"), tr("Acknowledged")})),
      m_history(makeTable({tr("Time"), tr("Transition"), tr("Rule"), tr("Deployment"), tr("Value"),
                           tr("Lasted"), tr("Delivery")})),
      m_silences(makeTable(
          {tr("Rule"), tr("Matches"), tr("Ends"), tr("Remaining"), tr("By"), tr("Comment")})),
      m_rules(makeTable({tr("Rule"), tr("Severity"), tr("Origin"), tr("Firing")})),
      m_configErrors(new QLabel), m_editor(new AlertRuleEditor), m_range(new QComboBox),
      m_save(new QPushButton(tr("&Save Rule"))), m_delete(new QPushButton(tr("&Delete Rule"))),
      m_problem(new QLabel), m_chart(new AlertBacktestChart), m_backtestSummary(new QLabel),
      m_backtestTimer(new QTimer(this))
{
    m_now->setObjectName(QStringLiteral("alertsNow"));
    m_history->setObjectName(QStringLiteral("alertsHistory"));
    m_silences->setObjectName(QStringLiteral("alertsSilences"));
    m_rules->setObjectName(QStringLiteral("alertsRules"));
    m_now->setAccessibleName(tr("Alerts firing and pending now"));
    m_history->setAccessibleName(tr("Alert history"));
    m_silences->setAccessibleName(tr("Silences"));
    m_rules->setAccessibleName(tr("Alert rules"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(16, 12, 16, 12);
    auto* top = new QHBoxLayout;
    top->addWidget(heading(tr("Alerts")));
    top->addSpacing(12);
    top->addWidget(m_summary, 1);
    outer->addLayout(top);
    outer->addWidget(m_tabs, 1);

    // Now: what fires and is pending, with what to do about it.
    auto* nowTab = new QWidget;
    auto* nowLayout = new QVBoxLayout(nowTab);
    nowLayout->addWidget(m_now, 1);
    auto* nowButtons = new QHBoxLayout;
    auto* ack = new QPushButton(tr("&Acknowledge"));
    auto* silence = new QPushButton(tr("Silence &1 h"));
    ack->setToolTip(tr("Mark the selected alert as seen; it keeps firing and resolving."));
    silence->setToolTip(tr("No notification for the selected alert for one hour."));
    nowButtons->addWidget(ack);
    nowButtons->addWidget(silence);
    nowButtons->addStretch(1);
    nowLayout->addLayout(nowButtons);
    connect(ack, &QPushButton::clicked, this, &AlertsPage::acknowledgeSelected);
    connect(silence, &QPushButton::clicked, this, &AlertsPage::silenceSelected);
    m_tabs->addTab(nowTab, tr("Now"));

    m_tabs->addTab(m_history, tr("History"));

    auto* silencesTab = new QWidget;
    auto* silencesLayout = new QVBoxLayout(silencesTab);
    silencesLayout->addWidget(m_silences, 1);
    auto* end = new QPushButton(tr("&End Silence"));
    auto* silenceButtons = new QHBoxLayout;
    silenceButtons->addWidget(end);
    silenceButtons->addStretch(1);
    silencesLayout->addLayout(silenceButtons);
    connect(end, &QPushButton::clicked, this, &AlertsPage::endSelectedSilence);
    m_tabs->addTab(silencesTab, tr("Silences"));

    // Rules: the list on the left, the editor and its backtest on the right.
    auto* split = new QSplitter(Qt::Horizontal);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_rules, 1);
    m_configErrors->setWordWrap(true);
    m_configErrors->setTextInteractionFlags(Qt::TextSelectableByMouse);
    watchTheme(m_configErrors, [label = m_configErrors] {
        label->setStyleSheet(QStringLiteral("background: %1; border: 1px solid %2; color: %3;")
                                 .arg(themeCss(ThemeColor::BannerBackground),
                                      themeCss(ThemeColor::BannerBorder),
                                      themeCss(ThemeColor::BannerText)));
    });
    m_configErrors->setContentsMargins(8, 6, 8, 6);
    leftLayout->addWidget(m_configErrors);
    auto* newRule = new QPushButton(tr("&New Rule"));
    auto* ruleButtons = new QHBoxLayout;
    ruleButtons->addWidget(newRule);
    ruleButtons->addWidget(m_delete);
    ruleButtons->addStretch(1);
    leftLayout->addLayout(ruleButtons);
    split->addWidget(left);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(8, 0, 0, 0);
    auto* editorScroll = new QScrollArea;
    editorScroll->setWidget(m_editor);
    editorScroll->setWidgetResizable(true);
    editorScroll->setFrameShape(QFrame::NoFrame);
    rightLayout->addWidget(editorScroll, 0);
    auto* saveRow = new QHBoxLayout;
    saveRow->addWidget(m_save);
    m_problem->setWordWrap(true);
    saveRow->addWidget(m_problem, 1);
    rightLayout->addLayout(saveRow);
    auto* backtestRow = new QHBoxLayout;
    auto* backtestTitle = new QLabel(tr("<b>Backtest</b> on the stored history:"));
    backtestRow->addWidget(backtestTitle);
    m_range->addItem(tr("Last 7 days"), 7 * kDay);
    m_range->addItem(tr("Last 30 days"), 30 * kDay);
    m_range->setAccessibleName(tr("Backtest range"));
    m_range->setCurrentIndex(
        std::clamp(QSettings().value(QStringLiteral("alerts/backtestRange")).toInt(), 0, 1));
    backtestRow->addWidget(m_range);
    backtestRow->addStretch(1);
    rightLayout->addLayout(backtestRow);
    rightLayout->addWidget(m_chart, 3);
    m_backtestSummary->setWordWrap(true);
    m_backtestSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rightLayout->addWidget(m_backtestSummary);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({460, 940});
    m_tabs->addTab(split, tr("Rules"));
    m_tabs->setCurrentIndex(
        std::clamp(QSettings().value(QStringLiteral("alerts/tab")).toInt(), 0, 3));
    connect(m_tabs, &QTabWidget::currentChanged, this,
            [](int index) { QSettings().setValue(QStringLiteral("alerts/tab"), index); });

    m_backtestTimer->setSingleShot(true);
    m_backtestTimer->setInterval(400);
    connect(m_backtestTimer, &QTimer::timeout, this, &AlertsPage::runBacktest);
    connect(m_editor, &AlertRuleEditor::edited, this, [this] {
        m_aroundAlert.reset();
        QStringList errors;
        m_problem->setText(m_editor->rule(&errors) ? QString() : errors.join(QLatin1Char('\n')));
        backtestSoon();
    });
    connect(m_range, &QComboBox::currentIndexChanged, this, [this](int index) {
        QSettings().setValue(QStringLiteral("alerts/backtestRange"), index);
        if (m_range->currentData().toInt() > 0)
            m_aroundAlert.reset();
        backtestSoon();
    });
    connect(m_rules, &QTableWidget::itemSelectionChanged, this, [this] {
        const QString id = selectedKey(m_rules);
        if (!id.isEmpty() && id != m_selectedRule)
            selectRule(id);
    });
    connect(m_save, &QPushButton::clicked, this, &AlertsPage::saveRule);
    connect(m_delete, &QPushButton::clicked, this, &AlertsPage::deleteRule);
    connect(newRule, &QPushButton::clicked, this, [this] {
        m_selectedRule.clear();
        m_rules->clearSelection();
        m_editor->newRule(metricSuggestions());
        m_delete->setEnabled(false);
        backtestSoon();
    });
    m_save->setShortcut(QKeySequence::Save);

    setWorkspace(workspace);
    if (m_alerts)
        connect(m_alerts, &AlertService::changed, this, &AlertsPage::rebuild);
    rebuild();
}

AlertsPage::~AlertsPage() = default;

void AlertsPage::setWorkspace(const Workspace& workspace)
{
    m_alertsJson = workspace.alerts;
    rebuild();
}

void AlertsPage::refresh()
{
    if (!m_alerts) {
        emit loaded();
        return;
    }
    m_refreshing = true;
    QPointer<AlertsPage> self(this);
    m_alerts->flush([self] {
        if (!self)
            return;
        self->rebuild();
        self->runBacktest(); // loaded() once it lands
    });
}

void AlertsPage::rebuild()
{
    if (!m_alerts)
        return;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    m_report = AlertReport::build(m_alerts->rules(), m_alerts->active(), m_alerts->history(),
                                  m_alerts->silences(), m_alerts->configErrors(), now);
    fillTables();
    const auto has = [this](const QString& id) {
        return std::any_of(m_report.rules.cbegin(), m_report.rules.cend(),
                           [&](const AlertReport::RuleRow& r) { return r.id == id; });
    };
    // The rule looked at last (its built-in may only appear once the inventory is read), else
    // one that fires, else the first.
    const QString remembered = QSettings().value(QStringLiteral("alerts/rule")).toString();
    if (m_autoPicked && !remembered.isEmpty() && remembered != m_selectedRule && has(remembered))
        selectRule(remembered, false);
    if (m_selectedRule.isEmpty() && !m_report.rules.isEmpty() && !m_editor->isNew()) {
        QString pick = remembered;
        if (!has(pick)) {
            const auto firing =
                std::find_if(m_report.rules.cbegin(), m_report.rules.cend(),
                             [](const AlertReport::RuleRow& r) { return r.firing > 0; });
            pick = firing != m_report.rules.cend() ? firing->id : m_report.rules.first().id;
        }
        selectRule(pick, false);
        m_autoPicked = pick != remembered;
    }
}

void AlertsPage::fillTables()
{
    m_summary->setText(m_report.summary());
    QVector<QStringList> rows;
    QStringList keys;
    for (const auto& r : m_report.now) {
        rows.append(
            {r.state, r.rule, r.target, r.value, r.condition, r.since, r.duration, r.acknowledged});
        keys << r.ruleId + QLatin1Char('\n') + r.instance;
    }
    fill(m_now, rows, keys);
    rows.clear();
    keys.clear();
    for (const auto& r : m_report.history) {
        rows.append({r.time, r.transition, r.rule, r.target, r.value, r.duration, r.delivery});
        keys << r.ruleId;
    }
    fill(m_history, rows, keys);
    rows.clear();
    keys.clear();
    for (const auto& r : m_report.silences) {
        rows.append({r.rule, r.matches, r.ends, r.remaining, r.by, r.comment});
        keys << r.id;
    }
    fill(m_silences, rows, keys);
    rows.clear();
    keys.clear();
    int selectedRow = -1;
    for (const auto& r : m_report.rules) {
        if (r.id == m_selectedRule)
            selectedRow = int(rows.size());
        rows.append({r.enabled ? r.name : tr("%1 (off)").arg(r.name), r.severity, r.origin,
                     r.firing > 0 ? QString::number(r.firing) : QString()});
        keys << r.id;
    }
    {
        const QSignalBlocker block(m_rules);
        fill(m_rules, rows, keys);
        for (int row = 0; row < m_report.rules.size(); ++row)
            m_rules->item(row, 0)->setToolTip(m_report.rules[row].condition);
        // The name takes what the short columns leave.
        m_rules->horizontalHeader()->setStretchLastSection(false);
        m_rules->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
        if (selectedRow >= 0)
            m_rules->selectRow(selectedRow);
    }
    m_configErrors->setVisible(!m_report.configErrors.isEmpty());
    m_configErrors->setText(tr("These rules in the workspace file are not evaluated:\n%1")
                                .arg(m_report.configErrors.join(QLatin1Char('\n'))));
    m_tabs->setTabText(0, m_report.firing + m_report.pending > 0
                              ? tr("Now (%1)").arg(m_report.firing + m_report.pending)
                              : tr("Now"));
}

QStringList AlertsPage::metricSuggestions() const
{
    QStringList out;
    if (m_alerts)
        for (const AlertRule& r : m_alerts->rules())
            if (r.input == AlertInput::None && !r.metric.isEmpty())
                out << r.metric;
    for (const AlertTemplate& t : builtinAlertTemplates())
        if (t.rule.input == AlertInput::None && !t.rule.metric.isEmpty())
            out << t.rule.metric;
    out.removeDuplicates();
    return out;
}

void AlertsPage::selectRule(const QString& ruleId, bool remember)
{
    if (!m_alerts)
        return;
    const QVector<AlertRule> rules = m_alerts->rules();
    const auto it = std::find_if(rules.cbegin(), rules.cend(),
                                 [&](const AlertRule& r) { return r.id == ruleId; });
    if (it == rules.cend())
        return;
    m_selectedRule = ruleId;
    if (remember) {
        QSettings().setValue(QStringLiteral("alerts/rule"), ruleId);
        m_autoPicked = false;
    }
    m_editor->setRule(*it, metricSuggestions());
    m_problem->clear();
    m_delete->setEnabled(true);
    fillTables();
    backtestSoon();
}

void AlertsPage::showTab(int index, const QString& ruleId)
{
    m_tabs->setCurrentIndex(index);
    if (!ruleId.isEmpty())
        selectRule(ruleId);
}

void AlertsPage::showAlert(const QString& ruleId, qint64 at)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch() / 60 * 60;
    showTab(3, ruleId);
    m_aroundAlert = TimeRange{at / 60 * 60 - 12 * 3600, std::min(now, at / 60 * 60 + 12 * 3600)};
    runBacktest();
}

void AlertsPage::backtestSoon()
{
    m_backtestTimer->start();
}

void AlertsPage::runBacktest()
{
    m_backtestTimer->stop();
    QStringList errors;
    const auto rule = m_editor->rule(&errors);
    if (!rule) {
        m_chart->setMessage(tr("Fix the rule to backtest it:\n%1").arg(errors.join('\n')));
        m_backtestSummary->clear();
        if (std::exchange(m_refreshing, false))
            emit loaded();
        return;
    }
    if (!m_alerts)
        return;
    const qint64 now = QDateTime::currentSecsSinceEpoch() / 60 * 60;
    const qint64 span = m_range->currentData().toLongLong();
    const TimeRange range = m_aroundAlert ? *m_aroundAlert : TimeRange{now - span, now};
    const QString words = m_aroundAlert ? tr("in the 24 hours around the alert")
                                        : tr("over the %1").arg(m_range->currentText().toLower());
    m_chart->setMessage(tr("Backtesting on the stored history…"));
    m_backtestSummary->clear();
    const int generation = ++m_generation;
    QPointer<AlertsPage> self(this);
    m_alerts->backtest(*rule, range,
                       [self, generation, words, name = AlertReport::ruleLine(*rule)](
                           const AlertBacktestResult& result, const QString& error) {
                           if (!self || generation != self->m_generation)
                               return;
                           if (!error.isEmpty() && result.series.isEmpty()) {
                               self->m_chart->setMessage(error);
                               self->m_backtestSummary->setText(error);
                           } else {
                               self->m_chart->setResult(result, QTimeZone::systemTimeZone(), name);
                               QString text = AlertReport::backtestSummary(result, words);
                               if (!error.isEmpty())
                                   text += QLatin1Char(' ') +
                                           tr("Some minutes could not be read: %1").arg(error);
                               self->m_backtestSummary->setText(text);
                           }
                           emit self->backtested();
                           if (std::exchange(self->m_refreshing, false))
                               emit self->loaded();
                       });
}

QString AlertsPage::backtestSummary() const
{
    return m_backtestSummary->text();
}

QString AlertsPage::editorProblem() const
{
    return m_problem->text();
}

bool AlertsPage::saveRule()
{
    QStringList errors;
    const auto rule = m_editor->rule(&errors);
    if (!rule) {
        m_problem->setText(errors.join(QLatin1Char('\n')));
        return false;
    }
    QJsonArray list = m_alertsJson.value(QStringLiteral("rules")).toArray();
    const QJsonObject json = m_editor->ruleJson();
    bool replaced = false;
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list.at(i).toObject().value(QStringLiteral("id")).toString() == rule->id) {
            if (m_editor->isNew()) {
                m_problem->setText(
                    tr("rule.id: \"%1\" is already used by another rule").arg(rule->id));
                return false;
            }
            list[i] = json;
            replaced = true;
        }
    }
    if (!replaced)
        list.append(json);
    m_alertsJson.insert(QStringLiteral("rules"), list);
    m_selectedRule = rule->id;
    m_problem->setText(tr("Saved to the workspace."));
    emit alertsChanged(m_alertsJson);
    return true;
}

void AlertsPage::deleteRule()
{
    if (m_selectedRule.isEmpty())
        return;
    QJsonArray list = m_alertsJson.value(QStringLiteral("rules")).toArray();
    bool removed = false;
    for (qsizetype i = list.size() - 1; i >= 0; --i) {
        if (list.at(i).toObject().value(QStringLiteral("id")).toString() == m_selectedRule) {
            list.removeAt(i);
            removed = true;
        }
    }
    if (!removed) {
        // A built-in: switched off in the file, so it stays off.
        QJsonObject off = m_editor->ruleJson();
        off.insert(QStringLiteral("enabled"), false);
        list.append(off);
    }
    m_alertsJson.insert(QStringLiteral("rules"), list);
    m_problem->setText(removed ? tr("Deleted from the workspace.")
                               : tr("A built-in rule cannot be deleted: it is switched off."));
    m_selectedRule.clear();
    emit alertsChanged(m_alertsJson);
}

QString AlertsPage::currentUser() const
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? tr("this desktop") : user;
}

void AlertsPage::acknowledgeSelected()
{
    const QStringList key = selectedKey(m_now).split(QLatin1Char('\n'));
    if (key.size() == 2 && m_alerts)
        m_alerts->acknowledge(key[0], key[1], currentUser());
}

void AlertsPage::silenceSelected()
{
    const QStringList key = selectedKey(m_now).split(QLatin1Char('\n'));
    if (key.size() != 2 || !m_alerts)
        return;
    for (const auto& r : m_report.now) {
        if (r.ruleId == key[0] && r.instance == key[1]) {
            m_alerts->addSilence(AlertSilence::forInstance(
                r.ruleId, r.labels, QDateTime::currentSecsSinceEpoch(), 3600, currentUser(),
                tr("Silenced for 1 h from the Alerts page")));
            return;
        }
    }
}

void AlertsPage::endSelectedSilence()
{
    const QString id = selectedKey(m_silences);
    if (!id.isEmpty() && m_alerts)
        m_alerts->removeSilence(id);
}

} // namespace isc
