#pragma once

#include "routing/replayengine.h"

#include <QAbstractTableModel>
#include <QVector>

namespace isc {

/// The Routing page's table: one row per route class with traffic or cost (or, at the Targets
/// level, one per deployment), with requests, tokens, cost, cost per 1k requests, TTFT/TTLT,
/// 429s and spillover over the window of a ReplaySummary.
class RoutingTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Name,
        Route,
        Requests,
        Share,
        Tokens,
        Cost,
        CostPer1k,
        Ttft,
        Ttlt,
        Requests429,
        Spillover,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        ValueRole = Qt::UserRole + 1, ///< the raw number of the cell (USD, ms, count, share 0..1)
        RouteClassRole,               ///< RouteClass as int
    };
    enum class Level { Routes, Targets };

    explicit RoutingTableModel(QObject* parent = nullptr);

    void setSummary(const ReplaySummary& summary);
    void setLevel(Level level);
    Level level() const { return m_level; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString name;
        RouteClass routeClass = RouteClass::Unknown;
        RouteFigures figures;
    };
    void rebuild();

    ReplaySummary m_summary;
    Level m_level = Level::Routes;
    QVector<Row> m_rows;
};

} // namespace isc
