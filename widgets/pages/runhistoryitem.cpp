#include "runhistoryitem.h"

#include "core/units.h"
#include "playgroundpage.h"
#include "playgroundpane.h"

#include <QColor>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTreeWidgetItem>

namespace isc {

QTreeWidgetItem* runHistoryItem(const StoredRun& r)
{
    const QJsonObject m = QJsonDocument::fromJson(r.metricsJson.toUtf8()).object();
    const auto ms = [](const QJsonValue& v) {
        return v.isDouble() ? formatDurationMs(v.toDouble()) : QStringLiteral("–");
    };
    auto* item = new QTreeWidgetItem;
    item->setData(0, Qt::UserRole, r.id);
    item->setText(0, r.starred ? QStringLiteral("★") : QString());
    item->setText(1, QDateTime::fromMSecsSinceEpoch(r.createdAtMs)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    item->setText(2, r.target);
    item->setText(3, m.value(QLatin1String("model")).toString(r.model));
    item->setText(4, ms(m.value(QLatin1String("ttft_ms"))));
    item->setText(5, ms(m.value(QLatin1String("total_ms"))));
    const QJsonValue out = m.value(QLatin1String("tokens_out"));
    item->setText(6, out.isDouble() ? QString::number(out.toInteger()) +
                                          (m.value(QLatin1String("tokens_estimated")).toBool()
                                               ? PlaygroundPage::tr(" (est.)")
                                               : QString())
                                    : QStringLiteral("–"));
    item->setText(7, m.value(QLatin1String("cost")).toString(PlaygroundPage::tr("no price")));
    QString summary;
    if (!r.error.isEmpty()) {
        summary = r.error;
        item->setForeground(8, QColor(0xb9, 0x1c, 0x1c));
    } else if (r.redacted) {
        summary = PlaygroundPage::tr("(stored without prompt and answer)");
        item->setForeground(8, QColor(0x6b, 0x72, 0x80));
    } else {
        summary = r.output.simplified();
    }
    item->setText(8, summary.left(300));
    item->setToolTip(8, r.redacted ? summary : r.output.left(2000));
    return item;
}

} // namespace isc
