#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <QVector>

class QAbstractItemModel;

namespace isc {

/// What a chart or a table shows, as rows: what Save CSV and Save JSON write (exactly the
/// series and range on screen). Values keep their type: numbers stay numbers in JSON.
struct ExportTable
{
    QString title;
    QStringList columns;
    QVector<QVariantList> rows;
    QJsonObject meta; ///< facts about the whole (unit, range): JSON only

    /// RFC 4180: a header line, then one line per row, CRLF; numbers in full precision.
    QString toCsv() const;
    /// {"title", the meta keys, "columns": [...], "rows": [[...], ...]}, indented.
    QByteArray toJson() const;
};

/// The rows of a table or list model as shown (display text, top-level rows, every column).
ExportTable exportModel(const QAbstractItemModel& model, const QString& title);

} // namespace isc
