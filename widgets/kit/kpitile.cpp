#include "kpitile.h"

#include "itemmodels/kpimodel.h"
#include "theme/theme.h"

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
    watchTheme(this, [this] { updateStyle(); });
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
    // The application's palette: this tile's own is overridden by its style sheet.
    ThemeColor accent = ThemeColor::TileInfo;
    if (m_status == Status::Warning)
        accent = ThemeColor::TileWarning;
    else if (m_status == Status::Critical)
        accent = ThemeColor::TileCritical;
    else if (m_status == Status::NoData)
        accent = ThemeColor::TileIdle;
    const ThemeColor trend = m_sentiment > 0   ? ThemeColor::Good
                             : m_sentiment < 0 ? ThemeColor::ErrorText
                                               : ThemeColor::MutedText;
    setStyleSheet(QStringLiteral("#KpiTile { background: %1; border: 1px solid %2; "
                                 "border-left: 4px solid %3; border-radius: 4px; }"
                                 "#KpiTitle { color: %4; }"
                                 "#KpiValue { color: %5; }"
                                 "#KpiTrend { color: %6; }")
                      .arg(themeCss(ThemeColor::CardBackground), themeCss(ThemeColor::CardBorder),
                           themeCss(accent), themeCss(ThemeColor::MutedText),
                           themeCss(ThemeColor::HeadingText), themeCss(trend)));
}

void KpiTile::updateAccessibility()
{
    setAccessibleName(m_title->text());
    setAccessibleDescription(m_value->text() + (m_trend->text().isEmpty()
                                                    ? QString()
                                                    : QStringLiteral(", ") + m_trend->text()));
}

} // namespace isc
