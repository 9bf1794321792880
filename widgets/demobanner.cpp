#include "demobanner.h"

#include "theme/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace isc {

DemoBanner::DemoBanner(QWidget* parent) : DemoBanner(Kind::Demo, demoText(), parent) {}

DemoBanner::DemoBanner(Kind kind, const QString& text, QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("DemoBanner"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 6, 6);
    layout->setSpacing(10);
    m_icon = new QLabel(this);
    m_text = new QLabel(text, this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = m_text->font();
    f.setBold(true);
    m_text->setFont(f);
    m_close = new QToolButton(this);
    m_close->setText(QStringLiteral("✕"));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Hide this notice"));
    m_close->setAccessibleName(tr("Hide this notice"));
    m_close->setVisible(false);
    connect(m_close, &QToolButton::clicked, this, [this] {
        hide();
        emit dismissed();
    });
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_close);
    setKind(kind); // styles it
    connect(Theme::instance(), &Theme::changed, this, [this] { updateStyle(); });
    setText(text);
}

QString DemoBanner::demoText()
{
    return tr("Demo data: a built-in emulator plays a demo fleet (Azure OpenAI, OpenAI, Anthropic "
              "and local servers). Nothing here is real.");
}

void DemoBanner::setText(const QString& text)
{
    m_text->setText(text);
    setAccessibleName(m_kind == Kind::Demo ? tr("Demo data notice") : tr("Warning"));
    setAccessibleDescription(text);
}

QString DemoBanner::text() const
{
    return m_text->text();
}

void DemoBanner::setKind(Kind kind)
{
    m_kind = kind;
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()
                          ->standardIcon(kind == Kind::Demo ? QStyle::SP_MessageBoxInformation
                                                            : QStyle::SP_MessageBoxWarning)
                          .pixmap(size, size));
    updateStyle();
    setAccessibleName(m_kind == Kind::Demo ? tr("Demo data notice") : tr("Warning"));
}

void DemoBanner::setDismissible(bool dismissible)
{
    m_close->setVisible(dismissible);
}

void DemoBanner::updateStyle()
{
    // Demo: a calm violet no chart series uses; warning: amber.
    const bool demo = m_kind == Kind::Demo;
    setStyleSheet(
        QStringLiteral("#DemoBanner { background: %1; border: 1px solid %2; "
                       "border-radius: 4px; } QLabel { color: %3; }")
            .arg(themeCss(demo ? ThemeColor::DemoBackground : ThemeColor::WarningBackground),
                 themeCss(demo ? ThemeColor::DemoBorder : ThemeColor::WarningBorder),
                 themeCss(demo ? ThemeColor::DemoText : ThemeColor::WarningText)));
}

} // namespace isc
