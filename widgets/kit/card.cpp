#include "card.h"

#include "theme/theme.h"

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
    // The application's palette (what a switch changes): a card's own palette is overridden
    // by its style sheet.
    watchTheme(this, [this] {
        setStyleSheet(
            QStringLiteral("#Card { background: %1; border: 1px solid %2; "
                           "border-radius: 4px; }")
                .arg(themeCss(ThemeColor::CardBackground), themeCss(ThemeColor::CardBorder)));
    });
}

QLabel* Card::addHeading(const QString& text, int pixelSize)
{
    auto* l = new QLabel(text, this);
    const QString size =
        pixelSize > 0 ? QStringLiteral("font-size: %1px; ").arg(pixelSize) : QString();
    watchTheme(l, [l, size] {
        l->setStyleSheet(QStringLiteral("font-weight: 600; %1color: %2;")
                             .arg(size, themeCss(ThemeColor::HeadingText)));
    });
    m_body->addWidget(l);
    return l;
}

QLabel* Card::addNote()
{
    auto* l = new QLabel(this);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    watchTheme(l, [l] {
        l->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::NoteText)));
    });
    m_body->addWidget(l);
    return l;
}

QLabel* Card::addBanner()
{
    auto* l = new QLabel(this);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    watchTheme(l, [l] {
        l->setStyleSheet(QStringLiteral("background: %1; border: 1px solid %2; border-radius: 3px; "
                                        "padding: 4px 8px; color: %3;")
                             .arg(themeCss(ThemeColor::BannerBackground),
                                  themeCss(ThemeColor::BannerBorder),
                                  themeCss(ThemeColor::BannerText)));
    });
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
