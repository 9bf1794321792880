#pragma once

#include "core/units.h"
#include "store/storetypes.h"

#include <QAbstractListModel>
#include <QHash>
#include <memory>

namespace isc {

class SampleStore;

/// The headline numbers of a range, one row each: requests/min, tokens/min, PTU utilization
/// now, 429 share and average TTFT, each with its change against the previous window.
/// "Now" is the newest complete minute with request data inside the range (and not in the
/// future); the window is the hour (at most the range's length) ending there.
class KpiModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Kpi { RequestsPerMin, TokensPerMin, PtuUtilization, ThrottledShare, TtftAvg, KpiCount };
    Q_ENUM(Kpi)

    /// What a value means for the user; a view picks its colours from it.
    enum class Status { Normal, Warning, Critical, NoData };
    Q_ENUM(Status)

    enum Role {
        KpiRole = Qt::UserRole + 1, ///< Kpi
        TitleRole,                  ///< "Requests", also Qt::ToolTipRole's first line
        ValueRole,                  ///< double in UnitRole's unit, NaN without data
        UnitRole,                   ///< isc::Unit
        TextRole,                   ///< formatQuantity(value, unit), also Qt::DisplayRole
        DetailRole,                 ///< what the value covers: "avg per minute, last 60 min"
        TrendRole,                  ///< change vs the previous window: % or points; NaN = none
        TrendTextRole,              ///< "+12 % vs previous hour"
        TrendSentimentRole,         ///< int: +1 the change is good, -1 bad, 0 neutral
        StatusRole,                 ///< Status
    };
    Q_ENUM(Role)

    explicit KpiModel(SampleStore* store, QObject* parent = nullptr);
    ~KpiModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// The selected range (s UTC); changing it schedules a refresh.
    void setTimeRange(TimeRange range);
    TimeRange timeRange() const;
    /// Extra label filters (e.g. ModelDeploymentName) ANDed into every query.
    void setLabelFilter(const QHash<QString, QString>& labels);

    /// Schedules a refresh within 40 ms (bursts fold into one).
    void refresh();
    /// Queries now; results of an earlier refresh arriving later are dropped.
    void refreshNow();

    /// The value of one KPI (NaN without data).
    double value(Kpi kpi) const;
    /// The minute "now" stands for (s UTC), 0 before data.
    qint64 nowMinute() const;
    /// The window length in seconds (60 min, or the range when shorter).
    qint64 windowSeconds() const;

    bool isLoading() const;
    /// True once a first result arrived.
    bool isLoaded() const;

signals:
    /// The first result arrived.
    void loaded();
    /// Values were recomputed.
    void updated();

private:
    void finish(const QVector<QueryResult>& results);
    void compute(const QVector<QueryResult>& results);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
