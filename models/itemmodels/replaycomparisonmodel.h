#pragma once

#include "routing/replayengine.h"

#include <QAbstractTableModel>
#include <QVector>

namespace isc {

/// The what-if table: each figure of the window as recorded beside the same figure replayed
/// through a policy (cost, cost avoided, 429s, spillover, latency, local/cloud share, and per
/// route requests, cost and TTFT), with the change.
class ReplayComparisonModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Metric, Actual, Replayed, Change, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        ActualRole = Qt::UserRole + 1, ///< double: the recorded value (USD, count, ms, share 0..1)
        ReplayedRole,                  ///< double: the replayed value
        SentimentRole,                 ///< int: +1 the replay is better, -1 worse, 0 neither
        KeyRole,     ///< QString: a stable id of the row, e.g. "cost", "route:local:cost"
        SectionRole, ///< bool: a heading row (a route's name) without values
    };

    explicit ReplayComparisonModel(QObject* parent = nullptr);

    void setResult(const ReplayResult& result);
    void clear();
    /// The row with KeyRole `key`, -1 when absent.
    int rowOf(const QString& key) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    enum class Kind { Money, Count, Share, Milliseconds };
    struct Row
    {
        QString key;
        QString label;
        Kind kind = Kind::Count;
        double actual = 0, replayed = 0;
        int better = -1;      ///< +1 higher is better, -1 lower is better, 0 neutral
        bool section = false; ///< a heading row without values
    };
    static QString text(Kind kind, double v);

    QVector<Row> m_rows;
};

} // namespace isc
