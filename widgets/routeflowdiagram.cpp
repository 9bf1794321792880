#include "routeflowdiagram.h"

#include "charts/chartpalette.h"
#include "core/units.h"
#include "routestackchart.h"
#include "theme/theme.h"

#include <QPainter>
#include <QPainterPath>
#include <cmath>

namespace isc {

namespace {

bool hasTraffic(const RouteFigures& f)
{
    return f.requests > 0 || f.spilloverIn > 0;
}

/// A horizontal band from [y0a, y1a] at x0 to [y0b, y1b] at x1 (a cubic ribbon).
QPainterPath ribbon(double x0, double y0a, double y1a, double x1, double y0b, double y1b)
{
    const double mx = (x0 + x1) / 2;
    QPainterPath path(QPointF(x0, y0a));
    path.cubicTo(mx, y0a, mx, y0b, x1, y0b);
    path.lineTo(x1, y1b);
    path.cubicTo(mx, y1b, mx, y1a, x0, y1a);
    path.closeSubpath();
    return path;
}

} // namespace

RouteFlowDiagram::RouteFlowDiagram(QWidget* parent) : QWidget(parent)
{
    m_message = tr("Loading…");
    setMinimumHeight(200);
}

void RouteFlowDiagram::setSummary(const ReplaySummary& summary)
{
    m_summary = summary;
    m_hasData = summary.total.requests > 0;
    m_message = m_hasData ? QString() : tr("No routed traffic in this range");
    update();
}

void RouteFlowDiagram::clear(const QString& message)
{
    m_hasData = false;
    m_message = message;
    update();
}

int RouteFlowDiagram::routeNodeCount() const
{
    if (!m_hasData)
        return 0;
    int n = 0;
    for (const RouteFigures& r : m_summary.routes)
        n += hasTraffic(r) ? 1 : 0;
    return n;
}

int RouteFlowDiagram::deploymentNodeCount() const
{
    if (!m_hasData)
        return 0;
    int n = 0;
    for (const TargetFigures& t : m_summary.targets)
        n += hasTraffic(t.figures) ? 1 : 0;
    return n;
}

int RouteFlowDiagram::spilloverBandCount() const
{
    if (!m_hasData)
        return 0;
    int n = 0;
    for (const TargetFigures& t : m_summary.targets)
        n += t.figures.spilloverIn > 0 ? 1 : 0;
    return n;
}

QSize RouteFlowDiagram::sizeHint() const
{
    return {560, 300};
}

QSize RouteFlowDiagram::minimumSizeHint() const
{
    return {360, 200};
}

void RouteFlowDiagram::paintEvent(QPaintEvent*)
{
    // Colours are read here, from the palette a light/dark switch changes (and repaints).
    const QPalette& pal = palette();
    const QColor strong = themeColor(ThemeColor::ChartStrongText, pal);
    const QColor muted = themeColor(ThemeColor::MutedText, pal);
    const QColor labelBack = themeColor(ThemeColor::ChartLabelBackground, pal);
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), themeColor(ThemeColor::ChartBackground, pal));
    const QFontMetrics fm = fontMetrics();
    const int lineH = fm.height();
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(themeColor(ThemeColor::ChartText, pal));
    p.drawText(QRect(8, 6, width() - 16, lineH), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Where requests ran"));
    p.setFont(font());
    p.setPen(muted);
    p.drawText(QRect(8, 6, width() - 16, lineH), Qt::AlignRight | Qt::AlignVCenter,
               tr("band width = requests; red = spillover"));
    const QRect area(8, 6 + lineH + 8, width() - 16, height() - lineH - 22);
    if (!m_hasData) {
        p.drawText(area, Qt::AlignCenter, m_message);
        return;
    }

    // Columns: demand | routes | deployments, nodes 12 px wide, labels right of the nodes.
    constexpr int kNode = 12;
    const int labelW = std::min(300, area.width() * 2 / 5);
    const int x0 = area.left();
    const int x2 = area.right() - labelW - kNode;
    const int x1 = (x0 + x2) / 2;
    const double total = m_summary.total.requests;
    QVector<int> routes;
    for (int c = 0; c < kRouteClassCount; ++c) {
        if (hasTraffic(m_summary.routes[c]))
            routes << c;
    }
    QVector<int> targets; // in route order
    for (int c : routes) {
        for (int i = 0; i < m_summary.targets.size(); ++i) {
            const TargetFigures& t = m_summary.targets[i];
            if (static_cast<int>(t.routeClass) == c && hasTraffic(t.figures))
                targets << i;
        }
    }
    const double gapRoutes = 10, gapTargets = 6;
    const double heightRoutes = area.height() - gapRoutes * (routes.size() - 1);
    double targetsSum = 0;
    for (int i : targets)
        targetsSum +=
            m_summary.targets[i].figures.requests + m_summary.targets[i].figures.spilloverIn;
    const double heightTargets = area.height() - gapTargets * (targets.size() - 1);
    // One scale for every column so a band keeps its width: the tighter of the two.
    const double scale =
        std::min(heightRoutes / total, heightTargets / std::max(targetsSum, total));

    // Demand node.
    const double demandH = total * scale;
    const double demandTop = area.top() + (area.height() - demandH) / 2;
    p.fillRect(QRectF(x0, demandTop, kNode, demandH), muted);
    const QString demandText = tr("%1 requests").arg(formatCompact(total));
    const QRectF demandBox(x0 + kNode + 2, demandTop + demandH / 2 - lineH,
                           fm.horizontalAdvance(demandText) + 8, 2 * lineH);

    // Route nodes and demand -> route bands.
    QHash<int, double> routeTop, routeCursor;
    double y = area.top() + (heightRoutes - total * scale) / 2;
    double demandCursor = demandTop;
    for (int c : routes) {
        const double h = m_summary.routes[c].requests * scale;
        const QColor color = RouteStackChart::routeColor(static_cast<RouteClass>(c));
        QColor band = color;
        band.setAlpha(90);
        p.fillPath(ribbon(x0 + kNode, demandCursor, demandCursor + h, x1, y, y + h), band);
        p.fillRect(QRectF(x1, y, kNode, std::max(h, 1.0)), color);
        routeTop[c] = y;
        routeCursor[c] = y;
        demandCursor += h;
        y += h + gapRoutes;
    }
    // Deployment nodes and route -> deployment bands.
    QHash<int, QRectF> targetRect;
    y = area.top() + (heightTargets - targetsSum * scale) / 2;
    for (int i : targets) {
        const TargetFigures& t = m_summary.targets[i];
        const int c = static_cast<int>(t.routeClass);
        const double own = t.figures.requests * scale;
        const double in = t.figures.spilloverIn * scale;
        const QColor color = RouteStackChart::routeColor(t.routeClass);
        QColor band = color;
        band.setAlpha(90);
        if (own > 0) {
            p.fillPath(ribbon(x1 + kNode, routeCursor[c], routeCursor[c] + own, x2, y, y + own),
                       band);
            routeCursor[c] += own;
        }
        const QRectF node(x2, y, kNode, std::max(own + in, 1.0));
        p.fillRect(node, color);
        if (in > 0)
            p.fillRect(QRectF(x2, y + own, kNode, in), kSpilloverColor);
        targetRect[i] = node;
        y += own + in + gapTargets;
    }
    // Labels after the bands, on a translucent backing so they stay readable.
    p.fillRect(demandBox, labelBack);
    p.setPen(strong);
    p.drawText(demandBox.adjusted(4, 0, 0, -lineH), Qt::AlignLeft | Qt::AlignVCenter, tr("Demand"));
    p.setPen(muted);
    p.drawText(demandBox.adjusted(4, lineH, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, demandText);
    for (int c : routes) {
        const RouteFigures& f = m_summary.routes[c];
        const double h = f.requests * scale;
        const QString text = tr("%1 · %2 %")
                                 .arg(routeClassTitle(static_cast<RouteClass>(c)))
                                 .arg(100.0 * f.requests / total, 0, 'f', 1);
        const int w = fm.horizontalAdvance(text) + 6;
        const QRectF box(x1 + kNode + 3, routeTop[c] + h / 2 - lineH / 2.0, w, lineH);
        p.fillRect(box, labelBack);
        p.setPen(strong);
        p.drawText(box.adjusted(3, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
    }
    // Spillover bands: from the provisioned deployment's node to its target's spillover part.
    for (int i : targets) {
        const TargetFigures& t = m_summary.targets[i];
        if (t.figures.spilloverIn <= 0)
            continue;
        const QRectF dst = targetRect[i];
        const double in = t.figures.spilloverIn * scale;
        for (int j : targets) {
            const TargetFigures& s = m_summary.targets[j];
            if (s.figures.spilloverOut <= 0 || !targetRect.contains(j))
                continue;
            const QRectF src = targetRect[j];
            const double h = std::min(in, s.figures.spilloverOut * scale);
            QColor band = kSpilloverColor;
            band.setAlpha(110);
            // A loop out to the left of the deployment column and back in.
            const double bx = x2 - 40;
            QPainterPath path(QPointF(x2, src.top()));
            path.cubicTo(bx, src.top(), bx, dst.bottom() - h, x2, dst.bottom() - h);
            path.lineTo(x2, dst.bottom());
            path.cubicTo(bx - 8, dst.bottom(), bx - 8, src.top() + h, x2, src.top() + h);
            path.closeSubpath();
            p.fillPath(path, band);
        }
    }
    // Deployment labels.
    for (int i : targets) {
        const TargetFigures& t = m_summary.targets[i];
        const QRectF node = targetRect[i];
        QString text = tr("%1 · %2").arg(t.name, formatCompact(t.figures.requests));
        if (t.figures.spilloverIn > 0)
            text += tr(" (+%1 spillover)").arg(formatCompact(t.figures.spilloverIn));
        text = fm.elidedText(text, Qt::ElideRight, labelW - 4);
        p.setPen(strong);
        p.drawText(QRectF(x2 + kNode + 4, node.center().y() - lineH / 2.0, labelW - 4, lineH),
                   Qt::AlignLeft | Qt::AlignVCenter, text);
    }
}

} // namespace isc
