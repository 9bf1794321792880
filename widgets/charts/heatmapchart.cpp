#include "heatmapchart.h"

#include "core/units.h"
#include "theme/theme.h"
#include "timeaxis.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QLinearGradient>
#include <QLocale>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <iterator>

namespace isc {
namespace {

constexpr int kMargin = 6;
constexpr int kLeftAxis = 64;   // row labels
constexpr int kAxisTitle = 16;  // the rotated y title
constexpr int kBottomAxis = 34; // time labels and the axis title
constexpr int kLegendWidth = 78;
constexpr int kLegendBar = 12;

QString countText(double v)
{
    if (v >= 10 || v == std::floor(v))
        return QLocale().toString(qint64(std::llround(v)));
    return QLocale().toString(v, 'f', 1);
}

} // namespace

HeatmapChart::HeatmapChart(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

void HeatmapChart::setData(const HeatmapReport& data)
{
    m_data = data;
    m_max = data.maxCount();
    setAccessibleName(data.title);
    update();
}

QSize HeatmapChart::sizeHint() const
{
    return {640, 280};
}

QSize HeatmapChart::minimumSizeHint() const
{
    return {320, 180};
}

HeatmapChart::Geometry HeatmapChart::geometry() const
{
    Geometry g;
    g.titleHeight = fontMetrics().height() + 6;
    const int left = kMargin + kAxisTitle + kLeftAxis;
    const int top = kMargin + g.titleHeight + 4;
    g.plot = QRect(left, top, std::max(10, width() - left - kLegendWidth - kMargin),
                   std::max(10, height() - top - kBottomAxis - kMargin));
    g.legend = QRect(g.plot.right() + 14, g.plot.top() + fontMetrics().height() + 10, kLegendBar,
                     std::max(10, g.plot.height() - fontMetrics().height() - 10));
    return g;
}

double HeatmapChart::xOf(qint64 ts, const QRect& plot) const
{
    const double span = std::max<qint64>(1, m_data.range.duration());
    return plot.left() + (double(ts - m_data.range.from) / span) * plot.width();
}

QString HeatmapChart::boundText(double ms) const
{
    if (std::isinf(ms))
        return QStringLiteral("+Inf");
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(QLocale().toString(ms, 'g', 3));
    return QStringLiteral("%1 s").arg(QLocale().toString(ms / 1000.0, 'g', 3));
}

QVector<std::pair<qint64, QString>> HeatmapChart::timeTicks() const
{
    QVector<std::pair<qint64, QString>> out;
    if (m_data.range.duration() <= 0)
        return out;
    const int plotWidth =
        std::max(1, width() - kMargin * 2 - kAxisTitle - kLeftAxis - kLegendWidth);
    // The time charts' ticks: whole local hours, days on local midnight.
    const TimeTicks ticks = isc::timeTicks(m_data.range.from * 1000, m_data.range.to * 1000,
                                           std::max(2, plotWidth / 90));
    for (int i = 0; i < ticks.positionsMs.size(); ++i)
        out.append({qint64(ticks.positionsMs[i] / 1000), ticks.labels[i]});
    return out;
}

QStringList HeatmapChart::rowLabels() const
{
    QStringList out;
    if (m_data.upperBounds.isEmpty())
        return out;
    out << boundText(m_data.lowerBounds.value(0));
    for (double b : m_data.upperBounds)
        out << boundText(b);
    return out;
}

QStringList HeatmapChart::timeLabels() const
{
    QStringList out;
    for (const auto& t : timeTicks())
        out << t.second;
    return out;
}

QStringList HeatmapChart::legendLabels() const
{
    if (m_max <= 0)
        return {};
    // Square-root scale: the middle of the bar is a quarter of the largest count.
    return {QStringLiteral("0"), countText(m_max / 4), countText(m_max)};
}

QString HeatmapChart::stateMessage() const
{
    if (!m_data.isEmpty() && m_max > 0)
        return {};
    return m_data.emptyMessage.isEmpty() ? tr("No data in this range.") : m_data.emptyMessage;
}

QColor HeatmapChart::colorFor(double count) const
{
    if (!(count > 0) || m_max <= 0)
        return {};
    return themeRamp(std::sqrt(count / m_max), palette());
}

std::pair<int, int> HeatmapChart::cellAt(const QPoint& pos) const
{
    const Geometry g = geometry();
    if (!stateMessage().isEmpty() || !g.plot.contains(pos))
        return {-1, -1};
    const int rows = m_data.rowCount();
    const int row = std::clamp(
        int((g.plot.bottom() + 1 - pos.y()) * rows / double(g.plot.height())), 0, rows - 1);
    for (int c = 0; c < m_data.columns.size(); ++c) {
        const qint64 from = m_data.columns[c].from;
        if (pos.x() >= xOf(from, g.plot) && pos.x() < xOf(from + m_data.step, g.plot))
            return {c, row};
    }
    return {-1, -1};
}

QPoint HeatmapChart::cellCenter(int column, int row) const
{
    const Geometry g = geometry();
    const qint64 from = m_data.columns.value(column).from;
    const double x = (xOf(from, g.plot) + xOf(from + m_data.step, g.plot)) / 2;
    const double rowHeight = double(g.plot.height()) / std::max(1, m_data.rowCount());
    const double y = g.plot.bottom() + 1 - (row + 0.5) * rowHeight;
    return QPoint(int(x), int(y));
}

QString HeatmapChart::toolTipAt(const QPoint& pos) const
{
    const auto [c, r] = cellAt(pos);
    if (c < 0)
        return {};
    const HeatmapReport::Column& col = m_data.columns[c];
    const QString fmt =
        m_data.step >= 86400 ? QStringLiteral("d MMM") : QStringLiteral("d MMM HH:mm");
    const QLocale locale;
    return tr("%1 – %2 (local time)\n%3: %4 – %5\n%6 %7")
        .arg(locale.toString(QDateTime::fromSecsSinceEpoch(col.from), fmt),
             locale.toString(QDateTime::fromSecsSinceEpoch(col.from + m_data.step),
                             QStringLiteral("HH:mm")),
             m_data.valueAxisTitle, boundText(m_data.lowerBounds.value(r)),
             boundText(m_data.upperBounds.value(r)), countText(col.counts.value(r)),
             m_data.countName);
}

ExportTable HeatmapChart::exportTable() const
{
    ExportTable t;
    t.title = m_data.title;
    t.columns = {QStringLiteral("time"), QStringLiteral("bucket_from_ms"),
                 QStringLiteral("bucket_to_ms"), m_data.countName};
    for (const HeatmapReport::Column& c : m_data.columns) {
        for (int r = 0; r < c.counts.size() && r < m_data.rowCount(); ++r) {
            if (!(c.counts[r] > 0))
                continue;
            const double upper = m_data.upperBounds[r];
            t.rows.append({formatIsoUtc(c.from), m_data.lowerBounds.value(r),
                           std::isinf(upper) ? QVariant(QStringLiteral("+Inf")) : QVariant(upper),
                           c.counts[r]});
        }
    }
    t.meta.insert(QStringLiteral("step_seconds"), m_data.step);
    t.meta.insert(QStringLiteral("from"), formatIsoUtc(m_data.range.from));
    t.meta.insert(QStringLiteral("to"), formatIsoUtc(m_data.range.to));
    t.meta.insert(QStringLiteral("quantity"), m_data.valueAxisTitle);
    return t;
}

bool HeatmapChart::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(e);
}

void HeatmapChart::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QPalette pal = palette();
    p.fillRect(rect(), themeColor(ThemeColor::ChartBackground, pal));
    const Geometry g = geometry();
    const QFontMetrics fm = fontMetrics();

