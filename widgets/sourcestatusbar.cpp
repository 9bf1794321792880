#include "sourcestatusbar.h"

#include "theme/theme.h"

#include <algorithm>

#include <QDateTime>
#include <QHBoxLayout>
#include <QHash>
#include <QIcon>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QProgressBar>
#include <QToolButton>

namespace isc {
namespace {

constexpr int kFailingWidth = 420; // px a failing source's text may take before it is elided

QString clock(qint64 ts)
{
    return QDateTime::fromSecsSinceEpoch(ts).toString(QStringLiteral("HH:mm:ss"));
}

QString nameOf(const SourceHealth& h)
{
    return h.displayName.isEmpty() ? h.source : h.displayName;
}

// "; rate-limited until 14:03:10" while a server's Retry-After holds, else empty.
QString throttleNote(const SourceHealth& h)
{
    if (h.throttledUntil <= QDateTime::currentSecsSinceEpoch() ||
        h.lastError.contains(QLatin1String("rate-limited until")))
        return {}; // not held, or the error already says until when
    return QStringLiteral("; rate-limited until %1").arg(clock(h.throttledUntil));
}

QString describeState(const SourceHealth& h)
{
    QString text = nameOf(h);
    switch (h.state) {
    case SourceHealth::State::Idle:
        return text + QStringLiteral(": idle");
    case SourceHealth::State::Connecting:
        return text + QStringLiteral(": connecting…");
    case SourceHealth::State::Backfilling:
        return text + QStringLiteral(": backfilling history");
    case SourceHealth::State::Polling:
        text += h.lastSuccess > 0 ? QStringLiteral(": polled %1").arg(clock(h.lastSuccess))
                                  : QStringLiteral(": polling");
        if (h.nextPoll > 0)
            text += QStringLiteral(", next %1").arg(clock(h.nextPoll));
        if (!h.lastError.isEmpty()) // polling, but some metrics fail: "1 of 11 metrics failing: …"
            text += QStringLiteral("; ") + h.lastError;
        return text;
    case SourceHealth::State::Failing:
        return text + QStringLiteral(": %1").arg(h.lastError.isEmpty() ? QStringLiteral("failing")
                                                                       : h.lastError);
    case SourceHealth::State::Standby:
        text += h.collectedBy.isEmpty()
                    ? QStringLiteral(": standing by for the collector writing it")
                    : QStringLiteral(": collected by %1").arg(h.collectedBy);
        text += h.collectorLastPoll > 0
                    ? QStringLiteral(", last poll %1").arg(clock(h.collectorLastPoll))
                    : QStringLiteral(", no poll yet");
        return text;
    }
    return text;
}

QString describe(const SourceHealth& h)
{
    return describeState(h) + throttleNote(h);
}

QColor dotColour(SourceHealth::State s)
{
    switch (s) {
    case SourceHealth::State::Polling:
        return themeColor(ThemeColor::Good);
    case SourceHealth::State::Failing:
        return themeColor(ThemeColor::ErrorText);
    default:
        return themeColor(ThemeColor::Idle);
    }
}

QIcon dot(const QColor& colour)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(1, 1, 10, 10));
    return QIcon(pixmap);
}

} // namespace

