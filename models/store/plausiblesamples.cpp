#include "store/plausiblesamples.h"

#include "core/timerange.h"

#include <QStringList>
#include <array>
#include <cmath>
#include <limits>

namespace isc::storeimpl {
namespace {

enum Reason { NotFinite, TooLarge, BeforeEpoch, InTheFuture, ReasonCount };

Reason judge(const Sample& s, qint64 latest)
{
    if (!std::isfinite(s.value))
        return NotFinite;
    if (std::abs(s.value) > kLargestValue)
        return TooLarge;
    if (s.ts < 0)
        return BeforeEpoch;
    if (s.ts > latest)
        return InTheFuture;
    return ReasonCount; // plausible
}

QString words(Reason r)
{
    switch (r) {
    case NotFinite:
        return QStringLiteral("not a finite number");
    case TooLarge:
        return QStringLiteral("too large to add up in the rollups");
    case BeforeEpoch:
        return QStringLiteral("a time before 1970");
    case InTheFuture:
        return QStringLiteral("a time far in the future");
    case ReasonCount:
        break;
    }
    return {};
}

QString timeText(qint64 ts)
{
    return ts >= 0 && ts < 253402300800 ? formatIsoUtc(ts) : QString::number(ts);
}

} // namespace

bool refuseImplausible(const PollBatch& batch, qint64 latest, PollBatch* kept, qsizetype* refused,
                       QString* refusal)
{
    bool any = false;
    for (const SeriesSamples& s : batch.series) {
        for (const Sample& smp : s.samples)
            any = any || judge(smp, latest) != ReasonCount;
        if (any)
            break;
    }
    if (!any)
        return false;

    std::array<qsizetype, ReasonCount> counts{};
    std::array<QString, ReasonCount> first;
    *kept = batch;
    *refused = 0;
    for (SeriesSamples& s : kept->series) {
        QVector<Sample> plausible;
        plausible.reserve(s.samples.size());
        for (const Sample& smp : std::as_const(s.samples)) {
            const Reason r = judge(smp, latest);
            if (r == ReasonCount) {
                plausible.append(smp);
                continue;
            }
            ++*refused;
            if (counts[r]++ == 0) {
                first[r] = QStringLiteral("%1 at %2: %3")
                               .arg(s.key.metric, timeText(smp.ts))
                               .arg(smp.value, 0, 'g', 17);
            }
        }
        s.samples = std::move(plausible);
    }
    QStringList parts;
    for (int r = 0; r < ReasonCount; ++r) {
        if (counts[r] > 0) {
            parts.append(QStringLiteral("%1 with %2 (first: %3)")
                             .arg(counts[r])
                             .arg(words(Reason(r)), first[r]));
        }
    }
    const QString count = *refused == 1 ? QStringLiteral("1 implausible sample")
                                        : QStringLiteral("%1 implausible samples").arg(*refused);
    *refusal = QStringLiteral("%1 of %2 refused and not stored: %3. The rest of the poll was "
                              "stored.")
                   .arg(count, batch.source, parts.join(QLatin1String("; ")));
    return true;
}

QString windowText(const TimeRange& w)
{
    return QStringLiteral("%1 .. %2").arg(formatIsoUtc(w.from), formatIsoUtc(w.to));
}

GapMarker failedPollGap(const QString& source, const TimeRange& window, const QString& error)
{
    GapMarker gap;
    gap.source = source;
    gap.window = window;
    gap.reason = QStringLiteral("Could not store the poll of %1 for %2: %3. Nothing of it was "
                                "stored.")
                     .arg(source, windowText(window), error);
    gap.recordedAt = nowUtc();
    return gap;
}

TimeRange pollWindow(const PollBatch& batch)
{
    if (batch.window.isValid())
        return batch.window;
    qint64 lo = std::numeric_limits<qint64>::max(), hi = std::numeric_limits<qint64>::min();
    for (const auto& s : batch.series) {
        for (const auto& smp : s.samples) {
            lo = std::min(lo, floorTo(smp.ts, 60));
            hi = std::max(hi, floorTo(smp.ts, 60) + 60);
        }
    }
    return lo < hi ? TimeRange{lo, hi} : TimeRange{};
}

} // namespace isc::storeimpl
