#include "runhistorypanel.h"

#include "dialogs/rundiffdialog.h"
#include "playground/runrecord.h"
#include "reports/playgroundreport.h"
#include "theme/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace isc {

namespace {

constexpr int kSummaryColumn = 8;

/// Colours a run's answer-or-error cell by the kind kept in its UserRole: an error, or a run
/// stored without its text.
void colourSummary(QTreeWidgetItem* item)
{
    const auto summary = RunHistoryRow::Summary(item->data(kSummaryColumn, Qt::UserRole).toInt());
    if (summary == RunHistoryRow::Summary::Error)
        item->setForeground(kSummaryColumn, themeColor(ThemeColor::ErrorText));
    else if (summary == RunHistoryRow::Summary::Redacted)
        item->setForeground(kSummaryColumn, themeColor(ThemeColor::FaintText));
}

} // namespace

RunHistoryPanel::RunHistoryPanel(QWidget* parent)
    : QWidget(parent), m_search(new QLineEdit), m_targetFilter(new QComboBox),
      m_starredOnly(new QCheckBox), m_history(new QTreeWidget)
{
    m_search->setPlaceholderText(tr("Search prompts, answers, targets, errors"));
    m_search->setClearButtonEnabled(true);
    m_targetFilter->addItem(tr("All targets"), QString());
    m_starredOnly->setText(tr("Starred only"));
    m_history->setColumnCount(9);
    m_history->setHeaderLabels({tr("★"), tr("Time"), tr("Target"), tr("Model"), tr("TTFT"),
                                tr("Total"), tr("Tokens out"), tr("Cost"), tr("Answer or error")});
    m_history->setRootIsDecorated(false);
    m_history->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_history->setAlternatingRowColors(true);
    m_history->setAccessibleName(tr("Run history"));
    m_history->header()->setStretchLastSection(true);
    m_history->setColumnWidth(0, 28);
    m_history->setColumnWidth(1, 130);
    m_history->setColumnWidth(2, 170);
    m_history->setColumnWidth(3, 150);
    for (int c = 4; c <= 7; ++c)
        m_history->setColumnWidth(c, 78);

    m_star = new QPushButton(tr("Star"));
    m_rerun = new QPushButton(tr("Re-run"));
    m_rerun->setToolTip(tr("Load the run's messages and parameters and run it on its target"));
    m_diff = new QPushButton(tr("Diff"));
    m_diff->setToolTip(tr("Compare the answers of two selected runs"));
    m_curl = new QPushButton(tr("Copy as curl"));
    m_curl->setToolTip(tr("The key is read from an environment variable, never written out"));
    m_exportJson = new QPushButton(tr("Export JSON…"));
    m_remove = new QPushButton(tr("Delete"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("<b>History</b>")));
    bar->addWidget(m_search, 2);
    bar->addWidget(m_targetFilter, 1);
    bar->addWidget(m_starredOnly);
    for (QPushButton* b : {m_star, m_rerun, m_diff, m_curl, m_exportJson, m_remove})
        bar->addWidget(b);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 4, 12, 8);
    layout->addLayout(bar);
    layout->addWidget(m_history, 1);

    connect(m_search, &QLineEdit::textChanged, this, &RunHistoryPanel::filterChanged);
    connect(m_targetFilter, &QComboBox::currentIndexChanged, this, &RunHistoryPanel::filterChanged);
    connect(m_starredOnly, &QCheckBox::toggled, this, &RunHistoryPanel::filterChanged);
    connect(m_history, &QTreeWidget::itemSelectionChanged, this, [this] { updateButtons(); });
    connect(m_history, &QTreeWidget::itemDoubleClicked, this, &RunHistoryPanel::rerunRequested);
    connect(m_star, &QPushButton::clicked, this, [this] {
        const QVector<StoredRun> sel = selectedRuns();
        if (!sel.isEmpty())
            emit starRequested(!sel.first().starred);
    });
    connect(m_rerun, &QPushButton::clicked, this, &RunHistoryPanel::rerunRequested);
    connect(m_diff, &QPushButton::clicked, this, [this] { diffSelected(); });
    connect(m_curl, &QPushButton::clicked, this, &RunHistoryPanel::copyCurlRequested);
    connect(m_exportJson, &QPushButton::clicked, this, [this] { exportSelected(); });
    connect(m_remove, &QPushButton::clicked, this, &RunHistoryPanel::removeRequested);
    watchTheme(this, [this] {
        for (int i = 0; i < m_history->topLevelItemCount(); ++i)
            colourSummary(m_history->topLevelItem(i));
    });
    updateButtons();
}

RunFilter RunHistoryPanel::filter() const
{
    RunFilter filter;
    filter.search = m_search->text().trimmed();
    filter.target = m_targetFilter->currentData().toString();
    filter.starredOnly = m_starredOnly->isChecked();
    return filter;
}

void RunHistoryPanel::setTargetNames(const QStringList& names)
{
    const QString current = m_targetFilter->currentData().toString();
    QSignalBlocker block(m_targetFilter);
    m_targetFilter->clear();
    m_targetFilter->addItem(tr("All targets"), QString());
    for (const QString& n : names)
        m_targetFilter->addItem(n, n);
    m_targetFilter->setCurrentIndex(std::max(0, m_targetFilter->findData(current)));
}

void RunHistoryPanel::setRuns(const QVector<StoredRun>& runs)
{
    const QVector<StoredRun> before = selectedRuns();
    m_runs = runs;
    m_history->clear();
    for (const StoredRun& r : runs) {
        const RunHistoryRow row = PlaygroundReport::historyRow(r);
        auto* item = new QTreeWidgetItem(row.columns);
        item->setData(0, Qt::UserRole, row.id);
        item->setData(kSummaryColumn, Qt::UserRole, int(row.summary));
        colourSummary(item);
        item->setToolTip(kSummaryColumn, row.summaryToolTip);
        m_history->addTopLevelItem(item);
        for (const StoredRun& b : before) {
            if (b.id == r.id)
                item->setSelected(true);
        }
    }
    updateButtons();
}

QVector<StoredRun> RunHistoryPanel::selectedRuns() const
{
    QVector<StoredRun> out;
    for (QTreeWidgetItem* item : m_history->selectedItems()) {
        const qint64 id = item->data(0, Qt::UserRole).toLongLong();
        for (const StoredRun& r : m_runs) {
            if (r.id == id)
                out.append(r);
        }
    }
    return out;
}

void RunHistoryPanel::updateButtons()
{
    const RunHistoryActions a = PlaygroundReport::historyActions(selectedRuns());
    m_star->setEnabled(a.star);
    m_star->setText(a.starText);
    m_rerun->setEnabled(a.rerun);
    m_curl->setEnabled(a.copyCurl);
    m_exportJson->setEnabled(a.exportJson);
    m_remove->setEnabled(a.remove);
    m_diff->setEnabled(a.diff);
    m_rerun->setToolTip(a.rerunToolTip);
}

void RunHistoryPanel::diffSelected()
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
    auto* dialog = new RunDiffDialog(title(a), a.output, title(b), b.output, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void RunHistoryPanel::exportSelected()
{
    const QVector<StoredRun> sel = selectedRuns();
    if (sel.size() != 1)
        return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export run"), QStringLiteral("run-%1.json").arg(sel.first().id),
        tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        f.write(QJsonDocument(runToJson(sel.first())).toJson()) < 0) {
        emit statusChanged(tr("Could not write %1: %2").arg(path, f.errorString()), true);
        return;
    }
    emit statusChanged(tr("Exported the run to %1.").arg(path), false);
}

} // namespace isc
