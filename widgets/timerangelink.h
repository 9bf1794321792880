#pragma once

#include "timerangepicker.h"

#include <QObject>
#include <QPointer>
#include <QVector>

namespace isc {

/// One time range for the window: every page's picker shows it, a change made in any of them
/// (a preset, a custom range, the clock sliding a preset) becomes the window's range, and the
/// window's Ctrl+1..Ctrl+5 and --range set it for every page at once.
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

    Preset preset() const { return m_preset; }
    /// The custom range (s UTC); meaningful when preset() is Custom.
    TimeRange customRange() const { return m_custom; }
    int pickerCount() const;

signals:
    /// The window's range changed (from a picker or a setter).
    void changed();

private:
    void adopt(const TimeRangePicker* from);
    void apply(TimeRangePicker* picker) const;
    void applyAll();

    QVector<QPointer<TimeRangePicker>> m_pickers;
    Preset m_preset = Preset::Day;
    TimeRange m_custom;
    bool m_known = false;   ///< a picker or a setter gave the range
    bool m_syncing = false; ///< the link is moving the pickers itself
};

} // namespace isc
