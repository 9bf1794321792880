#pragma once

// Every colour the window draws with that is not a series hue (those are in
// charts/chartpalette.h): named roles for a light and a dark palette, the window's theme mode
// (follow the system, or force light or dark) and the hook that restyles a widget when it
// changes. Pages, dialogs and charts take colours from here, never as hex values of their own.

#include <QColor>
#include <QObject>
#include <QPalette>
#include <QString>

#include <functional>

class QWidget;

namespace isc {

/// A semantic colour of the window (not a raw hex value).
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
    // The sidebar of pages.
    SidebarBackground,
    SidebarSelected,
    SidebarSelectedText,
    // The banner that labels demo data, and the one that reports a problem with the database.
    DemoBackground,
    DemoBorder,
    DemoText,
    WarningBackground,
    WarningBorder,
    WarningText,
    // States: a source up or a check passed, something to look at, nothing known.
    Good,
    Caution,         ///< text that asks for attention (unsaved changes, an estimate)
    Idle,            ///< a state with nothing to report (no polls yet)
    InsetBackground, ///< a text area inside a card (a model's answer)
    // A KPI tile's left stripe by sentiment, and its trend arrow.
    TileInfo,
    TileWarning,
    TileCritical,
    TileIdle,
    // Run diff: removed and added words.
    RemovedBackground,
    RemovedText,
    AddedBackground,
    AddedText,
    // Charts' furniture (not their series).
    ChartBackground,
    ChartText,       ///< axis labels, titles
    ChartStrongText, ///< a value printed on a chart
    ChartGrid,
    ChartAxisLine,
    ChartLabelBackground, ///< behind a label drawn over the plot (translucent)
    Threshold,            ///< a limit line (budget, capacity)
};

/// The sequential ramp of heatmaps at `t` in [0, 1] (clamped): few (0) to many (1). On a light
/// palette it runs from pale yellow to deep purple, on a dark one from a dim purple to bright
/// yellow, so "more" always stands out from the chart background.
QColor themeRamp(double t, const QPalette& palette);

/// True when `palette` draws light text on a dark window.
bool isDarkPalette(const QPalette& palette);
/// The colour of `role` on `palette`: the design's light colours, derived ones on a dark palette.
QColor themeColor(ThemeColor role, const QPalette& palette);
/// The same on the application's palette (what a theme switch changes).
QColor themeColor(ThemeColor role);
/// "#rrggbb" (or "rgba(…)" when translucent), for style sheets and rich text.
QString themeCss(ThemeColor role, const QPalette& palette);
QString themeCss(ThemeColor role);
/// Fills `page` with the page background (the cards stand out from it), again after a switch.
void setPageBackground(QWidget* page);

/// Makes the checked tool buttons in `container` (itself included) stand out in either theme:
/// a dark palette's sunken button looks like any other.
void markCheckedButtons(QWidget* container);

/// How the window picks light or dark.
enum class ThemeMode {
    System, ///< the desktop's palette, followed when it changes
    Light,
    Dark,
};

/// "system", "light", "dark"; false for anything else.
bool parseThemeMode(const QString& name, ThemeMode* mode);
QString themeModeName(ThemeMode mode);
/// The palette a forced mode uses (System: the desktop's, as Qt read it at start).
QPalette themePalette(ThemeMode mode);

/// The window's theme: one instance, the one place a mode is applied and announced.
class Theme : public QObject
{
    Q_OBJECT
public:
    static Theme* instance();

    ThemeMode mode() const { return m_mode; }
    /// The desktop's palette (as Qt read it at start, or after the desktop changed it).
    QPalette systemPalette() const { return m_system; }
    /// Sets the application's palette for `mode` and tells every watcher (see watchTheme).
    void apply(ThemeMode mode);

signals:
    /// The application's palette changed: a switch, or the desktop's palette in System mode.
    void changed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit Theme(QObject* parent);
    ThemeMode m_mode = ThemeMode::System;
    QPalette m_system;
    bool m_applying = false;
};

/// Calls `restyle` now and again after every theme change, for as long as `owner` lives: for
/// a widget whose style sheet or own palette holds theme colours.
void watchTheme(QObject* owner, const std::function<void()>& restyle);

} // namespace isc
