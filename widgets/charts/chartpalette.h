#pragma once

// The hues series are drawn in (the bar, time-series and routing charts). They carry meaning,
// not the theme, so they are the same in light and dark; a chart's furniture (background, text,
// grid, threshold) comes from theme/theme.h.

#include <QColor>

namespace isc {

/// Tableau 10: distinct on a light background and kind to the common colour-vision deficiencies.
inline const QColor kSeriesPalette[] = {
    QColor(0x4E79A7), QColor(0xF28E2B), QColor(0x59A14F), QColor(0xE15759), QColor(0x76B7B2),
    QColor(0xEDC948), QColor(0xB07AA1), QColor(0xFF9DA7), QColor(0x9C755F), QColor(0xBAB0AC)};

/// The routing views' hues, one per route class and one for spillover (entries of
/// kSeriesPalette, so a route keeps its colour next to other series).
inline const QColor kRouteLocalColor(0x59A14F);         // green
inline const QColor kRouteProvisionedColor(0x4E79A7);   // blue: PTU
inline const QColor kRoutePayPerTokenColor(0xF28E2B);   // orange: pay-as-you-go
inline const QColor kRouteBatchColor(0xB07AA1);         // purple
inline const QColor kRouteOtherProviderColor(0x76B7B2); // teal
inline const QColor kRouteUnknownColor(0xBAB0AC);       // grey
inline const QColor kSpilloverColor(0xE15759);          // red: overflow to another deployment

/// The tray icon's firing colour (alerttrayicon.cpp). Charts draw limits in
/// themeColor(ThemeColor::Threshold), which follows light and dark.
inline const QColor kThresholdColor(0xB03A2E);

} // namespace isc
