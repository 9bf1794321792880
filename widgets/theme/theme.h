#pragma once

// The few named colours the pages draw with, for light and dark palettes. Series colours of
// charts stay in charts/chartpalette.h.

#include <QColor>
#include <QPalette>
#include <QString>

class QWidget;

namespace isc {

/// A semantic colour of the pages (not a raw hex value).
enum class ThemeColor {
    PageBackground,   ///< behind the cards
    CardBackground,   ///< a card's face
    CardBorder,       ///< a card's and a tile's outline
    HeadingText,      ///< a card's heading
    NoteText,         ///< explanatory text under a table
    MutedText,        ///< secondary lines: the range under a page title
    Bad,              ///< a warning in words or a cell that needs attention
    BannerBackground, ///< a warning banner above a table
    BannerBorder,
    BannerText,
    StatusText,     ///< a status line's words
    ErrorText,      ///< a failure in words (an error status, a failed run)
    FaintText,      ///< what is left out on purpose (a run stored without its text)
    Accent,         ///< the face of a page's main button (Run)
    AccentDisabled, ///< the same, disabled
    OnAccent,       ///< text on Accent
};

/// True when `palette` draws light text on a dark window.
bool isDarkPalette(const QPalette& palette);
/// The colour of `role` on `palette`: the design's light colours, derived ones on a dark palette.
QColor themeColor(ThemeColor role, const QPalette& palette);
/// The same as "#rrggbb", for style sheets and rich text.
QString themeCss(ThemeColor role, const QPalette& palette);
/// Fills `page` with the page background (the cards stand out from it).
void setPageBackground(QWidget* page);

} // namespace isc
