#pragma once

#include "core/units.h"
#include "store/storetypes.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QVector>
#include <memory>
#include <optional>

namespace isc {

class SampleStore;

/// One store query of a chart and how its series are named and drawn.
struct ChartQuery
{
    SeriesQuery query;                         ///< range and pixelWidth are set by ChartModel
    QString nameFormat = QStringLiteral("%1"); ///< display name; %1 = the queried series name
    bool dashed = false;                       ///< a style hint (e.g. TTLT beside TTFT)
    /// The queried series (group names) this query contributes; empty: all of them. Lets one
    /// metric be read twice, e.g. 2xx as the average of each step and 429s as its busiest
    /// minute, so a short burst stays visible at 7 and 30 days.
    QStringList onlyNames = {};
    /// Multiplies every value, e.g. 1/60 to show a per-minute total per second.
    double scale = 1;
};

/// What a chart shows: its title, unit, kind, queries and optional threshold line.
struct ChartSpec
{
    enum class Kind { Lines, StackedArea };

    QString title;
    QString note; ///< a short line after the title, e.g. "solid: TTFT · dashed: TTLT"
    Unit unit = Unit::Count;
    Kind kind = Kind::Lines;
    /// Series of equal display name coming from different queries are summed (aligned by time).
    QVector<ChartQuery> queries;
    std::optional<double> threshold; ///< a horizontal reference line, in `unit`
    QString thresholdLabel;          ///< e.g. "100 % reserved"
    /// Logarithmic value axis (Lines only), for series decades apart (TTFT ~300 ms, TTLT ~10 s).
    bool logScale = false;
    /// The newest minutes of each series that may still fill in (Azure Monitor's additive
    /// metrics arrive over ~3 minutes), in seconds; 0: every stored minute is final.
    qint64 pendingSeconds = 0;
};

/// One displayed series: a name, a colour key and points (x = ms since the epoch UTC, y in the
/// chart's unit). Series with one colour key share a colour and a legend entry; the key is the
/// queried series name when the query's nameFormat holds %1, else the display name.
struct ChartSeries
{
    QString name;
    QString colorKey;
    bool dashed = false;
    QVector<QPointF> points;
    /// Points from this x (ms) on may still fill in (ChartSpec::pendingSeconds); 0 = none.
    double pendingFromMs = 0;
    /// The previous period, moved forward onto this range: drawn faded and dashed, over a
    /// stack as a line.
    bool previous = false;
};

/// The value snapshot a chart draws.
struct ChartSnapshot
{
    TimeRange range;             ///< the range that was queried (s UTC)
    qint64 step = 60;            ///< seconds between points before decimation
    int pixelWidth = 0;          ///< the width the points were decimated for, 0 = none
    QVector<ChartSeries> series; ///< in query order, then by name
    QVector<TimeRange> gaps;     ///< recorded gap markers: lines break there
    QString error;               ///< in words when a query failed
    qint64 previousShift = 0;    ///< s the previous period was moved forward by; 0 = not shown

    bool isEmpty() const;
    qsizetype pointCount() const;
};

/// Drives one chart: issues its store queries on refresh (off the GUI thread), drops stale
/// results and publishes the newest snapshot. Bursts of refresh() are coalesced (40 ms).
class ChartModel : public QObject
{
    Q_OBJECT
public:
    ChartModel(SampleStore* store, ChartSpec spec, QObject* parent = nullptr);
    ~ChartModel() override;

    const ChartSpec& spec() const;

    /// The range to show (s UTC). Changing it emits timeRangeChanged() and schedules a refresh.
    void setTimeRange(TimeRange range);
    TimeRange timeRange() const;

    /// Width of the plot area in pixels, for decimation. A change of over 10 % schedules a refresh.
    void setPixelWidth(int pixels);
    /// Whether a chart of `kind` read for `queriedWidth` px must be read again at `newWidth`
    /// (0 = the default width): stacks when their step changes, lines when M4's width moves by
    /// more than 10 %.
    static bool widthNeedsNewData(ChartSpec::Kind kind, TimeRange range, int queriedWidth,
                                  int newWidth);
    int pixelWidth() const;

    /// Extra label filters ANDed into every query (e.g. ModelDeploymentName), case-insensitive
    /// keys.
    void setLabelFilter(const QHash<QString, QString>& labels);
    QHash<QString, QString> labelFilter() const;

    /// Overlays the previous period (previousPeriodShift()) on a line chart, or its total on a
    /// stack. Starts as ChartComparison says and follows its changes.
    void setComparePrevious(bool on);
    bool comparePrevious() const;

    /// Schedules a refresh in at most 40 ms; repeated calls in that time fold into one.
    void refresh();
    /// Issues the queries now; a result of an earlier refresh arriving later is dropped.
    void refreshNow();
    /// Shows `snapshot` as if a read had delivered it: for a model without a store whose owner
    /// computes the points (a report). Sets the time range to the snapshot's.
    void setSnapshot(ChartSnapshot snapshot);

    /// True while queries are in flight.
    bool isLoading() const;
    /// True once a first snapshot arrived.
    bool isLoaded() const;
    /// The newest snapshot (empty before the first result).
    const ChartSnapshot& snapshot() const;

    /// The queries refreshNow() issues for the current range, width and filter (for tests).
    QVector<SeriesQuery> buildQueries() const;

    /// Combines per-query results into display series (pure; used by refreshNow()). With
    /// `previousShift` > 0, results beyond the spec's queries are the same queries over the
    /// range `previousShift` seconds earlier. `now` (s UTC, 0 = the clock) tells which series
    /// are still being polled, for ChartSpec::pendingSeconds.
    static ChartSnapshot combine(const ChartSpec& spec, TimeRange range,
                                 const QVector<QueryResult>& results, qint64 previousShift = 0,
                                 qint64 now = 0);

signals:
    /// A new snapshot is available from snapshot().
    void changed();
    /// setTimeRange() changed the range; the snapshot for it follows with changed().
    void timeRangeChanged(isc::TimeRange range);
    void loadingChanged(bool loading);
    /// The first snapshot arrived.
    void loaded();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// How far back the previous period of `range` lies (s): a day for ranges up to a day (the
/// daily cycle), a week up to a week, else the range's own length.
qint64 previousPeriodShift(TimeRange range);
/// "previous day", "previous week" or "previous 30 d" for a shift from previousPeriodShift().
QString previousPeriodName(qint64 shift);

/// The window's "compare with previous period" switch: every ChartModel follows it.
class ChartComparison : public QObject
{
    Q_OBJECT
public:
    static ChartComparison* instance();
    bool isOn() const { return m_on; }
    void setOn(bool on);

signals:
    void changed(bool on);

private:
    bool m_on = false;
};

/// A step (s, multiple of 60) from 1m, 5m, 15m, 30m, 1h, 3h, 6h, 12h, 1d giving at most
/// `maxPoints` buckets over `duration` seconds.
qint64 niceStep(qint64 duration, int maxPoints);

} // namespace isc
