#include "replaypage.h"

#include "core/units.h"
#include "itemmodels/replaycomparisonmodel.h"
#include "itemmodels/routingrulesmodel.h"
#include "kit/pagerange.h"
#include "policyeditor.h"
#include "replaypolicypanel.h"
#include "routestackchart.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"
#include "theme/theme.h"
#include "timerangepicker.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace isc {

namespace {

const QString kWindowJob = QStringLiteral("window");

struct LoadedWindow
{
    std::shared_ptr<const TrafficWindow> window;
    QString error;
};

QFrame* card(QWidget* content, QWidget* parent)
{
    auto* frame = new QFrame(parent);
    frame->setObjectName(QStringLiteral("ReplayCard"));
    watchTheme(frame, [frame] {
        frame->setStyleSheet(
            QStringLiteral("#ReplayCard { background: %1; border: 1px solid "
                           "%2; border-radius: 4px; }")
                .arg(themeCss(ThemeColor::CardBackground), themeCss(ThemeColor::CardBorder)));
    });
    auto* l = new QVBoxLayout(frame);
    l->setContentsMargins(6, 6, 6, 6);
    l->addWidget(content);
    return frame;
}

/// Bold route headings; the change column green when better, red when worse.
class ComparisonDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(ReplayComparisonModel::SectionRole).toBool()) {
            option->font.setBold(true);
            option->backgroundBrush = themeColor(ThemeColor::PageBackground, option->palette);
        }
        if (index.column() == ReplayComparisonModel::Change) {
            const int s = index.data(ReplayComparisonModel::SentimentRole).toInt();
            if (s != 0)
                option->palette.setColor(
                    QPalette::Text,
                    themeColor(s > 0 ? ThemeColor::Good : ThemeColor::Bad, option->palette));
        }
    }
};

QString rangeText(TimeRange r)
{
    return ReplayPage::tr("Replays %1, minute by minute").arg(rangeLabelText(r));
}

} // namespace

struct ReplayPage::Private
{
    ReplayPage* q = nullptr;
    QPointer<SampleStore> store;
    Workspace workspace;
    QString path;
    ReplayPricing pricing;
    PtuSizingLookup sizing;
    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    ReplayPolicyPanel* policy = nullptr;
    PolicyEditor* editor = nullptr; ///< the panel's
    QPushButton* run = nullptr;
    QPushButton* cancel = nullptr;
    QProgressBar* progress = nullptr;
    QLabel* status = nullptr;
    QLabel* note = nullptr;
    QLabel* caps = nullptr; ///< what each local server's cap did, one line each
    RouteStackChart* recorded = nullptr;
    RouteStackChart* replayed = nullptr;
    ReplayComparisonModel* comparison = nullptr;
    QFutureWatcher<ReplayResult>* watcher = nullptr;
    std::shared_ptr<const TrafficWindow> window;
    TimeRange windowRange;
    ReplayResult result;
    bool running = false;
    bool loaded = false;
    StoreJobs jobs; ///< last: cancelled first when the page goes

    void setRunning(bool on)
    {
        running = on;
        run->setEnabled(!on);
        cancel->setEnabled(on);
        progress->setVisible(on);
    }

    void setStatus(const QString& text) { status->setText(text); }

    void finishWithoutResult(const QString& text)
    {
        setRunning(false);
        setStatus(text);
        emit q->loaded();
    }

