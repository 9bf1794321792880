#pragma once

// The hues series are drawn in (the bar, time-series and routing charts). They carry meaning,
// not the theme, so they are the same in light and dark; a chart's furniture (background, text,
// grid, threshold) comes from theme/theme.h.

#include <QColor>
#include <QSet>
#include <QString>

#include <iterator>

namespace isc {

/// Series hues, indexed as reports::SeriesColor (Blue, Orange, Green, Red, Teal, Yellow,
/// Purple, Pink, Brown, Grey), then three more. Picked from Paul Tol's and Okabe-Ito's
/// colour-blind-safe schemes, lightness 38-80 (readable on the light and the dark theme): the
/// twelve that series get (all but Grey) keep every pair at least 13.5 CIELAB ΔE apart under
/// normal vision and simulated protan-, deutan- and tritanopia (Machado 2009); Tableau 10, used
/// before, had its green and red 0.9 apart for a deuteranope.
inline const QColor kSeriesPalette[] = {
    QColor(0x6699CC), QColor(0xD55E00), QColor(0x117733), QColor(0xEE3377), QColor(0x44BB99),
    QColor(0xCCBB44), QColor(0xAA4499), QColor(0xFFAABB), QColor(0x999933), QColor(0xBBBBBB),
    QColor(0x88CCEE), QColor(0xEE8866), QColor(0xAA3377)};
/// The grey kept for "Other" and for what is not a series of its own.
constexpr int kSeriesGreyIndex = 9;
/// How many distinct colours series get before one repeats.
constexpr int kDistinctSeriesColors = int(std::size(kSeriesPalette)) - 1;

/// The colour of the series `name`: the same on every chart of the window (a deployment keeps
/// its colour from page to page) unless that chart already shows it, then the next one free.
/// `taken` holds the chart's palette indexes in use and gets this one. Repeats only once a
/// chart shows more than kDistinctSeriesColors series.
QColor seriesColor(const QString& name, QSet<int>* taken);
/// The palette index of `c`, or -1.
int seriesColorIndex(const QColor& c);

/// The routing views' hues, one per route class and one for spillover (entries of
/// kSeriesPalette, so a route keeps its colour next to other series).
inline const QColor kRouteLocalColor = kSeriesPalette[2];         // green
inline const QColor kRouteProvisionedColor = kSeriesPalette[0];   // blue: PTU
inline const QColor kRoutePayPerTokenColor = kSeriesPalette[1];   // orange: pay-as-you-go
inline const QColor kRouteBatchColor = kSeriesPalette[6];         // purple
inline const QColor kRouteOtherProviderColor = kSeriesPalette[4]; // teal
inline const QColor kRouteUnknownColor = kSeriesPalette[kSeriesGreyIndex];
inline const QColor kSpilloverColor = kSeriesPalette[3]; // red: overflow to another deployment

/// The tray icon's firing colour (alerttrayicon.cpp). Charts draw limits in
/// themeColor(ThemeColor::Threshold), which follows light and dark.
inline const QColor kThresholdColor(0xB03A2E);

} // namespace isc
