#pragma once

#include "timerange.h"

#include <QHash>
#include <QMetaType>
#include <QString>
#include <QVector>

namespace isc {

/// Identifies one stored time series: where it came from, what it measures, which slice.
struct SeriesKey
{
    QString source;      ///< connection id from the workspace, e.g. "demo-azure"
    QString metric;      ///< provider metric name, e.g. "AzureOpenAIRequests"
    QString aggregation; ///< "total", "average", "minimum", "maximum" or "count"
    QString labels;      ///< canonical dimension values, see labels::canonical()

    bool operator==(const SeriesKey& o) const
    {
        return source == o.source && metric == o.metric && aggregation == o.aggregation &&
               labels == o.labels;
    }
};

inline size_t qHash(const SeriesKey& k, size_t seed = 0)
{
    return qHashMulti(seed, k.source, k.metric, k.aggregation, k.labels);
}

/// One value for the bucket starting at `ts` (seconds UTC; one minute for raw samples).
struct Sample
{
    qint64 ts = 0;
    double value = 0;
};

/// The samples of one series, with the provider's unit ("Count", "Milliseconds", "Percent").
struct SeriesSamples
{
    SeriesKey key;
    QString unit;
    QVector<Sample> samples;
};

/// Everything one poll produced for the window it asked for. It lands in the store as one
/// transaction: all of it, or none of it and a gap marker.
struct PollBatch
{
    QString source;
    TimeRange window;
    QVector<SeriesSamples> series;

    qsizetype sampleCount() const
    {
        qsizetype n = 0;
        for (const auto& s : series)
            n += s.samples.size();
        return n;
    }
};

/// Records that a source has no data for a window, and why (in words, for the UI).
struct GapMarker
{
    QString source;
    TimeRange window;
    QString reason;
    qint64 recordedAt = 0; ///< seconds UTC
    /// The one metric without data (a partial poll: the others landed); empty = all of them.
    QString metric{};
};

} // namespace isc

Q_DECLARE_METATYPE(isc::PollBatch)
Q_DECLARE_METATYPE(isc::GapMarker)
