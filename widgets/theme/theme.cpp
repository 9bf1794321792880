#include "theme/theme.h"

#include <QApplication>
#include <QEvent>
#include <QStyle>
#include <QStyleFactory>
#include <QTimer>
#include <QWidget>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace isc {

namespace {

/// The design's colour of `role`: {light, dark}. Roles derived from the palette on dark are
/// handled in themeColor before this table is read.
struct Pair
{
    QRgb light, dark;
};

Pair fixedColors(ThemeColor role)
{
    switch (role) {
    case ThemeColor::PageBackground:
        return {0xF3F4F6, 0x17191C};
    case ThemeColor::CardBackground:
        return {0xFFFFFF, 0x23262B};
    case ThemeColor::CardBorder:
        return {0xDCDFE3, 0x3A3F46};
    case ThemeColor::HeadingText:
        return {0x303030, 0xE8EAED};
    case ThemeColor::NoteText:
        return {0x404040, 0xC9CDD2};
    case ThemeColor::MutedText:
        return {0x606060, 0xA0A6AD};
    case ThemeColor::Bad:
        return {0xB03A2E, 0xF28B82};
    case ThemeColor::BannerBackground:
        return {0xFDECEA, 0x4A1C17};
    case ThemeColor::BannerBorder:
        return {0xF1B0A8, 0x8C3B32};
    case ThemeColor::BannerText:
        return {0x7A1E12, 0xF9DEDC};
    case ThemeColor::StatusText:
        return {0x374151, 0xD1D5DB};
    case ThemeColor::ErrorText:
        return {0xB91C1C, 0xF87171};
    case ThemeColor::FaintText:
        return {0x6B7280, 0x9CA3AF};
    case ThemeColor::Accent:
        return {0x1D4ED8, 0x3B82F6};
    case ThemeColor::AccentDisabled:
        return {0x93C5FD, 0x1E3A8A};
    case ThemeColor::OnAccent:
        return {0xFFFFFF, 0xFFFFFF};
    case ThemeColor::SidebarBackground:
        return {0xF3F4F6, 0x1B1E22};
    case ThemeColor::SidebarSelected:
        return {0xDBE4F3, 0x2D3B55};
    case ThemeColor::SidebarSelectedText:
        return {0x0B2A5B, 0xDBE4F3};
    case ThemeColor::DemoBackground:
        return {0xEDE7F6, 0x2E2545};
    case ThemeColor::DemoBorder:
        return {0xB39DDB, 0x6A55A0};
    case ThemeColor::DemoText:
        return {0x311B92, 0xDDD3F7};
    case ThemeColor::WarningBackground:
        return {0xFFF4E0, 0x3A2C12};
    case ThemeColor::WarningBorder:
        return {0xE8A33D, 0x9A6B1F};
    case ThemeColor::WarningText:
        return {0x5D3A00, 0xF5DEB3};
    case ThemeColor::Good:
        return {0x2E7D32, 0x81C995};
    case ThemeColor::Caution:
        return {0xB45309, 0xFBBF24};
    case ThemeColor::Idle:
        return {0x9E9E9E, 0x8A9099};
    case ThemeColor::InsetBackground:
        return {0xF9FAFB, 0x1C1F23};
    case ThemeColor::TileInfo:
        return {0x4E79A7, 0x7BA3D0};
    case ThemeColor::TileWarning:
        return {0xE8A33D, 0xE8A33D};
    case ThemeColor::TileCritical:
        return {0xC62828, 0xEF5350};
    case ThemeColor::TileIdle:
        return {0xC8C8C8, 0x5F6368};
    case ThemeColor::RemovedBackground:
        return {0xFEE2E2, 0x4C1D1D};
    case ThemeColor::RemovedText:
        return {0x991B1B, 0xFCA5A5};
    case ThemeColor::AddedBackground:
        return {0xDCFCE7, 0x163A24};
    case ThemeColor::AddedText:
        return {0x166534, 0x86EFAC};
    case ThemeColor::ChartBackground:
        return {0xFFFFFF, 0x23262B};
    case ThemeColor::ChartText:
        return {0x303030, 0xD5D8DC};
    case ThemeColor::ChartStrongText:
        return {0x202020, 0xF1F3F4};
    case ThemeColor::ChartGrid:
        return {0xE4E4E4, 0x363B42};
    case ThemeColor::ChartAxisLine:
        return {0xB0B0B0, 0x6B7079};
    case ThemeColor::ChartLabelBackground:
        return {0xFFFFFF, 0x23262B};
    case ThemeColor::Threshold:
        return {0xB03A2E, 0xF28B82};
    }
    return {0x000000, 0xFFFFFF};
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x1F2226), text(0xE8EAED), base(0x17191C), button(0x2A2E34);
    const QColor disabledText(0x6B7079), highlight(0x3B82F6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x22262B));
    p.setColor(QPalette::ToolTipBase, QColor(0x2A2E34));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8A9099));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xFF6B6B));
    p.setColor(QPalette::Light, QColor(0x3A3F46));
    p.setColor(QPalette::Midlight, QColor(0x30353B));
    p.setColor(QPalette::Mid, QColor(0x3A3F46));
    p.setColor(QPalette::Dark, QColor(0x111315));
    p.setColor(QPalette::Shadow, QColor(Qt::black));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, QColor(0xFFFFFF));
    p.setColor(QPalette::Link, QColor(0x8AB4F8));
    p.setColor(QPalette::LinkVisited, QColor(0xC58AF9));
    for (const QPalette::ColorRole role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::PlaceholderText})
        p.setColor(QPalette::Disabled, role, disabledText);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x3A3F46));
    return p;
}

