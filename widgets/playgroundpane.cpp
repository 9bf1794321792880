#include "playgroundpane.h"

#include "core/units.h"

#include "core/refreshthrottle.h"
#include "playground/chatclient.h"
#include "theme/theme.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace isc {

namespace {

QString count(qint64 n)
{
    return n < 0 ? QStringLiteral("–") : QLocale::c().toString(n);
}

} // namespace

struct PlaygroundPane::Private
{
    PlaygroundPane* q = nullptr;
    ChatClient* client = nullptr;
    QComboBox* picker = new QComboBox;
    QLineEdit* model = new QLineEdit;
    QToolButton* cancel = new QToolButton;
    QToolButton* close = new QToolButton;
    QLabel* note = new QLabel;
    QPlainTextEdit* output = new QPlainTextEdit;
    QLabel* metrics = new QLabel;
    QString metricsHelp; ///< the metrics' tooltip before a run adds its recorded headers
    QLabel* error = new QLabel;
    RefreshThrottle* flush = nullptr;
    QString pendingText; ///< arrived but not yet shown (the view refreshes at most ~25 Hz)
    QString text;
    RunResult result;
    PlaygroundTarget target;
    ChatRequest request;
    QVector<PlaygroundTarget> targets;
    QString autoReason; ///< why Auto is unavailable; empty when it is

    void showMetrics(const RunResult* r);
    void flushText()
    {
        if (pendingText.isEmpty())
            return;
        QScrollBar* bar = output->verticalScrollBar();
        const bool atEnd = bar->value() >= bar->maximum() - 4;
        output->moveCursor(QTextCursor::End);
        output->insertPlainText(pendingText);
        pendingText.clear();
        if (atEnd)
            bar->setValue(bar->maximum());
    }
};

void PlaygroundPane::Private::showMetrics(const RunResult* r)
{
    if (!r) {
        metrics->setText(QStringLiteral("<span style='color:%1'>Streaming…</span>")
                             .arg(themeCss(ThemeColor::FaintText)));
        metrics->setToolTip(metricsHelp);
        return;
    }
    const RunMetrics& m = r->metrics;
    const RunUsage& u = m.usage;
    const QString grey = QStringLiteral("color:%1").arg(themeCss(ThemeColor::FaintText));
    const auto row = [&](const QString& a, const QString& av, const QString& b, const QString& bv) {
        return QStringLiteral("<tr><td style='%5'>%1</td><td style='padding-right:10px'><b>%2</b>"
                              "</td><td style='%5'>%3</td><td><b>%4</b></td></tr>")
            .arg(a, av, b, bv, grey);
    };
    QString tokens = QStringLiteral("%1 in · %2 cached · %3 out")
                         .arg(count(u.input), count(u.input < 0 ? -1 : u.cached), count(u.output));
    if (u.reasoning > 0)
        tokens += QStringLiteral(" (%1 reasoning)").arg(count(u.reasoning));
    if (u.estimated)
        tokens += QStringLiteral(" <span style='color:%1'>(estimated)</span>")
                      .arg(themeCss(ThemeColor::Caution));
    const QString cost = m.cost ? m.cost->format(m.cost->micros < 10000 ? 6 : 4)
                                : QStringLiteral("<span style='%1'>no price</span>").arg(grey);
    QStringList http;
    http << (m.httpStatus ? QStringLiteral("HTTP %1").arg(m.httpStatus)
                          : QStringLiteral("no HTTP status"));
    if (!m.rateLimitRemainingRequests.isEmpty())
        http << QStringLiteral("%1 req left").arg(m.rateLimitRemainingRequests);
    if (!m.rateLimitRemainingTokens.isEmpty())
        http << QStringLiteral("%1 tok left").arg(m.rateLimitRemainingTokens);
    for (const auto& [name, value] : m.providerHeaders) {
        if (name == "azure-openai-deployment-utilization")
            http << QStringLiteral("utilization %1").arg(QString::fromUtf8(value));
    }
    if (m.attempts > 1)
        http << QStringLiteral("%1 attempts").arg(m.attempts);
    QString html = QStringLiteral("<table cellspacing=0 cellpadding=1 width='100%'>");
    html += row(QStringLiteral("TTFT"), formatDurationMs(m.ttftMs), QStringLiteral("TBT"),
                formatDurationMs(m.meanTbtMs));
    html += row(QStringLiteral("Total"), formatDurationMs(m.totalMs), QStringLiteral("Speed"),
                m.outputTokensPerSecond < 0
                    ? QStringLiteral("–")
                    : QStringLiteral("%1 tok/s").arg(m.outputTokensPerSecond, 0, 'f', 1));
    const auto line = [&](const QString& label, const QString& value) {
        return QStringLiteral("<tr><td style='%1'>%2</td><td colspan=3>%3</td></tr>")
            .arg(grey, label, value);
    };
    html += line(QStringLiteral("Tokens"), tokens);
    html += line(QStringLiteral("Cost"), QStringLiteral("<b>%1</b>").arg(cost));
    html += line(QStringLiteral("HTTP"), http.join(QStringLiteral(" · ")).toHtmlEscaped());
    if (!m.region.isEmpty())
        html += line(QStringLiteral("Region"), m.region.toHtmlEscaped());
    if (!m.requestId.isEmpty())
        html += line(QStringLiteral("Request"), m.requestId.toHtmlEscaped());
    html += QStringLiteral("</table>");
    metrics->setText(html);
    const QString recorded = headersToText(m.providerHeaders);
    metrics->setToolTip(recorded.isEmpty() ? metricsHelp
                                           : metricsHelp +
                                                 PlaygroundPane::tr("\n\nResponse headers recorded "
                                                                    "with the run:\n") +
                                                 recorded);
}

