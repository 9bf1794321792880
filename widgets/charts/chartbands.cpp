#include "charts/chartbands.h"
#include "theme/theme.h"

#include <QChart>
#include <QGraphicsRectItem>
#include <QPainter>
#include <QWidget>
#include <algorithm>

namespace isc {

namespace {
// QtCharts stacks its items by z: background -1, plot area 0, shades 1, grid 2, axes 3,
// series 4 and up. Between shades and grid the bands sit under every line.
constexpr double kBandZ = 1.5;

/// A band tinted with a theme colour, read when it is painted so a light/dark switch shows at
/// the next repaint.
class BandItem : public QGraphicsRectItem
{
public:
    BandItem(ThemeColor role, int alpha, QGraphicsItem* parent)
        : QGraphicsRectItem(parent), m_role(role), m_alpha(alpha)
    {}

    void paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget* widget) override
    {
        QColor fill = widget ? themeColor(m_role, widget->palette()) : themeColor(m_role);
        fill.setAlpha(m_alpha);
        painter->fillRect(rect(), fill);
    }

private:
    ThemeColor m_role;
    int m_alpha;
};
} // namespace

ChartBands::ChartBands(QChart* chart, ThemeColor role, int alpha)
    : m_chart(chart), m_role(role), m_alpha(alpha)
{}

void ChartBands::setBands(const QVector<TimeRange>& bands, const QString& toolTip)
{
    m_bands = bands;
    m_toolTip = toolTip;
    while (m_items.size() > m_bands.size())
        delete m_items.takeLast();
    while (m_items.size() < m_bands.size()) {
        auto* item = new BandItem(m_role, m_alpha, m_chart);
        item->setPen(Qt::NoPen);
        item->setZValue(kBandZ);
        item->setVisible(false);
        m_items.append(item);
    }
    for (QGraphicsRectItem* item : std::as_const(m_items))
        item->setToolTip(m_toolTip);
}

void ChartBands::place(const QRectF& plotArea, double xFromMs, double xToMs)
{
    const double span = xToMs - xFromMs;
    for (int i = 0; i < m_items.size(); ++i) {
        const double from = std::max(double(m_bands[i].from) * 1000.0, xFromMs);
        const double to = std::min(double(m_bands[i].to) * 1000.0, xToMs);
        if (!plotArea.isValid() || span <= 0 || to <= from) {
            m_items[i]->setVisible(false);
            continue;
        }
        const double left = plotArea.left() + (from - xFromMs) / span * plotArea.width();
        const double right = plotArea.left() + (to - xFromMs) / span * plotArea.width();
        // At least 2 px: a five-minute alert on a 30-day axis still shows.
        const double width = std::max(2.0, right - left);
        m_items[i]->setRect(left, plotArea.top(), width, plotArea.height());
        m_items[i]->setVisible(true);
    }
}

int ChartBands::visibleCount() const
{
    return int(std::count_if(m_items.cbegin(), m_items.cend(),
                             [](const QGraphicsRectItem* i) { return i->isVisible(); }));
}

} // namespace isc
