#include "policyeditor.h"

#include "itemmodels/routingrulesmodel.h"
#include "theme/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimeEdit>
#include <QVBoxLayout>

namespace isc {

namespace {

QStringList splitList(const QString& text)
{
    QStringList out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString t = part.trimmed();
        if (!t.isEmpty())
            out << t;
    }
    return out;
}

/// Paints rows with problems in a red tint, so a flag is visible without reading the column.
class IssueDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(RoutingRulesModel::HasIssueRole).toBool()) {
            option->backgroundBrush = themeColor(ThemeColor::BannerBackground, option->palette);
            if (index.column() == RoutingRulesModel::Issues)
                option->palette.setColor(QPalette::Text,
                                         themeColor(ThemeColor::Bad, option->palette));
        }
    }
};

} // namespace

struct PolicyEditor::Private
{
    PolicyEditor* q = nullptr;
    RoutingRulesModel* model = nullptr;
    QTableView* table = nullptr;
    QLineEdit* policyName = nullptr;
    QLineEdit* name = nullptr;
    QComboBox* target = nullptr;
    QSpinBox* minPrompt = nullptr;
    QSpinBox* maxPrompt = nullptr;
    QLineEdit* models = nullptr;
    QLineEdit* tags = nullptr;
    QCheckBox* timeOn = nullptr;
    QTimeEdit* from = nullptr;
    QTimeEdit* to = nullptr;
    QComboBox* utilTarget = nullptr;
    QDoubleSpinBox* utilAbove = nullptr;
    QComboBox* healthTarget = nullptr;
    QDoubleSpinBox* errorAbove = nullptr;
    QComboBox* fallback = nullptr;
    QLabel* issues = nullptr;
    QWidget* form = nullptr;
    QPushButton *remove = nullptr, *up = nullptr, *down = nullptr;
    bool loading = false;

    static void fillTargets(QComboBox* box, const QStringList& targets, bool withEmpty)
    {
        const QString current = box->currentText();
        box->clear();
        if (withEmpty)
            box->addItem(QString());
        box->addItems(targets);
        box->setCurrentText(current);
    }

    void loadRule()
    {
        const int row = q->selectedRule();
        const bool rule = row >= 0 && row < model->policy().rules.size();
        form->setEnabled(rule);
        remove->setEnabled(rule);
        up->setEnabled(rule && row > 0);
        down->setEnabled(rule && row + 1 < model->policy().rules.size());
        if (!rule)
            return;
        loading = true;
        const RoutingRule& r = model->policy().rules[row];
        name->setText(r.name);
        target->setCurrentText(r.target);
        minPrompt->setValue(r.when.minPromptTokens >= 0 ? int(r.when.minPromptTokens) : 0);
        maxPrompt->setValue(r.when.maxPromptTokens >= 0 ? int(r.when.maxPromptTokens) : 0);
        models->setText(r.when.models.join(QStringLiteral(", ")));
        tags->setText(r.when.tags.join(QStringLiteral(", ")));
        timeOn->setChecked(r.when.hasTimeWindow());
        from->setTime(QTime(0, 0).addSecs(60 * std::max(0, r.when.fromMinute)));
        to->setTime(QTime(0, 0).addSecs(60 * std::max(0, r.when.toMinute)));
        from->setEnabled(timeOn->isChecked());
        to->setEnabled(timeOn->isChecked());
        utilTarget->setCurrentText(r.when.utilizationTarget);
        utilAbove->setValue(r.when.utilizationAbovePct);
        healthTarget->setCurrentText(r.when.healthTarget);
        errorAbove->setValue(r.when.errorRateAbovePct);
        loading = false;
    }

    void storeRule()
    {
        if (loading)
            return;
        const int row = q->selectedRule();
        if (row < 0 || row >= model->policy().rules.size())
            return;
        RoutingRule r;
        r.name = name->text().trimmed();
        r.target = target->currentText().trimmed();
        r.when.minPromptTokens = minPrompt->value() > 0 ? minPrompt->value() : -1;
        r.when.maxPromptTokens = maxPrompt->value() > 0 ? maxPrompt->value() : -1;
        r.when.models = splitList(models->text());
        r.when.tags = splitList(tags->text());
        if (timeOn->isChecked()) {
            r.when.fromMinute = from->time().hour() * 60 + from->time().minute();
            r.when.toMinute = to->time().hour() * 60 + to->time().minute();
        }
        r.when.utilizationTarget = utilTarget->currentText().trimmed();
        r.when.utilizationAbovePct = utilAbove->value() >= 0 ? utilAbove->value() : -1;
        r.when.healthTarget = healthTarget->currentText().trimmed();
        r.when.errorRateAbovePct = errorAbove->value() >= 0 ? errorAbove->value() : -1;
        model->setRule(row, r);
        table->selectRow(row);
    }

    void updateIssues()
    {
        QStringList lines;
        for (const QString& t : q->issueTexts())
            lines << QStringLiteral("• ") + t.toHtmlEscaped();
        issues->setText(
            QStringLiteral("<span style='color:%1'>%2</span>")
                .arg(themeCss(lines.isEmpty() ? ThemeColor::Good : ThemeColor::ErrorText),
                     lines.isEmpty() ? PolicyEditor::tr("No problems found.")
                                     : lines.join(QStringLiteral("<br>"))));
    }
};