PlaygroundPane::PlaygroundPane(HttpClient* http, QWidget* parent)
    : QFrame(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->client = new ChatClient(http, this);
    d->flush = new RefreshThrottle([this] { d->flushText(); }, 40, this);
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("playgroundPane"));
    watchTheme(this, [this] {
        setStyleSheet(
            QStringLiteral("#playgroundPane { background: %1; border: 1px solid %2; "
                           "border-radius: 6px; }")
                .arg(themeCss(ThemeColor::CardBackground), themeCss(ThemeColor::CardBorder)));
        d->note->setStyleSheet(
            QStringLiteral("color:%1; font-size: 11px;").arg(themeCss(ThemeColor::Accent)));
        d->output->setStyleSheet(
            QStringLiteral("background: %1;").arg(themeCss(ThemeColor::InsetBackground)));
        d->error->setStyleSheet(QStringLiteral("color:%1;").arg(themeCss(ThemeColor::ErrorText)));
        // The metrics' words are coloured when they are built: build them again.
        if (!d->metrics->text().isEmpty())
            d->showMetrics(d->client->isRunning() ? nullptr : &d->result);
    });

    d->picker->setAccessibleName(tr("Target"));
    d->picker->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    d->picker->setMinimumContentsLength(12);
    d->model->setPlaceholderText(tr("model (default)"));
    d->model->setAccessibleName(tr("Model"));
    d->model->setToolTip(tr("The model to ask for; empty = the target's default"));
    d->model->setMaximumWidth(96);
    d->cancel->setText(tr("Stop"));
    d->cancel->setToolTip(tr("Cancel this run"));
    d->cancel->setEnabled(false);
    d->close->setText(QStringLiteral("×"));
    d->close->setToolTip(tr("Remove this target"));
    d->close->setAutoRaise(true);
    d->note->setWordWrap(true);
    d->note->hide();
    d->output->setReadOnly(true);
    d->output->setPlaceholderText(tr("The answer streams in here."));
    d->output->setFrameShape(QFrame::NoFrame);
    d->metrics->setTextFormat(Qt::RichText);
    d->metrics->setWordWrap(true);
    d->metricsHelp = tr("TTFT: time to first token. TBT: mean time between tokens. Speed: "
                        "output tokens per second after the first token.");
    d->metrics->setToolTip(d->metricsHelp);
    d->metrics->setStyleSheet(QStringLiteral("font-size: 11px;"));
    d->metrics->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->error->setWordWrap(true);
    d->error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->error->hide();

    auto* top = new QHBoxLayout;
    top->addWidget(d->picker, 1);
    top->addWidget(d->model);
    top->addWidget(d->cancel);
    top->addWidget(d->close);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addLayout(top);
    layout->addWidget(d->note);
    layout->addWidget(d->output, 1);
    layout->addWidget(d->error);
    layout->addWidget(d->metrics);

    connect(d->cancel, &QToolButton::clicked, this, &PlaygroundPane::cancel);
    connect(d->close, &QToolButton::clicked, this, &PlaygroundPane::closeRequested);
    connect(d->client, &ChatClient::delta, this, [this](const QString& t) {
        d->text += t;
        d->pendingText += t;
        d->flush->request();
    });
    connect(d->client, &ChatClient::finished, this, [this](const RunResult& r) {
        d->flushText();
        d->result = r;
        d->cancel->setEnabled(false);
        d->showMetrics(&r);
        if (!r.ok()) {
            d->error->setText(r.errorKind == RunResult::ErrorKind::Cancelled ? tr("Cancelled.")
                                                                             : r.error);
            d->error->show();
        }
        emit finished(r);
    });
}

