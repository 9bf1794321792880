#include "kit/exportmenu.h"

#include "charts/barchart.h"
#include "charts/chartexport.h"
#include "charts/timeserieschart.h"

#include <QAbstractItemView>
#include <QAbstractScrollArea>
#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

namespace isc {

namespace {

/// A file name from the title: "Spend over time" -> "spend-over-time".
QString baseName(const QString& title)
{
    QString s = title.toLower();
    s.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    s = s.mid(0, 60);
    while (s.endsWith(QLatin1Char('-')))
        s.chop(1);
    while (s.startsWith(QLatin1Char('-')))
        s.remove(0, 1);
    return s.isEmpty() ? QStringLiteral("inferscope") : s;
}

void saveAs(QWidget* widget, const QString& title, const QString& filter, const QString& suffix,
            const std::function<QByteArray()>& bytes)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(
        widget, QObject::tr("Save %1").arg(suffix.toUpper()),
        dir + QLatin1Char('/') + baseName(title) + QLatin1Char('.') + suffix, filter);
    if (path.isEmpty())
        return;
    QString error;
    if (!writeExport(path, bytes(), &error))
        QMessageBox::warning(widget, QObject::tr("Inferscope"), error);
}

} // namespace

QImage renderAt2x(QWidget* widget)
{
    QImage image(widget->size() * 2, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(2);
    image.fill(widget->palette().color(widget->backgroundRole()));
    widget->render(&image);
    return image;
}

bool writeExport(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        if (error)
            *error = QObject::tr("Could not write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

QMenu* createExportMenu(QWidget* widget, const ExportSource& source, QWidget* parent)
{
    auto* menu = new QMenu(parent);
    menu->addAction(QObject::tr("Copy Image"), widget,
                    [widget] { QApplication::clipboard()->setImage(renderAt2x(widget)); });
    menu->addAction(QObject::tr("Save PNG…"), widget, [widget, source] {
        saveAs(widget, source().title, QObject::tr("PNG image (*.png)"), QStringLiteral("png"),
               [widget] {
                   QByteArray png;
                   QBuffer buffer(&png);
                   buffer.open(QIODevice::WriteOnly);
                   renderAt2x(widget).save(&buffer, "PNG");
                   return png;
               });
    });
    menu->addSeparator();
    menu->addAction(QObject::tr("Save CSV…"), widget, [widget, source] {
        const ExportTable t = source();
        saveAs(widget, t.title, QObject::tr("CSV (*.csv)"), QStringLiteral("csv"),
               [t] { return t.toCsv().toUtf8(); });
    });
    menu->addAction(QObject::tr("Save JSON…"), widget, [widget, source] {
        const ExportTable t = source();
        saveAs(widget, t.title, QObject::tr("JSON (*.json)"), QStringLiteral("json"),
               [t] { return t.toJson(); });
    });
    return menu;
}

void installExportMenu(QWidget* widget, ExportSource source)
{
    widget->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(widget, &QWidget::customContextMenuRequested, widget,
                     [widget, source = std::move(source)](const QPoint& pos) {
                         QMenu* menu = createExportMenu(widget, source, widget);
                         menu->setAttribute(Qt::WA_DeleteOnClose);
                         // A scroll area reports the position in its viewport.
                         auto* area = qobject_cast<QAbstractScrollArea*>(widget);
                         menu->popup(area ? area->viewport()->mapToGlobal(pos)
                                          : widget->mapToGlobal(pos));
                     });
}

void installExportMenus(QWidget* root)
{
    for (TimeSeriesChart* chart : root->findChildren<TimeSeriesChart*>()) {
        if (chart->contextMenuPolicy() != Qt::CustomContextMenu)
            installExportMenu(chart, [chart] { return exportChart(*chart); });
    }
    for (BarChart* chart : root->findChildren<BarChart*>()) {
        if (chart->contextMenuPolicy() != Qt::CustomContextMenu)
            installExportMenu(chart, [chart] { return exportChart(*chart); });
    }
    for (QAbstractItemView* view : root->findChildren<QAbstractItemView*>()) {
        // Combo boxes' popups are item views too; only views of a page's tables.
        if (view->contextMenuPolicy() == Qt::CustomContextMenu || !view->model() ||
            view->inherits("QComboBoxListView") || view->window() != root->window())
            continue;
        installExportMenu(view, [view] {
            const QString title =
                view->accessibleName().isEmpty() ? QObject::tr("table") : view->accessibleName();
            return exportModel(*view->model(), title);
        });
    }
}

} // namespace isc
