#include "card.h"

#include "theme.h"

#include <QLabel>
#include <QVBoxLayout>

namespace isc {

Card::Card(QWidget* parent, const QMargins& margins, int spacing) : QFrame(parent)
{
    setObjectName(QStringLiteral("Card"));
    m_body = new QVBoxLayout(this);
    m_body->setContentsMargins(margins);
    if (spacing >= 0)
        m_body->setSpacing(spacing);
    const QPalette& p = palette();
    setStyleSheet(
        QStringLiteral("#Card { background: %1; border: 1px solid %2; "
                       "border-radius: 4px; }")
            .arg(themeCss(ThemeColor::CardBackground, p), themeCss(ThemeColor::CardBorder, p)));
}

QLabel* Card::addHeading(const QString& text, int pixelSize)
{
    auto* l = new QLabel(text, this);
    l->setStyleSheet(
        QStringLiteral("font-weight: 600; %1color: %2;")
            .arg(pixelSize > 0 ? QStringLiteral("font-size: %1px; ").arg(pixelSize) : QString(),
                 themeCss(ThemeColor::HeadingText, palette())));
    m_body->addWidget(l);
    return l;
}

QLabel* Card::addNote()
{
    auto* l = new QLabel(this);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::NoteText, palette())));
    m_body->addWidget(l);
    return l;
}

QLabel* Card::addBanner()
{
    auto* l = new QLabel(this);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    const QPalette& p = palette();
    l->setStyleSheet(QStringLiteral("background: %1; border: 1px solid %2; border-radius: 3px; "
                                    "padding: 4px 8px; color: %3;")
                         .arg(themeCss(ThemeColor::BannerBackground, p),
                              themeCss(ThemeColor::BannerBorder, p),
                              themeCss(ThemeColor::BannerText, p)));
    l->hide();
    m_body->addWidget(l);
    return l;
}

void Card::showBanner(QLabel* banner, const QString& text, bool show)
{
    banner->setText(text.toHtmlEscaped());
    banner->setVisible(show);
}

} // namespace isc
