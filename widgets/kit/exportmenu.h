#pragma once

#include "reports/exporttable.h"

#include <QImage>
#include <functional>

class QMenu;
class QWidget;

namespace isc {

/// What a chart or table exports: the rows it shows, asked for when the menu is used.
using ExportSource = std::function<ExportTable()>;

/// The context menu of every chart and table: Copy Image, Save PNG… (2x pixel ratio),
/// Save CSV…, Save JSON… of exactly what it shows. Right-click (or the menu key) opens it.
void installExportMenu(QWidget* widget, ExportSource source);
/// The same for every time chart, bar chart and table or tree view inside `root` (a page);
/// views that have a context menu of their own keep it.
void installExportMenus(QWidget* root);

/// The menu installExportMenu() opens (for tests and for widgets that add their own items).
QMenu* createExportMenu(QWidget* widget, const ExportSource& source, QWidget* parent);
/// `widget` rendered at twice its pixel size (device pixel ratio 2).
QImage renderAt2x(QWidget* widget);
/// Writes `bytes` to `path`; the reason in words when it fails.
bool writeExport(const QString& path, const QByteArray& bytes, QString* error);

} // namespace isc