    // Title, then the note in the muted colour.
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(themeColor(ThemeColor::ChartText, pal));
    const QRect titleRect(kMargin, kMargin, width() - 2 * kMargin, g.titleHeight);
    p.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, m_data.title);
    const int titleWidth = QFontMetrics(bold).horizontalAdvance(m_data.title);
    p.setFont(font());
    if (!m_data.note.isEmpty()) {
        p.setPen(themeColor(ThemeColor::MutedText, pal));
        p.drawText(titleRect.adjusted(titleWidth + 8, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(QStringLiteral("· ") + m_data.note, Qt::ElideRight,
                                 titleRect.width() - titleWidth - 8));
    }

    const QString message = stateMessage();
    if (!message.isEmpty()) {
        p.setPen(themeColor(ThemeColor::MutedText, pal));
        p.drawText(g.plot.adjusted(12, 0, -12, 0), Qt::AlignCenter | Qt::TextWordWrap, message);
        return;
    }

    // Cells (a first step may start before the range: clipped to the plot).
    p.save();
    p.setClipRect(g.plot);
    const int rows = m_data.rowCount();
    const double rowHeight = double(g.plot.height()) / rows;
    for (const HeatmapReport::Column& c : m_data.columns) {
        const double x0 = xOf(c.from, g.plot), x1 = xOf(c.from + m_data.step, g.plot);
        for (int r = 0; r < rows && r < c.counts.size(); ++r) {
            const QColor fill = colorFor(c.counts[r]);
            if (!fill.isValid())
                continue;
            const double y1 = g.plot.bottom() + 1 - r * rowHeight;
            p.fillRect(QRectF(x0, y1 - rowHeight, std::max(1.0, x1 - x0), rowHeight), fill);
        }
    }
    p.restore();

    // Frame, row boundaries and their labels (every n-th when rows are thin).
    p.setPen(themeColor(ThemeColor::ChartAxisLine, pal));
    p.drawRect(g.plot.adjusted(0, 0, -1, -1));
    const QStringList labels = rowLabels();
    const int every = std::max(1, int(std::ceil(fm.height() / rowHeight)));
    p.setPen(themeColor(ThemeColor::ChartText, pal));
    for (int i = 0; i < labels.size(); i += every) {
        const int y = int(g.plot.bottom() + 1 - i * rowHeight);
        p.drawText(
            QRect(g.plot.left() - kLeftAxis, y - fm.height() / 2, kLeftAxis - 6, fm.height()),
            Qt::AlignRight | Qt::AlignVCenter, labels[i]);
    }
    p.save();
    p.translate(kMargin + fm.height() / 2 + 2, g.plot.center().y());
    p.rotate(-90);
    p.drawText(QRect(-g.plot.height() / 2, -fm.height() / 2, g.plot.height(), fm.height()),
               Qt::AlignCenter, m_data.valueAxisTitle);
    p.restore();

    // Time axis.
    for (const auto& [t, text] : timeTicks()) {
        const int x = int(xOf(t, g.plot));
        p.setPen(themeColor(ThemeColor::ChartAxisLine, pal));
        p.drawLine(x, g.plot.bottom() + 1, x, g.plot.bottom() + 4);
        p.setPen(themeColor(ThemeColor::ChartText, pal));
        p.drawText(QRect(x - 45, g.plot.bottom() + 5, 90, fm.height()), Qt::AlignCenter, text);
    }
    p.drawText(QRect(g.plot.left(), g.plot.bottom() + 5 + fm.height(), g.plot.width(), fm.height()),
               Qt::AlignCenter, tr("local time, %1 per column").arg(stepText(m_data.step)));

    // Colour legend: the ramp bottom (few) to top (many), its count name above.
    QLinearGradient ramp(g.legend.bottomLeft(), g.legend.topLeft());
    for (int i = 0; i <= 8; ++i)
        ramp.setColorAt(i / 8.0, themeRamp(i / 8.0, pal));
    p.fillRect(g.legend, ramp);
    p.setPen(themeColor(ThemeColor::ChartAxisLine, pal));
    p.drawRect(g.legend.adjusted(0, 0, -1, -1));
    p.setPen(themeColor(ThemeColor::ChartText, pal));
    p.drawText(QRect(g.legend.left() - 4, g.plot.top(), kLegendWidth, fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter, m_data.countName);
    const QStringList legend = legendLabels();
    for (int i = 0; i < legend.size(); ++i) {
        const int y = int(g.legend.bottom() - i * g.legend.height() / double(legend.size() - 1));
        p.drawText(QRect(g.legend.right() + 4, y - fm.height() / 2, kLegendWidth, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, legend[i]);
    }
}

} // namespace isc
