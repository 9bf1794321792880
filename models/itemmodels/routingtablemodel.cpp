#include "itemmodels/routingtablemodel.h"

#include "core/units.h"

namespace isc {

namespace {

QString msText(double ms)
{
    return ms > 0 ? formatQuantity(ms, Unit::Milliseconds) : QStringLiteral("–");
}

} // namespace

RoutingTableModel::RoutingTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RoutingTableModel::setSummary(const ReplaySummary& summary)
{
    m_summary = summary;
    rebuild();
}

void RoutingTableModel::setLevel(Level level)
{
    if (level == m_level)
        return;
    m_level = level;
    rebuild();
}

void RoutingTableModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    if (m_level == Level::Routes) {
        for (int c = 0; c < kRouteClassCount; ++c) {
            const RouteFigures& f = m_summary.routes[c];
            if (f.requests <= 0 && f.servedRequests <= 0 && f.cost.micros == 0)
                continue;
            const auto rc = static_cast<RouteClass>(c);
            m_rows.append({routeClassTitle(rc), rc, f});
        }
    } else {
        for (const TargetFigures& t : m_summary.targets) {
            const RouteFigures& f = t.figures;
            if (f.requests <= 0 && f.servedRequests <= 0 && f.cost.micros == 0)
                continue;
            m_rows.append({t.key, t.routeClass, f});
        }
    }
    endResetModel();
}

int RoutingTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RoutingTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RoutingTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row& r = m_rows[index.row()];
    const RouteFigures& f = r.figures;
    const double total = m_summary.total.requests;
    const double share = total > 0 ? f.requests / total : 0;
    if (role == RouteClassRole)
        return static_cast<int>(r.routeClass);
    if (role == Qt::TextAlignmentRole)
        return index.column() <= Route ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                       : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == ValueRole) {
        switch (index.column()) {
        case Name:
            return r.name;
        case Route:
            return routeClassName(r.routeClass);
        case Requests:
            return f.requests;
        case Share:
            return share;
        case Tokens:
            return f.promptTokens + f.outputTokens;
        case Cost:
            return f.cost.toUnits();
        case CostPer1k:
            return f.costPer1kRequests();
        case Ttft:
            return f.ttftMs;
        case Ttlt:
            return f.ttltMs;
        case Requests429:
            return f.requests429;
        case Spillover:
            return f.spilloverOut + f.spilloverIn;
        }
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == Spillover)
        return tr("%1 spilled out (429s served elsewhere), %2 served here as spillover")
            .arg(formatCompact(f.spilloverOut), formatCompact(f.spilloverIn));
    if (role == Qt::ToolTipRole && index.column() == Cost && r.routeClass == RouteClass::Local)
        return tr("Local models are priced at no cost (hardware is not in the catalog).");
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name:
        return r.name;
    case Route:
        return routeClassTitle(r.routeClass);
    case Requests:
        return formatCompact(f.requests);
    case Share:
        return QStringLiteral("%1 %").arg(100.0 * share, 0, 'f', 1);
    case Tokens:
        return formatCompact(f.promptTokens + f.outputTokens);
    case Cost:
        return f.cost.format(2);
    case CostPer1k:
        return f.requests > 0 ? Money::fromUnits(f.costPer1kRequests()).format(3)
                              : QStringLiteral("–");
    case Ttft:
        return msText(f.ttftMs);
    case Ttlt:
        return msText(f.ttltMs);
    case Requests429:
        return formatCompact(f.requests429);
    case Spillover:
        return f.spilloverOut > 0  ? tr("%1 out").arg(formatCompact(f.spilloverOut))
               : f.spilloverIn > 0 ? tr("%1 in").arg(formatCompact(f.spilloverIn))
                                   : QStringLiteral("–");
    }
    return {};
}

QVariant RoutingTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return m_level == Level::Routes ? tr("Route") : tr("Deployment");
    case Route:
        return tr("Class");
    case Requests:
        return tr("Requests");
    case Share:
        return tr("Share");
    case Tokens:
        return tr("Tokens");
    case Cost:
        return tr("Cost (USD)");
    case CostPer1k:
        return tr("Per 1k requests");
    case Ttft:
        return tr("TTFT");
    case Ttlt:
        return tr("TTLT");
    case Requests429:
        return tr("429s");
    case Spillover:
        return tr("Spillover");
    }
    return {};
}

} // namespace isc