    /// The editor's known targets before the first replay: every deployment with traffic in the
    /// last day and every deployment of the inventory, so a valid policy is not flagged.
    void loadKnownTargets()
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch() / 60 * 60;
        const TimeRange range{now - 86400, now};
        jobs.run(
            store, QStringLiteral("knownTargets"),
            [range, conns = workspace.connections](StoreBackend& db, const JobToken& token) {
                TrafficWindow w;
                QString error;
                QStringList names;
                if (TrafficWindow::load(db, range, conns, &w, &error, token))
                    names = w.targetNames();
                for (const Deployment& d : db.deployments(QString())) {
                    names << d.source + QLatin1Char('/') + d.name;
                    if (!names.contains(d.name))
                        names << d.name;
                }
                names.removeDuplicates();
                return names;
            },
            [this](const QStringList& names) {
                if (!window) // a replay's window knows better
                    editor->setKnownTargets(names);
            });
    }

    bool start()
    {
        jobs.cancel(kWindowJob); // a window still loading for an older start is dropped
        if (watcher->isRunning())
            watcher->cancel();
        loaded = false;
        setRunning(true);
        progress->setRange(0, 0); // busy while reading
        const TimeRange range = picker->range();
        if (window && windowRange == range) {
            replay();
            return true;
        }
        setStatus(ReplayPage::tr("Reading the range from the history…"));
        if (!store) {
            finishWithoutResult(ReplayPage::tr("No history database is open."));
            return false;
        }
        jobs.run(
            store, kWindowJob,
            [range, conns = workspace.connections](StoreBackend& db, const JobToken& token) {
                LoadedWindow out;
                auto w = std::make_shared<TrafficWindow>();
                if (TrafficWindow::load(db, range, conns, w.get(), &out.error, token))
                    out.window = std::move(w);
                return out;
            },
            [this, range](const LoadedWindow& r) {
                if (!r.window) {
                    finishWithoutResult(r.error);
                    return;
                }
                window = r.window;
                windowRange = range;
                editor->setKnownTargets(window->targetNames());
                replay();
            });
        return true;
    }

    void replay()
    {
        if (window->deployments.isEmpty()) {
            finishWithoutResult(ReplayPage::tr("No deployments with traffic in this range: pick "
                                               "a range the collector has recorded."));
            return;
        }
        if (editor->model()->hasBlockingIssue()) {
            finishWithoutResult(ReplayPage::tr("Fix the policy's problems (listed under the "
                                               "rules) to replay it."));
            return;
        }
        ReplayOptions options;
        options.policy = editor->policy();
        options.pricing = pricing;
        options.sizing = sizing;
        progress->setRange(0, 1000);
        progress->setValue(0);
        setStatus(ReplayPage::tr("Replaying %1 minutes of %2 deployments…")
                      .arg(window->minutes())
                      .arg(window->deployments.size()));
        watcher->setFuture(ReplayEngine::start(window, options));
    }

    void show(const ReplayResult& r)
    {
        result = r;
        loaded = true;
        setRunning(false);
        comparison->setResult(r);
        const QString unit = ReplayPage::tr("requests/min");
        recorded->setData(r.actual.range, r.actual.requestsPerMinute, r.actual.spilloverPerMinute,
                          unit, ReplayPage::tr("Spillover"));
        replayed->setData(r.replayed.range, r.replayed.requestsPerMinute,
                          r.replayed.spilloverPerMinute, unit, ReplayPage::tr("Spillover"));
        const double max = std::max(recorded->dataMaximum(), replayed->dataMaximum());
        recorded->setFixedMaximum(max);
        replayed->setFixedMaximum(max);
        const Money delta = r.replayed.total.cost - r.actual.total.cost;
        setStatus(ReplayPage::tr("“%1”: %2 instead of %3 (%4%5).")
                      .arg(r.replayed.policyName.isEmpty() ? ReplayPage::tr("unnamed policy")
                                                           : r.replayed.policyName,
                           r.replayed.total.cost.format(2), r.actual.total.cost.format(2),
                           delta.micros > 0 ? QStringLiteral("+") : QString(), delta.format(2)));
        QString text = ReplayPage::tr("Prices: %1").arg(r.actual.pricingNote);
        if (!r.actual.baseline.isEmpty())
            text +=
                ReplayPage::tr(" Cost avoided is against the baseline: %1").arg(r.actual.baseline);
        text += ReplayPage::tr(" Projected 429s use each PTU deployment's reserved capacity; a "
                               "local server takes at most its busiest recorded minute's tokens, "
                               "the rest goes to the policy's next rule; latencies are the "
                               "observed ones of the deployment that serves.");
        note->setText(text);
        QStringList capLines;
        for (const LocalCap& c : r.replayed.localCaps)
            capLines << c.describe() + QLatin1Char('.');
        caps->setText(capLines.join(QLatin1Char('\n')));
        caps->setVisible(!capLines.isEmpty());
        emit q->loaded();
    }
};

