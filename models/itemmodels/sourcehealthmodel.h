#pragma once

#include "core/sourcehealth.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QVector>

namespace isc {

class Collector;

/// One row per source: its state, last poll and last error, updated from a Collector.
class SourceHealthModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        SourceRole = Qt::UserRole + 1, ///< connection id
        DisplayNameRole,               ///< what the user calls it
        StateRole,                     ///< SourceHealth::State as int
        StateTextRole,                 ///< "polling", "failing", ...
        LastSuccessRole,               ///< QDateTime (UTC) of the last good poll, invalid = never
        LastAttemptRole,               ///< QDateTime (UTC)
        NextPollRole,                  ///< QDateTime (UTC)
        LastErrorRole,                 ///< words, empty when the last poll succeeded
        BackfillProgressRole,          ///< double 0..1, or -1 when not backfilling
        HealthyRole,                   ///< bool: not failing
        LatencyMsRole,                 ///< qint64 ms of the last answered request, -1 = none
    };
    Q_ENUM(Role)

    explicit SourceHealthModel(QObject* parent = nullptr);

    /// Follows `collector`: takes its current health and every healthChanged() after.
    void setCollector(Collector* collector);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Inserts or updates the row of `health.source`.
    void update(const isc::SourceHealth& health);
    /// Replaces every row.
    void setHealth(const QVector<SourceHealth>& all);
    const QVector<SourceHealth>& health() const { return m_rows; }

private:
    QPointer<Collector> m_collector;
    QVector<SourceHealth> m_rows;
};

} // namespace isc
