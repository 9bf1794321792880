#include "reports/exporttable.h"

#include "itemmodels/costtablemodel.h"

#include <QAbstractItemModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

namespace isc {

namespace {

QString csvText(const QVariant& v)
{
    if (v.typeId() == QMetaType::Double || v.typeId() == QMetaType::Float)
        return QString::number(v.toDouble(), 'g', 15);
    return v.toString();
}

} // namespace

QString ExportTable::toCsv() const
{
    QString out;
    QStringList header;
    for (const QString& c : columns)
        header << csvField(c);
    out += header.join(QLatin1Char(',')) + QLatin1String("\r\n");
    for (const QVariantList& row : rows) {
        QStringList fields;
        for (const QVariant& v : row)
            fields << csvField(csvText(v));
        out += fields.join(QLatin1Char(',')) + QLatin1String("\r\n");
    }
    return out;
}

QByteArray ExportTable::toJson() const
{
    QJsonObject o = meta;
    o.insert(QStringLiteral("title"), title);
    o.insert(QStringLiteral("columns"), QJsonArray::fromStringList(columns));
    QJsonArray rs;
    for (const QVariantList& row : rows)
        rs.append(QJsonArray::fromVariantList(row));
    o.insert(QStringLiteral("rows"), rs);
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

ExportTable exportModel(const QAbstractItemModel& model, const QString& title)
{
    ExportTable t;
    t.title = title;
    for (int c = 0; c < model.columnCount(); ++c)
        t.columns << model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
    for (int r = 0; r < model.rowCount(); ++r) {
        QVariantList row;
        for (int c = 0; c < model.columnCount(); ++c)
            row << model.index(r, c).data(Qt::DisplayRole).toString();
        t.rows << row;
    }
    return t;
}

} // namespace isc
