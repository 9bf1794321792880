#include "kpitile.h"

#include "itemmodels/kpimodel.h"

#include <QLabel>
#include <QModelIndex>
#include <QVBoxLayout>

namespace isc {

KpiTile::KpiTile(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("KpiTile"));
    setFrameShape(QFrame::NoFrame);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 9, 12, 9);
    layout->setSpacing(2);

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("KpiTitle"));
    m_value = new QLabel(QStringLiteral("–"), this);
    m_value->setObjectName(QStringLiteral("KpiValue"));
    QFont big = m_value->font();
    big.setPointSizeF(big.pointSizeF() * 1.65);
    big.setBold(true);
    m_value->setFont(big);
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_trend = new QLabel(this);
    m_trend->setObjectName(QStringLiteral("KpiTrend"));
    QFont small = m_trend->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_trend->setFont(small);
    for (QLabel* l : {m_title, m_value, m_trend})
        l->setMinimumWidth(0);

    layout->addWidget(m_title);
    layout->addWidget(m_value);
    layout->addWidget(m_trend);
    updateStyle();
}

void KpiTile::setTitle(const QString& title)
{
    m_title->setText(title);
    updateAccessibility();
}

QString KpiTile::title() const
{
    return m_title->text();
}

void KpiTile::setValueText(const QString& text)
{
    m_value->setText(text);
    updateAccessibility();
}

QString KpiTile::valueText() const
{
    return m_value->text();
}

void KpiTile::setTrend(const QString& text, int sentiment)
{
    m_trend->setText(text);
    m_sentiment = sentiment;
    updateStyle();
    updateAccessibility();
}

QString KpiTile::trendText() const
{
    return m_trend->text();
}

void KpiTile::setDetail(const QString& detail)
{
    setToolTip(detail);
}

void KpiTile::setStatus(Status status)
{
    m_status = status;
    updateStyle();
}

void KpiTile::setFromIndex(const QModelIndex& index)
{
    if (!index.isValid())
        return;
    setTitle(index.data(KpiModel::TitleRole).toString());
    setValueText(index.data(KpiModel::TextRole).toString());
    setDetail(index.data(KpiModel::DetailRole).toString());
    m_sentiment = index.data(KpiModel::TrendSentimentRole).toInt();
    m_trend->setText(index.data(KpiModel::TrendTextRole).toString());
    switch (index.data(KpiModel::StatusRole).value<KpiModel::Status>()) {
    case KpiModel::Status::Normal:
        m_status = Status::Normal;
        break;
    case KpiModel::Status::Warning:
        m_status = Status::Warning;
        break;
    case KpiModel::Status::Critical:
        m_status = Status::Critical;
        break;
    case KpiModel::Status::NoData:
        m_status = Status::NoData;
        break;
    }
    updateStyle();
    updateAccessibility();
}

void KpiTile::setFigure(const KpiFigure& figure)
{
    m_title->setText(figure.title);
    m_value->setText(figure.value);
    m_trend->setText(figure.trend);
    m_sentiment = figure.sentiment;
    setToolTip(figure.detail);
    m_status = Status(int(figure.status)); // the same four, in the same order
    updateStyle();
    updateAccessibility();
}

QSize KpiTile::sizeHint() const
{
    return {220, QFrame::sizeHint().height()};
}

void KpiTile::updateStyle()
{
    const char* accent = "#4E79A7";
    if (m_status == Status::Warning)
        accent = "#E8A33D";
    else if (m_status == Status::Critical)
        accent = "#C62828";
    else if (m_status == Status::NoData)
        accent = "#C8C8C8";
    const char* trend = m_sentiment > 0 ? "#2E7D32" : m_sentiment < 0 ? "#C62828" : "#606060";
    setStyleSheet(QStringLiteral("#KpiTile { background: white; border: 1px solid #dcdfe3; "
                                 "border-left: 4px solid %1; border-radius: 4px; }"
                                 "#KpiTitle { color: #505050; }"
                                 "#KpiValue { color: #202020; }"
                                 "#KpiTrend { color: %2; }")
                      .arg(QLatin1String(accent), QLatin1String(trend)));
}

void KpiTile::updateAccessibility()
{
    setAccessibleName(m_title->text());
    setAccessibleDescription(m_value->text() + (m_trend->text().isEmpty()
                                                    ? QString()
                                                    : QStringLiteral(", ") + m_trend->text()));
}

} // namespace isc
