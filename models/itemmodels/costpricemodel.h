#pragma once

#include "cost/pricecatalog.h"

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QVector>

namespace isc {

/// The price catalog as an editable table for the price editor: one row per entry with the
/// workspace overrides applied. Editing a price or the discount writes an override for exactly
/// that row; overrides() gives the array to store in the workspace (Workspace::priceOverrides).
class CostPriceModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Provider,
        Model,
        Version,
        Sku,
        Input,
        CachedInput,
        Output,
        BatchInput,
        BatchOutput,
        CacheWrite5m,
        CacheWrite1h,
        CacheRead,
        PtuHourly,
        PtuMonthly,
        PtuYearly,
        Hosting,
        Discount,
        Source,
        AsOf,
        Confirmed,
        Override,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        OverrideRole = Qt::UserRole + 1, ///< bool: this cell's value comes from an override
        ValueRole,                       ///< qint64 micro-dollars (prices), or QVariant() if none
    };
    Q_ENUM(Role)

    /// `base`: the catalog without overrides; `overrides`: the workspace's current array.
    CostPriceModel(PriceCatalog base, const QJsonArray& overrides, QObject* parent = nullptr);

    /// The overrides to save: those that did not name one row exactly (kept as they were),
    /// then one per edited row.
    QJsonArray overrides() const;
    /// The catalog with overrides() applied.
    const PriceCatalog& applied() const { return m_applied; }
    /// Removes the override of `row` (back to the catalog's figures).
    void clearOverride(int row);
    /// True when `row` has an override from this table.
    bool hasOverride(int row) const;
    /// Why the last edit was refused, in words; empty after a good edit.
    QString lastError() const { return m_error; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The JSON key of a price column ("input", "ptu.hourly", …), empty for other columns.
    static QString fieldKey(int column);

private:
    bool rebuild(const QJsonArray& rowOverrides);
    QJsonArray rowOverrideArray(const QVector<QJsonObject>& rows) const;

    PriceCatalog m_base;
    PriceCatalog m_applied;
    QJsonArray m_passthrough;        ///< overrides that did not name exactly one row
    QVector<QJsonObject> m_rowEdits; ///< per row: the override fields set here (may be empty)
    QString m_error;
};

/// A price in micro-dollars as text with 2 to 6 decimals, e.g. "2.50", "0.075", "1.375".
QString priceText(qint64 micros);

} // namespace isc
