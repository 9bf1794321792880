#include "commands.h"
#include "databasepassword.h"
#include "net/secretstore.h"

#include "core/timerange.h"
#include "store/samplestore.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <cstdio>

namespace isc::app {
namespace {

Reduce reduceFromName(const QString& name)
{
    if (name == QLatin1String("min"))
        return Reduce::Min;
    if (name == QLatin1String("max"))
        return Reduce::Max;
    if (name == QLatin1String("sum"))
        return Reduce::Sum;
    return Reduce::Avg;
}

/// Across series (deployments, status codes, ...): counts add up, the others do not.
Combine combineFor(const QString& aggregation)
{
    if (aggregation == QLatin1String("total") || aggregation == QLatin1String("count"))
        return Combine::Sum;
    if (aggregation == QLatin1String("maximum"))
        return Combine::Max;
    return Combine::Mean;
}

QString number(double v)
{
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

} // namespace

int runQuery(const Invocation& inv)
{
    // A "scheme://" address is not a file: the store's open says what this build serves.
    if (!isDatabaseAddress(inv.dbPath) && !QFileInfo::exists(inv.dbPath)) {
        printError(
            QStringLiteral("no database at %1 (run `inferscope collect` first)").arg(inv.dbPath));
        return 1;
    }
    SampleStore store;
    const OpenReport report =
        store.open(inv.dbPath, DatabasePassword::settingsFor(inv.dbPath, SecretStore::shared()))
            .result();
    if (!report.usable()) {
        printError(report.message);
        return 1;
    }
    if (!report.message.isEmpty())
        printError(report.message);

    SeriesQuery q;
    q.metric = inv.metric;
    if (!inv.deployment.isEmpty())
        q.labelEquals.insert(QStringLiteral("ModelDeploymentName"), inv.deployment);
    if (inv.from > 0) {
        q.range = {inv.from, inv.to};
    } else {
        const qint64 end = floorTo(nowUtc(), inv.step) + inv.step;
        q.range = {end - inv.last, end};
    }
    q.step = inv.step;
    q.reduce = reduceFromName(inv.reduce);

    QStringList tried = inv.aggregation.isEmpty()
                            ? QStringList{QStringLiteral("total"), QStringLiteral("average")}
                            : QStringList{inv.aggregation};
    QueryResult result;
    QString aggregation;
    for (const QString& a : tried) {
        q.aggregation = a;
        q.combine = combineFor(a);
        result = store.query(q).result();
        aggregation = a;
        if (!result.error.isEmpty() || !result.series.isEmpty())
            break;
    }
    if (!result.error.isEmpty()) {
        printError(result.error);
        return 1;
    }
    if (result.series.isEmpty()) {
        printError(QStringLiteral("no data for metric %1%2 in %3 .. %4")
                       .arg(inv.metric,
                            inv.deployment.isEmpty()
                                ? QString()
                                : QStringLiteral(" (deployment %1)").arg(inv.deployment),
                            formatIsoUtc(q.range.from), formatIsoUtc(q.range.to)));
        return 3;
    }
    const QVector<QPointF>& points = result.series.first().points;
    if (inv.format == QLatin1String("json")) {
        QJsonArray rows;
        for (const QPointF& p : points)
            rows.append(QJsonObject{{QStringLiteral("time"), formatIsoUtc(qint64(p.x()) / 1000)},
                                    {QStringLiteral("value"), p.y()}});
        QJsonObject doc{{QStringLiteral("metric"), inv.metric},
                        {QStringLiteral("aggregation"), aggregation},
                        {QStringLiteral("reduce"), inv.reduce},
                        {QStringLiteral("step"), formatDuration(inv.step)},
                        {QStringLiteral("from"), formatIsoUtc(q.range.from)},
                        {QStringLiteral("to"), formatIsoUtc(q.range.to)},
                        {QStringLiteral("rows"), rows}};
        if (!inv.deployment.isEmpty())
            doc.insert(QStringLiteral("deployment"), inv.deployment);
        std::fputs(QJsonDocument(doc).toJson(QJsonDocument::Indented).constData(), stdout);
    } else {
        std::printf("time,%s\n", qPrintable(inv.metric));
        for (const QPointF& p : points)
            std::printf("%s,%s\n", qPrintable(formatIsoUtc(qint64(p.x()) / 1000)),
                        qPrintable(number(p.y())));
    }
    return 0;
}

} // namespace isc::app
