#pragma once

// The colours every chart draws with, in one place (the bar and the time-series charts).

#include <QColor>

namespace isc {

/// Tableau 10: distinct on a light background and kind to the common colour-vision deficiencies.
inline const QColor kSeriesPalette[] = {
    QColor(0x4E79A7), QColor(0xF28E2B), QColor(0x59A14F), QColor(0xE15759), QColor(0x76B7B2),
    QColor(0xEDC948), QColor(0xB07AA1), QColor(0xFF9DA7), QColor(0x9C755F), QColor(0xBAB0AC)};
inline const QColor kThresholdColor(0xB03A2E);
inline const QColor kChartTextColor(0x303030);
inline const QColor kChartGridColor(0xE4E4E4);

} // namespace isc