PolicyEditor::PolicyEditor(QWidget* parent) : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->model = new RoutingRulesModel(this);
    d->table = new QTableView(this);
    d->table->setModel(d->model);
    d->table->setItemDelegate(new IssueDelegate(d->table));
    d->table->setSelectionBehavior(QAbstractItemView::SelectRows);
    d->table->setSelectionMode(QAbstractItemView::SingleSelection);
    d->table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    d->table->verticalHeader()->hide();
    d->table->setWordWrap(false);
    // Conditions elide so the target and the problems stay in view.
    QHeaderView* h = d->table->horizontalHeader();
    h->setSectionResizeMode(QHeaderView::ResizeToContents);
    h->setSectionResizeMode(RoutingRulesModel::Name, QHeaderView::Interactive);
    h->resizeSection(RoutingRulesModel::Name, 170);
    h->setSectionResizeMode(RoutingRulesModel::When, QHeaderView::Stretch);
    d->table->setTextElideMode(Qt::ElideRight);
    d->table->setAccessibleName(tr("Routing rules"));

    auto* add = new QPushButton(tr("&Add rule"), this);
    d->remove = new QPushButton(tr("&Remove"), this);
    d->up = new QPushButton(tr("Move &up"), this);
    d->down = new QPushButton(tr("Move &down"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(d->remove);
    buttons->addWidget(d->up);
    buttons->addWidget(d->down);
    buttons->addStretch(1);

    d->policyName = new QLineEdit(this);
    d->fallback = new QComboBox(this);
    d->fallback->setEditable(true);
    auto* top = new QFormLayout;
    top->addRow(tr("Policy &name:"), d->policyName);

    d->form = new QWidget(this);
    auto* form = new QFormLayout(d->form);
    form->setContentsMargins(0, 0, 0, 0);
    d->name = new QLineEdit(d->form);
    d->target = new QComboBox(d->form);
    d->target->setEditable(true);
    d->minPrompt = new QSpinBox(d->form);
    d->maxPrompt = new QSpinBox(d->form);
    for (QSpinBox* s : {d->minPrompt, d->maxPrompt}) {
        s->setRange(0, 2'000'000);
        s->setSingleStep(100);
        s->setSpecialValueText(tr("any"));
        s->setSuffix(tr(" tokens"));
    }
    auto* prompt = new QHBoxLayout;
    prompt->addWidget(new QLabel(tr("at least"), d->form));
    prompt->addWidget(d->minPrompt);
    prompt->addWidget(new QLabel(tr("below"), d->form));
    prompt->addWidget(d->maxPrompt);
    d->models = new QLineEdit(d->form);
    d->models->setPlaceholderText(tr("any model (comma-separated, e.g. gpt-4o, gpt-4o-mini)"));
    d->tags = new QLineEdit(d->form);
    d->tags->setPlaceholderText(tr("any tag (deployment, connection id or route class)"));
    d->timeOn = new QCheckBox(tr("only between"), d->form);
    d->from = new QTimeEdit(d->form);
    d->to = new QTimeEdit(d->form);
    d->from->setDisplayFormat(QStringLiteral("HH:mm"));
    d->to->setDisplayFormat(QStringLiteral("HH:mm"));
    auto* time = new QHBoxLayout;
    time->addWidget(d->timeOn);
    time->addWidget(d->from);
    time->addWidget(new QLabel(tr("and"), d->form));
    time->addWidget(d->to);
    time->addWidget(new QLabel(tr("UTC"), d->form));
    time->addStretch(1);
    d->utilTarget = new QComboBox(d->form);
    d->utilTarget->setEditable(true);
    d->utilAbove = new QDoubleSpinBox(d->form);
    d->healthTarget = new QComboBox(d->form);
    d->healthTarget->setEditable(true);
    d->errorAbove = new QDoubleSpinBox(d->form);
    for (QDoubleSpinBox* s : {d->utilAbove, d->errorAbove}) {
        s->setRange(-1, 1000);
        s->setDecimals(1);
        s->setSuffix(tr(" %"));
        s->setSpecialValueText(tr("off"));
        s->setValue(-1);
    }
    auto* util = new QHBoxLayout;
    util->addWidget(d->utilTarget, 1);
    util->addWidget(new QLabel(tr("above"), d->form));
    util->addWidget(d->utilAbove);
    auto* health = new QHBoxLayout;
    health->addWidget(d->healthTarget, 1);
    health->addWidget(new QLabel(tr("above"), d->form));
    health->addWidget(d->errorAbove);
    form->addRow(tr("Rule n&ame:"), d->name);
    form->addRow(tr("&Send to:"), d->target);
    form->addRow(tr("Prompt tokens:"), prompt);
    form->addRow(tr("&Models:"), d->models);
    form->addRow(tr("&Tags:"), d->tags);
    form->addRow(tr("Time of day:"), time);
    form->addRow(tr("PTU utilization of (spill over):"), util);
    form->addRow(tr("429/5xx rate of (fall back):"), health);

    auto* fallbackRow = new QFormLayout;
    fallbackRow->addRow(tr("When no rule matches, send to:"), d->fallback);

    d->issues = new QLabel(this);
    d->issues->setWordWrap(true);
    d->issues->setTextFormat(Qt::RichText);
    d->issues->setAccessibleName(tr("Policy problems"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(d->table, 1);
    layout->addLayout(buttons);
    layout->addWidget(d->form);
    layout->addLayout(fallbackRow);
    layout->addWidget(d->issues);

    connect(add, &QPushButton::clicked, this, [this] {
        RoutingRule r;
        r.name = tr("New rule");
        r.target = RoutingPolicy::kOrigin;
        selectRule(d->model->addRule(r));
    });
    connect(d->remove, &QPushButton::clicked, this, [this] {
        const int row = selectedRule();
        d->model->removeRule(row);
        selectRule(std::min(row, d->model->fallbackRow() - 1));
    });
    connect(d->up, &QPushButton::clicked, this, [this] {
        const int row = selectedRule();
        d->model->moveRule(row, row - 1);
        selectRule(row - 1);
    });
    connect(d->down, &QPushButton::clicked, this, [this] {
        const int row = selectedRule();
        d->model->moveRule(row, row + 1);
        selectRule(row + 1);
    });
    connect(d->table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { d->loadRule(); });
    auto store = [this] { d->storeRule(); };
    connect(d->name, &QLineEdit::editingFinished, this, store);
    connect(d->models, &QLineEdit::editingFinished, this, store);
    connect(d->tags, &QLineEdit::editingFinished, this, store);
    connect(d->target, &QComboBox::currentTextChanged, this, store);
    connect(d->utilTarget, &QComboBox::currentTextChanged, this, store);
    connect(d->healthTarget, &QComboBox::currentTextChanged, this, store);
    connect(d->minPrompt, &QSpinBox::valueChanged, this, store);
    connect(d->maxPrompt, &QSpinBox::valueChanged, this, store);
    connect(d->utilAbove, &QDoubleSpinBox::valueChanged, this, store);
    connect(d->errorAbove, &QDoubleSpinBox::valueChanged, this, store);
    connect(d->from, &QTimeEdit::timeChanged, this, store);
    connect(d->to, &QTimeEdit::timeChanged, this, store);
    connect(d->timeOn, &QCheckBox::toggled, this, [this, store](bool on) {
        d->from->setEnabled(on);
        d->to->setEnabled(on);
        store();
    });
    connect(d->fallback, &QComboBox::currentTextChanged, this, [this](const QString& t) {
        if (!d->loading)
            d->model->setFallbackTarget(t.trimmed());
    });
    connect(d->policyName, &QLineEdit::editingFinished, this,
            [this] { d->model->setPolicyName(d->policyName->text().trimmed()); });
    connect(d->model, &RoutingRulesModel::policyChanged, this, [this] {
        d->updateIssues();
        emit policyChanged();
    });
    watchTheme(this, [this] { d->updateIssues(); }); // its words are coloured
    d->loadRule();
}

PolicyEditor::~PolicyEditor() = default;

void PolicyEditor::setPolicy(const RoutingPolicy& policy)
{
    d->loading = true;
    d->policyName->setText(policy.name);
    d->fallback->setCurrentText(policy.fallbackTarget);
    d->loading = false;
    d->model->setPolicy(policy);
    selectRule(policy.rules.isEmpty() ? -1 : 0);
}

RoutingPolicy PolicyEditor::policy() const
{
    return d->model->policy();
}

void PolicyEditor::setKnownTargets(const QStringList& targets)
{
    d->loading = true;
    QStringList all{RoutingPolicy::kOrigin};
    all += targets;
    Private::fillTargets(d->target, all, false);
    Private::fillTargets(d->fallback, all, false);
    Private::fillTargets(d->utilTarget, targets, true);
    Private::fillTargets(d->healthTarget, targets, true);
    d->loading = false;
    d->model->setKnownTargets(targets);
    d->loadRule();
    d->updateIssues();
    emit policyChanged(); // its problems changed
}

RoutingRulesModel* PolicyEditor::model() const
{
    return d->model;
}

QTableView* PolicyEditor::table() const
{
    return d->table;
}

void PolicyEditor::selectRule(int row)
{
    if (row >= 0 && row < d->model->rowCount())
        d->table->selectRow(row);
    else
        d->table->clearSelection();
    d->loadRule();
}

int PolicyEditor::selectedRule() const
{
    const QModelIndex current = d->table->selectionModel()->currentIndex();
    return current.isValid() ? current.row() : -1;
}

QStringList PolicyEditor::issueTexts() const
{
    QStringList out;
    for (const PolicyIssue& i : d->model->issues())
        out << (i.ruleIndex >= 0 ? tr("Rule %1: %2").arg(i.ruleIndex + 1).arg(i.message)
                                 : i.message);
    return out;
}

} // namespace isc
