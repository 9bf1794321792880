#pragma once

#include "timerangepicker.h"

#include <QObject>
#include <QPointer>
#include <QVector>

namespace isc {

/// One time range for the window: every page's picker shows it, a change made in any of them
/// (a preset, a custom range, the clock sliding a preset) becomes the window's range, and the
/// window's Ctrl+1..Ctrl+5 and --range set it for every page at once. A chart's zoom and pan
/// show a range of their own on every page until reset (double-click, Esc, the pickers' Reset
/// zoom) or until a range is chosen.
class TimeRangeLink : public QObject
{
    Q_OBJECT
public:
    using Preset = TimeRangePicker::Preset;

    explicit TimeRangeLink(QObject* parent = nullptr);

    /// Links a page's picker. The first one gives the window its range; any later one takes
    /// the window's. Its own Ctrl+1..5 go (the window owns them); it is forgotten when deleted.
    void add(TimeRangePicker* picker);

    /// Sets the window's range to a preset (not Custom), on every linked picker.
    void setPreset(Preset preset);
    /// Sets a custom range (s UTC) on every linked picker; ignored when invalid.
    void setCustomRange(TimeRange range);
    /// A range `seconds` long ending now: the preset of that length, else a custom range.
    void setLength(qint64 seconds, qint64 nowUtc);

    /// Shows `range` (s UTC) on every page: a chart's zoom or pan. The range before the first
    /// zoom is kept for resetZoom(); choosing a range any other way forgets it.
    void zoomTo(TimeRange range);
    /// Back to the range before the zoom; false when nothing was zoomed.
    bool resetZoom();
    /// True while a zoom shows instead of the chosen range.
    bool isZoomed() const { return m_zoomed; }

    Preset preset() const { return m_preset; }
    /// The custom range (s UTC); meaningful when preset() is Custom.
    TimeRange customRange() const { return m_custom; }
    int pickerCount() const;

signals:
    /// The window's range changed (from a picker or a setter).
    void changed();
    /// A zoom started or ended.
    void zoomedChanged(bool zoomed);

private:
    void adopt(const TimeRangePicker* from);
    void apply(TimeRangePicker* picker) const;
    void applyAll();
    void setZoomed(bool zoomed);
    void setCustom(TimeRange range);

    QVector<QPointer<TimeRangePicker>> m_pickers;
    Preset m_preset = Preset::Day;
    TimeRange m_custom;
    bool m_known = false;   ///< a picker or a setter gave the range
    bool m_syncing = false; ///< the link is moving the pickers itself
    bool m_zoomed = false;
    Preset m_beforeZoom = Preset::Day; ///< the chosen range a zoom replaced
    TimeRange m_customBeforeZoom;
};

} // namespace isc