ReplayPage::ReplayPage(SampleStore* store, Workspace workspace, QString workspacePath,
                       ReplayPricing pricing, PtuSizingLookup sizing, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    d->workspace = std::move(workspace);
    d->path = std::move(workspacePath);
    d->pricing = std::move(pricing);
    d->sizing = std::move(sizing);
    setObjectName(QStringLiteral("ReplayPage"));
    setAccessibleName(tr("What-if replay"));
    setPageBackground(this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);
    auto* header = new QHBoxLayout;
    auto* titleBox = new QVBoxLayout;
    titleBox->setSpacing(0);
    auto* title = new QLabel(tr("What-if replay"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    d->rangeLabel = new QLabel(this);
    watchTheme(d->rangeLabel, [label = d->rangeLabel] {
        label->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::MutedText)));
    });
    titleBox->addWidget(title);
    titleBox->addWidget(d->rangeLabel);
    header->addLayout(titleBox);
    header->addStretch(1);
    d->picker = new TimeRangePicker(this);
    header->addWidget(d->picker);
    layout->addLayout(header);

    // Left: the policy. Right: run controls, charts, table.
    auto* split = new QSplitter(Qt::Horizontal, this);
    d->policy = new ReplayPolicyPanel(store, split);
    d->editor = d->policy->editor();
    d->policy->setWorkspacePolicy(d->workspace.routingPolicy);

    auto* right = new QWidget(split);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QHBoxLayout;
    d->run = new QPushButton(tr("&Replay range"), right);
    d->run->setDefault(true);
    d->cancel = new QPushButton(tr("&Cancel"), right);
    d->cancel->setEnabled(false);
    d->progress = new QProgressBar(right);
    d->progress->setRange(0, 1000);
    d->progress->setTextVisible(false);
    d->progress->setMaximumWidth(220);
    d->progress->setVisible(false);
    d->status = new QLabel(tr("Pick a range and press Replay."), right);
    d->status->setWordWrap(true);
    controls->addWidget(d->run);
    controls->addWidget(d->cancel);
    controls->addWidget(d->progress);
    controls->addWidget(d->status, 1);
    rightLayout->addLayout(controls);
    auto* charts = new QHBoxLayout;
    d->recorded = new RouteStackChart(right);
    d->recorded->setTitle(tr("Recorded: requests per route"));
    d->replayed = new RouteStackChart(right);
    d->replayed->setTitle(tr("Replayed: requests per route"));
    d->recorded->clear(tr("Not replayed yet"));
    d->replayed->clear(tr("Not replayed yet"));
    charts->addWidget(card(d->recorded, right), 1);
    charts->addWidget(card(d->replayed, right), 1);
    rightLayout->addLayout(charts, 2);
    d->caps = new QLabel(right);
    d->caps->setWordWrap(true);
    d->caps->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->caps->setAccessibleName(tr("Local servers capped at their peak"));
    d->caps->setVisible(false);
    rightLayout->addWidget(d->caps);
    d->comparison = new ReplayComparisonModel(this);
    auto* table = new QTableView(right);
    table->setModel(d->comparison);
    table->setItemDelegate(new ComparisonDelegate(table));
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table->horizontalHeader()->setSectionResizeMode(ReplayComparisonModel::Metric,
                                                    QHeaderView::ResizeToContents);
    table->setAccessibleName(tr("Recorded and replayed figures"));
    rightLayout->addWidget(table, 3);
    d->note = new QLabel(right);
    d->note->setWordWrap(true);
    watchTheme(d->note, [note = d->note] {
        note->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::MutedText)));
    });
    rightLayout->addWidget(d->note);
    split->addWidget(d->policy);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    d->watcher = new QFutureWatcher<ReplayResult>(this);
    connect(d->watcher, &QFutureWatcher<ReplayResult>::progressValueChanged, d->progress,
            &QProgressBar::setValue);
    connect(d->watcher, &QFutureWatcher<ReplayResult>::finished, this, [this] {
        if (d->watcher->isCanceled() || d->watcher->future().resultCount() == 0)
            return; // cancelReplay() already said so
        d->show(d->watcher->result());
    });
    connect(d->run, &QPushButton::clicked, this, [this] { runReplay(); });
    connect(d->cancel, &QPushButton::clicked, this, [this] { cancelReplay(); });
    connect(d->policy, &ReplayPolicyPanel::statusChanged, this,
            [this](const QString& text) { d->setStatus(text); });
    connect(d->policy, &ReplayPolicyPanel::exportRequested, this, [this] {
        QString target = d->path;
        if (target.isEmpty() || d->workspace.demo) {
            target = QFileDialog::getSaveFileName(this, tr("Save Workspace As"),
                                                  QStringLiteral("workspace.json"),
                                                  tr("Inferscope workspaces (*.json)"));
            if (target.isEmpty())
                return;
        }
        QString error;
        if (!savePolicy(target, &error))
            d->setStatus(error);
    });
    connect(d->picker, &TimeRangePicker::rangeChanged, this,
            [this](TimeRange r) { d->rangeLabel->setText(rangeText(r)); });
    d->rangeLabel->setText(rangeText(d->picker->range()));
    d->policy->load(); // the workspace's is shown until the user's saved one is read
    d->loadKnownTargets();
}