SourceStatusBar::SourceStatusBar(QWidget* parent)
    : QWidget(parent), m_summary(new QToolButton(this)), m_menu(new QMenu(this)),
      m_progress(new QProgressBar(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(12);
    m_summary->setAutoRaise(true);
    m_summary->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_summary->setPopupMode(QToolButton::InstantPopup);
    m_summary->setMenu(m_menu);
    m_summary->setAccessibleName(tr("Sources"));
    // The popup arrow would suggest a drop-down field; the button reads as a status line.
    m_summary->setStyleSheet(QStringLiteral("QToolButton::menu-indicator { image: none; }"));
    m_summary->hide();
    layout->addWidget(m_summary);
    layout->addStretch(1);
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    m_progress->setAccessibleName(tr("History backfill progress"));
    m_progress->hide();
    layout->addWidget(m_progress);
    watchTheme(this, [this] { updateView(); }); // the dots take the theme's colours
}

void SourceStatusBar::setHealth(const SourceHealth& health)
{
    if (!m_health.contains(health.source))
        m_order << health.source;
    m_health.insert(health.source, health);
    updateView();
}

void SourceStatusBar::clear()
{
    qDeleteAll(m_failing);
    m_failing.clear();
    m_health.clear();
    m_order.clear();
    updateView();
}

void SourceStatusBar::updateView()
{
    int ok = 0, starting = 0, backfilling = 0, idle = 0, failing = 0, warned = 0;
    struct Collected
    {
        int sources = 0;
        qint64 lastPoll = 0;
    };
    QHash<QString, Collected> collected; // by the collector writing them ("" = not named)
    QStringList collectors;              // in the order first seen
    m_menu->clear();
    QString tip;
    for (const QString& id : std::as_const(m_order)) {
        const SourceHealth h = m_health.value(id);
        switch (h.state) {
        case SourceHealth::State::Polling:
            ++ok;
            break;
        case SourceHealth::State::Standby: { // another collector keeps it current
            Collected& c = collected[h.collectedBy];
            if (c.sources == 0)
                collectors << h.collectedBy;
            ++c.sources;
            c.lastPoll = std::max(c.lastPoll, h.collectorLastPoll);
            break;
        }
        case SourceHealth::State::Connecting:
            ++starting;
            break;
        case SourceHealth::State::Backfilling:
            ++backfilling;
            break;
        case SourceHealth::State::Idle:
            ++idle;
            break;
        case SourceHealth::State::Failing:
            ++failing;
            break;
        }
        const QString text = describe(h);
        const QColor colour = dotColour(h.state);
        QString line = QStringLiteral("<span style='color:%1'>&#9679;</span> %2")
                           .arg(colour.name(), text.toHtmlEscaped());
        QAction* action = m_menu->addAction(dot(colour), text);
        if (!h.warning.isEmpty()) {
            ++warned;
            line += QStringLiteral("<br>&nbsp;&nbsp;&nbsp;%1")
                        .arg(tr("Warning: %1").arg(h.warning).toHtmlEscaped());
            action->setToolTip(h.warning);
        }
        tip += (tip.isEmpty() ? QString() : QStringLiteral("<br>")) + line;

        // Failing sources stay spelled out in the bar itself, not only behind the summary.
        QLabel* label = m_failing.value(id);
        if (h.state != SourceHealth::State::Failing) {
            if (label) {
                m_failing.remove(id);
                delete label;
            }
            continue;
        }
        if (!label) {
            label = new QLabel(this);
            label->setTextFormat(Qt::RichText);
            static_cast<QHBoxLayout*>(layout())->insertWidget(1 + int(m_failing.size()), label);
            m_failing.insert(id, label);
            label->show(); // now, not on the next event loop turn
        }
        const QString shown = label->fontMetrics().elidedText(text, Qt::ElideRight, kFailingWidth);
        label->setText(QStringLiteral("<span style='color:%1'>&#9679;</span> %2")
                           .arg(colour.name(), shown.toHtmlEscaped()));
        label->setToolTip(h.lastError.isEmpty()
                              ? text
                              : tr("%1 is failing. Last error: %2").arg(nameOf(h), h.lastError));
        label->setAccessibleName(text);
    }

    const int total = int(m_order.size());
    m_summary->setVisible(total > 0);
    if (total == 0)
        return;
    QStringList parts;
    if (ok > 0)
        parts << tr("%1 OK").arg(ok);
    if (backfilling > 0)
        parts << tr("%1 backfilling").arg(backfilling);
    if (starting > 0)
        parts << tr("%1 connecting").arg(starting);
    if (idle > 0)
        parts << tr("%1 idle").arg(idle);
    if (failing > 0)
        parts << tr("%1 failing").arg(failing);
    if (warned > 0)
        parts << tr("%n with a warning", "", warned);
    QString states = parts.join(QStringLiteral(", "));
    // A viewer's sources: who collects them and when that collector's last poll landed.
    for (const QString& by : std::as_const(collectors)) {
        const Collected& c = collected.value(by);
        QString text = c.sources == total ? QString() : QStringLiteral("%1 ").arg(c.sources);
        text += by.isEmpty() ? tr("collected by another collector") : tr("collected by %1").arg(by);
        text += c.lastPoll > 0 ? tr(", last poll %1").arg(clock(c.lastPoll)) : tr(", no poll yet");
        states += (states.isEmpty() ? QString() : QStringLiteral("; ")) + text;
        ok += c.sources; // kept current by that collector
    }
    m_summary->setText(total == 1 ? tr("1 source: %1").arg(states)
                                  : tr("%1 sources: %2").arg(total).arg(states));
    m_summary->setIcon(dot(failing > 0                  ? dotColour(SourceHealth::State::Failing)
                           : ok == total && warned == 0 ? dotColour(SourceHealth::State::Polling)
                                                        : themeColor(ThemeColor::TileWarning)));
    m_summary->setToolTip(tip);
    m_summary->setAccessibleDescription(tr("Click for each source's state."));
}

void SourceStatusBar::setBackfillProgress(int done, int total)
{
    if (total <= 0 || done >= total) {
        m_progress->hide();
        return;
    }
    m_progress->setRange(0, total);
    m_progress->setValue(done);
    m_progress->setFormat(tr("Backfilling history: %p %"));
    m_progress->show();
}

QString SourceStatusBar::entryText(const QString& source) const
{
    const auto it = m_health.find(source);
    return it == m_health.end() ? QString() : describe(*it);
}

QString SourceStatusBar::summaryText() const
{
    return m_summary->isHidden() ? QString() : m_summary->text();
}

QStringList SourceStatusBar::failingTexts() const
{
    QStringList texts;
    for (const QString& id : m_order) {
        if (const QLabel* label = m_failing.value(id))
            texts << label->accessibleName();
    }
    return texts;
}

} // namespace isc
