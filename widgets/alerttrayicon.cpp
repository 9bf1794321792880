#include "alerttrayicon.h"

#include "charts/chartpalette.h"

#include <QApplication>
#include <QMenu>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

namespace isc {

AlertTrayIcon::AlertTrayIcon(QObject* parent) : QSystemTrayIcon(parent)
{
    auto* menu = new QMenu;
    menu->addAction(tr("Show Inferscope"), this, &AlertTrayIcon::showWindowRequested);
    menu->addAction(tr("Show Alerts"), this, &AlertTrayIcon::showAlertsRequested);
    menu->addSeparator();
    menu->addAction(tr("Quit"), this, &AlertTrayIcon::quitRequested);
    setContextMenu(menu);
    connect(this, &QObject::destroyed, menu, &QObject::deleteLater);
    connect(this, &QSystemTrayIcon::activated, this, [this](ActivationReason reason) {
        if (reason == Trigger || reason == DoubleClick)
            emit showWindowRequested();
    });
    setFiring(0, tr("Nothing is firing"));
}

QIcon AlertTrayIcon::iconFor(int firing, int size)
{
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor base = firing > 0 ? kThresholdColor : kSeriesPalette[0];
    p.setBrush(base);
    p.setPen(Qt::NoPen);
    p.drawRoundedRect(QRectF(2, 2, size - 4, size - 4), size * 0.2, size * 0.2);
    p.setPen(QPen(Qt::white, size * 0.08, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    if (firing > 0) {
        QFont f = QApplication::font();
        f.setBold(true);
        f.setPixelSize(int(size * (firing > 9 ? 0.45 : 0.6)));
        p.setFont(f);
        p.drawText(QRectF(0, 0, size, size), Qt::AlignCenter,
                   firing > 99 ? QStringLiteral("99+") : QString::number(firing));
    } else {
        // A small polyline: the console's chart mark.
        const QPointF pts[] = {{size * 0.2, size * 0.65},
                               {size * 0.4, size * 0.45},
                               {size * 0.58, size * 0.58},
                               {size * 0.8, size * 0.3}};
        p.drawPolyline(pts, 4);
    }
    return QIcon(pm);
}

void AlertTrayIcon::setFiring(int firing, const QString& summary)
{
    if (firing != m_firing)
        setIcon(iconFor(firing));
    m_firing = firing;
    setToolTip(tr("Inferscope\n%1").arg(summary));
}

} // namespace isc