ReplayPage::~ReplayPage()
{
    // Store reads need no wait (d->jobs cancels them). This one is the replay's CPU work on the
    // pool, over its own copy of the window: stop it rather than leave it running unseen.
    if (d->watcher->isRunning()) {
        d->watcher->cancel();
        d->watcher->waitForFinished();
    }
}

void ReplayPage::setWorkspace(const Workspace& workspace, const QString& path,
                              const ReplayPricing& pricing, PtuSizingLookup sizing)
{
    d->workspace = workspace;
    d->path = path;
    d->pricing = pricing;
    d->sizing = std::move(sizing);
    d->policy->setWorkspacePolicy(workspace.routingPolicy);
    d->window.reset(); // kinds and route classes may have changed
    d->loadKnownTargets();
}

void ReplayPage::setTimeRange(TimeRange range)
{
    d->picker->setCustomRange(range);
}

TimeRange ReplayPage::timeRange() const
{
    return d->picker->range();
}

bool ReplayPage::runReplay()
{
    return d->start();
}

void ReplayPage::cancelReplay()
{
    if (!d->running)
        return;
    d->jobs.cancel(kWindowJob); // a window still loading is dropped too
    d->watcher->cancel();
    d->setRunning(false);
    d->setStatus(tr("Replay cancelled."));
    emit cancelled();
}

bool ReplayPage::isRunning() const
{
    return d->running;
}

bool ReplayPage::isLoaded() const
{
    return d->loaded;
}

const ReplayResult& ReplayPage::result() const
{
    return d->result;
}

QString ReplayPage::statusText() const
{
    return d->status->text();
}

QString ReplayPage::localCapText() const
{
    return d->caps->text();
}

bool ReplayPage::savePolicy(const QString& path, QString* error)
{
    const QString target = path.isEmpty() ? d->path : path;
    if (target.isEmpty()) {
        *error = tr("Choose a file to save the workspace to.");
        return false;
    }
    Workspace out = d->workspace;
    out.routingPolicy = d->editor->policy().toJsonObject();
    if (out.demo && target != d->path) {
        // A saved copy of the demo is the user's own workspace, as on the Connections page.
        out.demo = false;
        out.name = tr("My workspace");
    }
    if (!out.save(target, error))
        return false;
    d->workspace = out;
    d->path = target;
    d->policy->setWorkspacePolicy(out.routingPolicy);
    d->setStatus(tr("Policy exported to %1.").arg(target));
    emit workspaceSaved(out, target);
    return true;
}

bool ReplayPage::savePolicyForUser()
{
    return d->policy->saveForUser();
}

QString ReplayPage::policyLocationText() const
{
    return d->policy->locationText();
}

PolicyDocument* ReplayPage::policyDocument() const
{
    return d->policy->document();
}

QPushButton* ReplayPage::saveButton() const
{
    return d->policy->saveButton();
}

QPushButton* ReplayPage::exportButton() const
{
    return d->policy->exportButton();
}

QPushButton* ReplayPage::revertButton() const
{
    return d->policy->revertButton();
}

PolicyEditor* ReplayPage::policyEditor() const
{
    return d->editor;
}

ReplayComparisonModel* ReplayPage::comparisonModel() const
{
    return d->comparison;
}

QProgressBar* ReplayPage::progressBar() const
{
    return d->progress;
}

QPushButton* ReplayPage::runButton() const
{
    return d->run;
}

QPushButton* ReplayPage::cancelButton() const
{
    return d->cancel;
}

TimeRangePicker* ReplayPage::rangePicker() const
{
    return d->picker;
}

RouteStackChart* ReplayPage::recordedChart() const
{
    return d->recorded;
}

RouteStackChart* ReplayPage::replayedChart() const
{
    return d->replayed;
}

void ReplayPage::refresh()
{
    d->window.reset();
    runReplay();
}

} // namespace isc
