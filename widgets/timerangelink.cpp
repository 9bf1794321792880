#include "timerangelink.h"

namespace isc {

TimeRangeLink::TimeRangeLink(QObject* parent) : QObject(parent) {}

void TimeRangeLink::add(TimeRangePicker* picker)
{
    if (!picker)
        return;
    picker->setShortcutsEnabled(false);
    m_pickers.append(picker);
    if (m_known)
        apply(picker);
    else
        adopt(picker);
    connect(picker, &TimeRangePicker::rangeChanged, this, [this, picker] {
        if (m_syncing)
            return;
        setZoomed(false); // chosen on a picker: the zoom is over
        adopt(picker);
        applyAll();
    });
    connect(picker, &TimeRangePicker::resetZoomRequested, this, [this] { resetZoom(); });
    picker->setZoomed(m_zoomed);
}

void TimeRangeLink::setPreset(Preset preset)
{
    if (preset == Preset::Custom)
        return;
    setZoomed(false);
    m_known = true;
    const bool moved = preset != m_preset;
    m_preset = preset;
    applyAll();
    if (moved)
        emit changed();
}

void TimeRangeLink::setCustomRange(TimeRange range)
{
    if (!range.isValid())
        return;
    setZoomed(false);
    setCustom(range);
}

void TimeRangeLink::zoomTo(TimeRange range)
{
    if (!range.isValid())
        return;
    if (!m_zoomed) {
        m_beforeZoom = m_preset;
        m_customBeforeZoom = m_custom;
    }
    setZoomed(true);
    setCustom(range);
}

bool TimeRangeLink::resetZoom()
{
    if (!m_zoomed)
        return false;
    setZoomed(false);
    if (m_beforeZoom == Preset::Custom)
        setCustom(m_customBeforeZoom);
    else
        setPreset(m_beforeZoom);
    return true;
}

void TimeRangeLink::setZoomed(bool zoomed)
{
    if (zoomed == m_zoomed)
        return;
    m_zoomed = zoomed;
    m_pickers.removeAll(nullptr);
    for (const auto& p : std::as_const(m_pickers))
        p->setZoomed(zoomed);
    emit zoomedChanged(zoomed);
}

void TimeRangeLink::setCustom(TimeRange range)
{
    m_known = true;
    const bool moved = m_preset != Preset::Custom || !(range == m_custom);
    m_preset = Preset::Custom;
    m_custom = range;
    applyAll();
    if (moved)
        emit changed();
}

void TimeRangeLink::setLength(qint64 seconds, qint64 nowUtc)
{
    for (const Preset p :
         {Preset::Hour, Preset::SixHours, Preset::Day, Preset::Week, Preset::Month}) {
        if (TimeRangePicker::presetSeconds(p) == seconds) {
            setPreset(p);
            return;
        }
    }
    const qint64 end = floorTo(nowUtc, 60) + 60;
    setCustomRange({end - seconds, end});
}

int TimeRangeLink::pickerCount() const
{
    int n = 0;
    for (const auto& p : m_pickers)
        n += p ? 1 : 0;
    return n;
}

void TimeRangeLink::adopt(const TimeRangePicker* from)
{
    const bool moved = !m_known || from->preset() != m_preset ||
                       (from->preset() == Preset::Custom && !(from->range() == m_custom));
    m_known = true;
    m_preset = from->preset();
    if (m_preset == Preset::Custom)
        m_custom = from->range();
    if (moved)
        emit changed();
}

void TimeRangeLink::apply(TimeRangePicker* picker) const
{
    if (m_preset == Preset::Custom)
        picker->setCustomRange(m_custom);
    else
        picker->setPreset(m_preset); // a no-op when it shows that preset already
}

void TimeRangeLink::applyAll()
{
    m_syncing = true;
    m_pickers.removeAll(nullptr);
    for (const auto& p : std::as_const(m_pickers))
        apply(p);
    m_syncing = false;
}

} // namespace isc