PlaygroundPane::~PlaygroundPane() = default;

void PlaygroundPane::setTargets(const QVector<PlaygroundTarget>& targets, const QString& autoReason)
{
    const QString current = selectedTarget();
    d->targets = targets;
    d->autoReason = autoReason;
    d->picker->clear();
    d->picker->addItem(tr("Auto (routing policy)"), kAuto);
    if (!autoReason.isEmpty()) {
        // Disabled, with the reason where the user looks for it.
        d->picker->setItemData(0, 0, Qt::UserRole - 1);
        d->picker->setItemData(0, autoReason, Qt::ToolTipRole);
    } else {
        d->picker->setItemData(0,
                               tr("Routes by the workspace's routing policy and shows the rule "
                                  "that matched"),
                               Qt::ToolTipRole);
    }
    for (const PlaygroundTarget& t : targets) {
        d->picker->addItem(t.label, t.id);
        d->picker->setItemData(d->picker->count() - 1, t.chat.chatUrl().toString(),
                               Qt::ToolTipRole);
    }
    if (!selectTarget(current))
        d->picker->setCurrentIndex(targets.isEmpty() ? 0 : 1);
}

bool PlaygroundPane::selectTarget(const QString& id)
{
    const int i = id.isEmpty() ? -1 : d->picker->findData(id);
    if (i < 0 || (id == kAuto && !d->autoReason.isEmpty()))
        return false; // a disabled Auto cannot be chosen, not even remembered
    d->picker->setCurrentIndex(i);
    return true;
}

QString PlaygroundPane::selectedTarget() const
{
    return d->picker->currentData().toString();
}

QString PlaygroundPane::modelOverride() const
{
    return d->model->text().trimmed();
}

void PlaygroundPane::run(const PlaygroundTarget& target, const ChatRequest& request,
                         const ChatClient::PriceLookup& price, const QString& autoNote)
{
    d->client->cancel();
    d->target = target;
    d->request = request;
    d->text.clear();
    d->pendingText.clear();
    d->result = RunResult();
    d->output->clear();
    d->error->hide();
    d->note->setText(autoNote);
    d->note->setVisible(!autoNote.isEmpty());
    d->showMetrics(nullptr);
    d->client->setPriceLookup(price);
    d->cancel->setEnabled(true);
    d->client->run(target.chat, request);
}

void PlaygroundPane::showProblem(const QString& words)
{
    d->output->clear();
    d->text.clear();
    d->metrics->clear();
    d->note->hide();
    d->error->setText(words);
    d->error->show();
}

void PlaygroundPane::cancel()
{
    d->client->cancel();
}

bool PlaygroundPane::isRunning() const
{
    return d->client->isRunning();
}

QString PlaygroundPane::text() const
{
    return d->text;
}

const RunResult& PlaygroundPane::lastResult() const
{
    return d->result;
}

const PlaygroundTarget& PlaygroundPane::lastTarget() const
{
    return d->target;
}

const ChatRequest& PlaygroundPane::lastRequest() const
{
    return d->request;
}

} // namespace isc
