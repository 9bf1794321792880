#include "theme.h"

#include <QWidget>

namespace isc {

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor themeColor(ThemeColor role, const QPalette& palette)
{
    const bool dark = isDarkPalette(palette);
    switch (role) {
    case ThemeColor::PageBackground:
        return dark ? palette.color(QPalette::Window).darker(115) : QColor(0xF3F4F6);
    case ThemeColor::CardBackground:
        return dark ? palette.color(QPalette::Base) : QColor(Qt::white);
    case ThemeColor::CardBorder:
        return dark ? palette.color(QPalette::Mid) : QColor(0xDCDFE3);
    case ThemeColor::HeadingText:
        return dark ? palette.color(QPalette::WindowText) : QColor(0x303030);
    case ThemeColor::NoteText:
        return dark ? palette.color(QPalette::WindowText).darker(115) : QColor(0x404040);
    case ThemeColor::MutedText:
        return dark ? palette.color(QPalette::PlaceholderText) : QColor(0x606060);
    case ThemeColor::Bad:
        return dark ? QColor(0xF28B82) : QColor(0xB03A2E);
    case ThemeColor::BannerBackground:
        return dark ? QColor(0x4A1C17) : QColor(0xFDECEA);
    case ThemeColor::BannerBorder:
        return dark ? QColor(0x8C3B32) : QColor(0xF1B0A8);
    case ThemeColor::BannerText:
        return dark ? QColor(0xF9DEDC) : QColor(0x7A1E12);
    case ThemeColor::StatusText:
        return dark ? palette.color(QPalette::WindowText) : QColor(0x374151);
    case ThemeColor::ErrorText:
        return dark ? QColor(0xF87171) : QColor(0xB91C1C);
    case ThemeColor::FaintText:
        return dark ? QColor(0x9CA3AF) : QColor(0x6B7280);
    case ThemeColor::Accent:
        return dark ? QColor(0x3B82F6) : QColor(0x1D4ED8);
    case ThemeColor::AccentDisabled:
        return dark ? QColor(0x1E3A8A) : QColor(0x93C5FD);
    case ThemeColor::OnAccent:
        return QColor(Qt::white);
    }
    return palette.color(QPalette::WindowText);
}

QString themeCss(ThemeColor role, const QPalette& palette)
{
    return themeColor(role, palette).name();
}

void setPageBackground(QWidget* page)
{
    page->setAutoFillBackground(true);
    QPalette pal = page->palette();
    pal.setColor(QPalette::Window, themeColor(ThemeColor::PageBackground, pal));
    page->setPalette(pal);
}

} // namespace isc