// Sequential stops (ColorBrewer YlOrRd-like on light, inferno-like on dark), few to many.
constexpr QRgb kRampLight[] = {0xFFF3B0, 0xFDC45E, 0xF7813E, 0xD94633, 0x8C1D5A};
constexpr QRgb kRampDark[] = {0x3B2A5A, 0x7A2E6A, 0xC33D4F, 0xF07F3C, 0xFBE26A};

} // namespace

QColor themeRamp(double t, const QPalette& palette)
{
    const QRgb* stops = isDarkPalette(palette) ? kRampDark : kRampLight;
    constexpr int n = int(std::size(kRampLight));
    t = std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
    const double pos = t * (n - 1);
    const int i = std::min(int(pos), n - 2);
    const double f = pos - i;
    const QColor a(stops[i]), b(stops[i + 1]);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * f),
                            float(a.greenF() + (b.greenF() - a.greenF()) * f),
                            float(a.blueF() + (b.blueF() - a.blueF()) * f));
}

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor themeColor(ThemeColor role, const QPalette& palette)
{
    const bool dark = isDarkPalette(palette);
    const Pair c = fixedColors(role);
    QColor out(dark ? c.dark : c.light);
    if (role == ThemeColor::ChartLabelBackground)
        out.setAlpha(215);
    return out;
}

QColor themeColor(ThemeColor role)
{
    return themeColor(role, QApplication::palette());
}

QString themeCss(ThemeColor role, const QPalette& palette)
{
    const QColor c = themeColor(role, palette);
    if (c.alpha() == 255)
        return c.name();
    return QStringLiteral("rgba(%1,%2,%3,%4)")
        .arg(c.red())
        .arg(c.green())
        .arg(c.blue())
        .arg(c.alpha());
}

QString themeCss(ThemeColor role)
{
    return themeCss(role, QApplication::palette());
}

void setPageBackground(QWidget* page)
{
    page->setAutoFillBackground(true);
    const auto fill = [page] {
        // Read from the application's palette: the page's own Window role is set here, and Qt
        // hands a new application palette on to the widgets only later (posted events).
        QPalette pal = page->palette();
        pal.setColor(QPalette::Window, themeColor(ThemeColor::PageBackground));
        page->setPalette(pal);
    };
    watchTheme(page, fill);
}

void markCheckedButtons(QWidget* container)
{
    watchTheme(container, [container] {
        container->setStyleSheet(
            QStringLiteral("QToolButton:checked { background: %1; color: %2; border: 1px solid "
                           "%3; border-radius: 3px; padding: 3px 5px; }")
                .arg(themeCss(ThemeColor::SidebarSelected),
                     themeCss(ThemeColor::SidebarSelectedText), themeCss(ThemeColor::Accent)));
    });
}

bool parseThemeMode(const QString& name, ThemeMode* mode)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("system"))
        *mode = ThemeMode::System;
    else if (n == QLatin1String("light"))
        *mode = ThemeMode::Light;
    else if (n == QLatin1String("dark"))
        *mode = ThemeMode::Dark;
    else
        return false;
    return true;
}

QString themeModeName(ThemeMode mode)
{
    switch (mode) {
    case ThemeMode::Light:
        return QStringLiteral("light");
    case ThemeMode::Dark:
        return QStringLiteral("dark");
    case ThemeMode::System:
        break;
    }
    return QStringLiteral("system");
}

QPalette themePalette(ThemeMode mode)
{
    switch (mode) {
    case ThemeMode::Dark:
        return darkPalette();
    case ThemeMode::Light:
        if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion"))) {
            const QPalette p = fusion->standardPalette();
            delete fusion;
            return p;
        }
        return QPalette(QColor(0xEFEFEF));
    case ThemeMode::System:
        break;
    }
    return Theme::instance()->systemPalette();
}

Theme::Theme(QObject* parent) : QObject(parent)
{
    // What the desktop gave Qt, before any mode is forced.
    m_system = QApplication::palette();
    qApp->installEventFilter(this);
}

Theme* Theme::instance()
{
    static Theme* theme = new Theme(qApp);
    return theme;
}

void Theme::apply(ThemeMode mode)
{
    if (mode == m_mode && mode == ThemeMode::System)
        return;
    m_mode = mode;
    m_applying = true;
    // System: an empty palette gives the desktop's back, and Qt follows the desktop again.
    QApplication::setPalette(mode == ThemeMode::System ? QPalette() : themePalette(mode));
    m_applying = false;
    emit changed();
}

bool Theme::eventFilter(QObject* watched, QEvent* event)
{
    // The desktop switched its palette: follow it in System mode (once Qt has handed it on).
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange && !m_applying &&
        m_mode == ThemeMode::System) {
        QTimer::singleShot(0, this, [this] {
            m_system = QApplication::palette();
            emit changed();
        });
    }
    return QObject::eventFilter(watched, event);
}

void watchTheme(QObject* owner, const std::function<void()>& restyle)
{
    restyle();
    QObject::connect(Theme::instance(), &Theme::changed, owner, restyle);
}

} // namespace isc
