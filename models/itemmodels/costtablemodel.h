#pragma once

#include <QAbstractTableModel>
#include <QStringList>
#include <QVariant>
#include <QVector>

namespace isc {

/// One cell of a read-only report table: its text, how it sorts, and what it means.
struct TableCell
{
    QString text;          ///< Qt::DisplayRole
    QVariant sortValue;    ///< SortRole (numbers sort as numbers); invalid = the text
    QString toolTip;       ///< Qt::ToolTipRole: where a figure comes from, caveats
    bool warning = false;  ///< WarningRole: the value needs attention (e.g. quota >= 80 %)
    bool override = false; ///< OverrideRole: priced with a workspace override
    bool numeric = false;  ///< right-aligned

    static TableCell plain(const QString& text, const QString& toolTip = {})
    {
        TableCell c;
        c.text = text;
        c.toolTip = toolTip;
        return c;
    }
    static TableCell number(const QString& text, double value, const QString& toolTip = {})
    {
        TableCell c;
        c.text = text;
        c.sortValue = value;
        c.toolTip = toolTip;
        c.numeric = true;
        return c;
    }
};

/// A read-only table of report rows (top spenders, PTU load, advisor, quota, lifecycle) built
/// by the pages from computed values. Exposes meaning through roles; views pick the styling.
class CostTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        SortRole = Qt::UserRole + 1, ///< number or text to sort by
        WarningRole,                 ///< bool
        OverrideRole,                ///< bool
    };
    Q_ENUM(Role)

    explicit CostTableModel(QObject* parent = nullptr);

    /// Replaces the table (a model reset).
    void setTable(const QStringList& headers, const QVector<QVector<TableCell>>& rows);
    const QStringList& headers() const { return m_headers; }
    const QVector<QVector<TableCell>>& rows() const { return m_rows; }
    /// The text of a cell, empty outside the table.
    QString text(int row, int column) const;
    /// Number of rows with a warning cell.
    int warningRows() const;

    /// The table as CSV (RFC 4180: quoted when needed, CRLF line ends), header row first.
    QString toCsv() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QStringList m_headers;
    QVector<QVector<TableCell>> m_rows;
};

/// One CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
QString csvField(const QString& text);

} // namespace isc
