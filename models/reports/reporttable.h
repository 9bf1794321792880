#pragma once

#include "itemmodels/costtablemodel.h"

#include <QStringList>
#include <QVector>

namespace isc {

/// A table of a report: column titles and rows of cells, for a CostTableModel to show.
struct ReportTable
{
    QStringList headers;
    QVector<QVector<TableCell>> rows;

    bool isEmpty() const { return rows.isEmpty(); }
    /// The text of a cell, empty outside the table.
    QString text(int row, int column) const
    {
        if (row < 0 || row >= rows.size() || column < 0 || column >= rows[row].size())
            return {};
        return rows[row][column].text;
    }
};

} // namespace isc
