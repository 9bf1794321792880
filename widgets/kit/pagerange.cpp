#include "pagerange.h"

#include "store/samplestore.h"
#include "timerangepicker.h"

#include <QTimer>

namespace isc {

namespace {

constexpr int kAdvanceMs = 60'000; // presets end on whole minutes at the finest

} // namespace

void followRange(QObject* page, TimeRangePicker* picker, SampleStore* store, RangeReach reach,
                 std::function<void()> refresh)
{
    auto* advance = new QTimer(page);
    advance->setInterval(kAdvanceMs);
    QObject::connect(advance, &QTimer::timeout, picker, &TimeRangePicker::advance);
    advance->start();
    if (!store)
        return;
    QObject::connect(
        store, &SampleStore::dataChanged, page,
        [picker, reach, refresh = std::move(refresh)](const QString&, TimeRange window) {
            const TimeRange r = picker->range();
            const qint64 from =
                reach == RangeReach::RangeAndPrevious ? r.from - r.duration() : r.from;
            if (window.isValid() && (window.to <= from || window.from >= r.to))
                return;
            refresh();
        });
}

} // namespace isc
