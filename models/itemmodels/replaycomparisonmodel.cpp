#include "itemmodels/replaycomparisonmodel.h"

#include "core/units.h"

#include <cmath>

namespace isc {

ReplayComparisonModel::ReplayComparisonModel(QObject* parent) : QAbstractTableModel(parent) {}

void ReplayComparisonModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void ReplayComparisonModel::setResult(const ReplayResult& result)
{
    const ReplaySummary& a = result.actual;
    const ReplaySummary& r = result.replayed;
    beginResetModel();
    m_rows.clear();
    auto add = [this](const QString& key, const QString& label, Kind kind, double actual,
                      double replayed, int better) {
        m_rows.append({key, label, kind, actual, replayed, better, false});
    };
    add(QStringLiteral("cost"), tr("Cost"), Kind::Money, a.total.cost.toUnits(),
        r.total.cost.toUnits(), -1);
    add(QStringLiteral("costPer1k"), tr("Cost per 1k requests"), Kind::Money,
        a.total.costPer1kRequests(), r.total.costPer1kRequests(), -1);
    if (!a.baseline.isEmpty())
        add(QStringLiteral("costAvoided"), tr("Cost avoided vs baseline"), Kind::Money,
            a.costAvoided().toUnits(), r.costAvoided().toUnits(), +1);
    add(QStringLiteral("served"), tr("Requests served"), Kind::Count, a.total.servedRequests,
        r.total.servedRequests, +1);
    add(QStringLiteral("429"), tr("429 answers"), Kind::Count, a.total.requests429,
        r.total.requests429, -1);
    if (a.total.capped > 0 || r.total.capped > 0)
        add(QStringLiteral("capped"), tr("Over a local server's peak (spilled or not served)"),
            Kind::Count, a.total.capped, r.total.capped, -1);
    add(QStringLiteral("rejected"), tr("Not served (429 or over a peak, not spilled over)"),
        Kind::Count, a.total.requests429 + a.total.capped - a.total.spilloverOut,
        r.total.requests429 + r.total.capped - r.total.spilloverOut, -1);
    add(QStringLiteral("minutes429"), tr("Minutes with 429s (sum over deployments)"), Kind::Count,
        a.total.minutes429, r.total.minutes429, -1);
    add(QStringLiteral("spillover"), tr("Spillover rate"), Kind::Share, a.spilloverRate,
        r.spilloverRate, 0);
    add(QStringLiteral("localShare"), tr("Local share of served requests"), Kind::Share,
        a.localShare, r.localShare, 0);
    add(QStringLiteral("cloudShare"), tr("Cloud share of served requests"), Kind::Share,
        a.cloudShare, r.cloudShare, 0);
    add(QStringLiteral("ttft"), tr("Time to first token (mean)"), Kind::Milliseconds,
        a.total.ttftMs, r.total.ttftMs, -1);
    add(QStringLiteral("ttlt"), tr("Time to last token (mean)"), Kind::Milliseconds, a.total.ttltMs,
        r.total.ttltMs, -1);
    for (int c = 0; c < kRouteClassCount; ++c) {
        const RouteFigures &ra = a.routes[c], &rr = r.routes[c];
        if (ra.requests <= 0 && rr.requests <= 0 && ra.cost.micros == 0 && rr.cost.micros == 0)
            continue;
        const auto rc = static_cast<RouteClass>(c);
        const QString key = QStringLiteral("route:") + routeClassName(rc);
        m_rows.append({key, routeClassTitle(rc), Kind::Count, 0, 0, 0, true});
        add(key + QStringLiteral(":requests"), tr("Requests routed here"), Kind::Count, ra.requests,
            rr.requests, 0);
        add(key + QStringLiteral(":served"), tr("Requests served (incl. spillover in)"),
            Kind::Count, ra.servedRequests, rr.servedRequests, 0);
        add(key + QStringLiteral(":cost"), tr("Cost"), Kind::Money, ra.cost.toUnits(),
            rr.cost.toUnits(), -1);
        add(key + QStringLiteral(":429"), tr("429 answers"), Kind::Count, ra.requests429,
            rr.requests429, -1);
        if (ra.capped > 0 || rr.capped > 0)
            add(key + QStringLiteral(":capped"), tr("Over its peak (spilled or not served)"),
                Kind::Count, ra.capped, rr.capped, -1);
        add(key + QStringLiteral(":ttft"), tr("TTFT"), Kind::Milliseconds, ra.ttftMs, rr.ttftMs,
            -1);
    }
    endResetModel();
}

int ReplayComparisonModel::rowOf(const QString& key) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key == key)
            return i;
    }
    return -1;
}

QString ReplayComparisonModel::text(Kind kind, double v)
{
    switch (kind) {
    case Kind::Money:
        return Money::fromUnits(v).format(std::abs(v) < 10 ? 3 : 2);
    case Kind::Count:
        return formatCompact(v);
    case Kind::Share:
        return QStringLiteral("%1 %").arg(100.0 * v, 0, 'f', 1);
    case Kind::Milliseconds:
        return v > 0 ? formatQuantity(v, Unit::Milliseconds) : QStringLiteral("–");
    }
    return {};
}

int ReplayComparisonModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ReplayComparisonModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReplayComparisonModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& row = m_rows[index.row()];
    const double delta = row.replayed - row.actual;
    const bool same = std::abs(delta) <= 1e-9 * std::max(1.0, std::abs(row.actual));
    switch (role) {
    case ActualRole:
        return row.actual;
    case ReplayedRole:
        return row.replayed;
    case KeyRole:
        return row.key;
    case SentimentRole:
        return row.section || same || row.better == 0 ? 0
               : (delta > 0) == (row.better > 0)      ? 1
                                                      : -1;
    case SectionRole:
        return row.section;
    case Qt::TextAlignmentRole:
        return index.column() == Metric ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                        : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    if (row.section)
        return index.column() == Metric ? row.label : QVariant();
    switch (index.column()) {
    case Metric:
        return row.label;
    case Actual:
        return text(row.kind, row.actual);
    case Replayed:
        return text(row.kind, row.replayed);
    case Change:
        if (same)
            return tr("no change");
        if (row.kind == Kind::Share)
            return QStringLiteral("%1%2 pts")
                .arg(delta > 0 ? "+" : "")
                .arg(100.0 * delta, 0, 'f', 1);
        if (row.actual != 0 && row.kind != Kind::Money)
            return QStringLiteral("%1%2 %")
                .arg(delta > 0 ? "+" : "")
                .arg(100.0 * delta / std::abs(row.actual), 0, 'f', 1);
        return (delta > 0 ? QStringLiteral("+") : QString()) + text(row.kind, delta);
    }
    return {};
}

QVariant ReplayComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Metric:
        return tr("Figure");
    case Actual:
        return tr("Recorded");
    case Replayed:
        return tr("Replayed");
    case Change:
        return tr("Change");
    }
    return {};
}

} // namespace isc
