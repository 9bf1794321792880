#include "sourcestatusbar.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

namespace isc {
namespace {

QString clock(qint64 ts)
{
    return QDateTime::fromSecsSinceEpoch(ts).toString(QStringLiteral("HH:mm:ss"));
}

QString describe(const SourceHealth& h)
{
    QString text = h.displayName.isEmpty() ? h.source : h.displayName;
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
        return text;
    case SourceHealth::State::Failing:
        return text + QStringLiteral(": %1").arg(h.lastError.isEmpty() ? QStringLiteral("failing")
                                                                       : h.lastError);
    }
    return text;
}

QString dotColour(SourceHealth::State s)
{
    switch (s) {
    case SourceHealth::State::Polling:
        return QStringLiteral("#2e7d32");
    case SourceHealth::State::Failing:
        return QStringLiteral("#c62828");
    default:
        return QStringLiteral("#9e9e9e");
    }
}

} // namespace

SourceStatusBar::SourceStatusBar(QWidget* parent)
    : QWidget(parent), m_progress(new QProgressBar(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addStretch(1);
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    m_progress->setAccessibleName(tr("History backfill progress"));
    m_progress->hide();
    layout->addWidget(m_progress);
}

void SourceStatusBar::setHealth(const SourceHealth& health)
{
    m_health.insert(health.source, health);
    QLabel* label = m_labels.value(health.source);
    if (!label) {
        label = new QLabel(this);
        label->setTextFormat(Qt::RichText);
        auto* box = static_cast<QHBoxLayout*>(layout());
        box->insertWidget(m_labels.size(), label);
        m_labels.insert(health.source, label);
    }
    const QString text = describe(health);
    label->setText(QStringLiteral("<span style='color:%1'>&#9679;</span> %2")
                       .arg(dotColour(health.state), text.toHtmlEscaped()));
    label->setToolTip(
        health.lastError.isEmpty() ? text : QStringLiteral("Last error: %1").arg(health.lastError));
    label->setAccessibleName(text);
}

void SourceStatusBar::clear()
{
    qDeleteAll(m_labels);
    m_labels.clear();
    m_health.clear();
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

} // namespace isc
