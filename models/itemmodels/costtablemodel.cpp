#include "itemmodels/costtablemodel.h"

namespace isc {

QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n')) && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

CostTableModel::CostTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void CostTableModel::setTable(const QStringList& headers, const QVector<QVector<TableCell>>& rows)
{
    beginResetModel();
    m_headers = headers;
    m_rows = rows;
    for (QVector<TableCell>& r : m_rows)
        r.resize(m_headers.size());
    endResetModel();
}

QString CostTableModel::text(int row, int column) const
{
    if (row < 0 || row >= m_rows.size() || column < 0 || column >= m_headers.size())
        return {};
    return m_rows[row][column].text;
}

int CostTableModel::warningRows() const
{
    int n = 0;
    for (const QVector<TableCell>& r : m_rows) {
        for (const TableCell& c : r) {
            if (c.warning) {
                ++n;
                break;
            }
        }
    }
    return n;
}

QString CostTableModel::toCsv() const
{
    QString out;
    QStringList fields;
    for (const QString& h : m_headers)
        fields << csvField(h);
    out += fields.join(QLatin1Char(',')) + QLatin1String("\r\n");
    for (const QVector<TableCell>& r : m_rows) {
        fields.clear();
        for (const TableCell& c : r)
            fields << csvField(c.text);
        out += fields.join(QLatin1Char(',')) + QLatin1String("\r\n");
    }
    return out;
}

int CostTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CostTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant CostTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TableCell& c = m_rows[index.row()][index.column()];
    switch (role) {
    case Qt::DisplayRole:
        return c.text;
    case Qt::ToolTipRole:
        return c.toolTip.isEmpty() ? QVariant() : QVariant(c.toolTip);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(
            Qt::Alignment((c.numeric ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
    case SortRole:
        return c.sortValue.isValid() ? c.sortValue : QVariant(c.text);
    case WarningRole:
        return c.warning;
    case OverrideRole:
        return c.override;
    default:
        return {};
    }
}

QVariant CostTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= m_headers.size())
        return QAbstractTableModel::headerData(section, orientation, role);
    return m_headers[section];
}

} // namespace isc
