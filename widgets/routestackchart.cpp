#include "routestackchart.h"

#include "charts/chartpalette.h"
#include "core/units.h"
#include "itemmodels/chartmodel.h"
#include "theme/theme.h"

#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <cmath>

namespace isc {

namespace {

constexpr int kMaxBuckets = 120;

/// A "nice" axis top and step (1, 2, 5 x 10^n) for values up to `max`.
double niceStepFor(double max, int ticks)
{
    if (max <= 0)
        return 1;
    const double raw = max / ticks;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (raw <= m * mag)
            return m * mag;
    }
    return 10 * mag;
}

} // namespace

RouteStackChart::RouteStackChart(QWidget* parent) : QWidget(parent)
{
    setMinimumHeight(180);
    m_message = tr("Loading…");
}

QColor RouteStackChart::routeColor(RouteClass c)
{
    switch (c) {
    case RouteClass::Local:
        return kRouteLocalColor;
    case RouteClass::Provisioned:
        return kRouteProvisionedColor;
    case RouteClass::PayPerToken:
        return kRoutePayPerTokenColor;
    case RouteClass::Batch:
        return kRouteBatchColor;
    case RouteClass::OtherProvider:
        return kRouteOtherProviderColor;
    case RouteClass::Unknown:
        break;
    }
    return kRouteUnknownColor;
}

void RouteStackChart::setData(TimeRange range, const PerRoute& perMinute,
                              const QVector<float>& overlay, const QString& unitLabel,
                              const QString& overlayName)
{
    m_range = range;
    m_perMinute = perMinute;
    m_overlay = overlay;
    m_unit = unitLabel;
    m_overlayName = overlayName;
    m_message.clear();
    rebucket();
    if (seriesCount() == 0)
        m_message = tr("No routed traffic in this range");
    update();
}

void RouteStackChart::clear(const QString& message)
{
    m_buckets.clear();
    m_overlayBuckets.clear();
    m_present.fill(false);
    m_message = message;
    update();
}

void RouteStackChart::setShareMode(bool share)
{
    if (share == m_share)
        return;
    m_share = share;
    update();
}

void RouteStackChart::setFixedMaximum(double max)
{
    m_fixedMax = max;
    update();
}

void RouteStackChart::setTitle(const QString& title)
{
    m_title = title;
    update();
}

double RouteStackChart::dataMaximum() const
{
    double max = 0;
    for (const auto& b : m_buckets) {
        double sum = 0;
        for (double v : b)
            sum += v;
        max = std::max(max, sum);
    }
    return max;
}

void RouteStackChart::rebucket()
{
    m_buckets.clear();
    m_overlayBuckets.clear();
    m_present.fill(false);
    const int minutes = static_cast<int>(m_perMinute[0].size());
    if (minutes <= 0)
        return;
    m_step = niceStep(static_cast<qint64>(minutes) * 60, kMaxBuckets);
    const int per = static_cast<int>(m_step / 60);
    const int n = (minutes + per - 1) / per;
    m_buckets.resize(n);
    m_overlayBuckets = QVector<double>(n, 0);
    for (int b = 0; b < n; ++b) {
        const int from = b * per, to = std::min(minutes, from + per);
        const double count = to - from;
        for (int c = 0; c < kRouteClassCount; ++c) {
            double sum = 0;
            const QVector<float>& v = m_perMinute[c];
            for (int m = from; m < to && m < v.size(); ++m)
                sum += v[m];
            m_buckets[b][c] = sum / count;
            if (sum > 0)
                m_present[c] = true;
        }
        double o = 0;
        for (int m = from; m < to && m < m_overlay.size(); ++m)
            o += m_overlay[m];
        m_overlayBuckets[b] = o / count;
    }
}

int RouteStackChart::seriesCount() const
{
    return static_cast<int>(std::count(m_present.begin(), m_present.end(), true));
}

QStringList RouteStackChart::seriesNames() const
{
    QStringList names;
    for (int c = 0; c < kRouteClassCount; ++c) {
        if (m_present[c])
            names << routeClassTitle(static_cast<RouteClass>(c));
    }
    return names;
}

QString RouteStackChart::valueAxisTitle() const
{
    return m_share ? tr("% of %1").arg(m_unit.section(QLatin1Char('/'), 0, 0)) : m_unit;
}

QSize RouteStackChart::sizeHint() const
{
    return {560, 260};
}

QSize RouteStackChart::minimumSizeHint() const
{
    return {320, 180};
}

void RouteStackChart::paintEvent(QPaintEvent*)
{
    // Colours are read here, from the palette a light/dark switch changes (and repaints).
    const QPalette& pal = palette();
    const QColor textColor = themeColor(ThemeColor::ChartText, pal);
    const QColor strong = themeColor(ThemeColor::ChartStrongText, pal);
    const QColor muted = themeColor(ThemeColor::MutedText, pal);
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), themeColor(ThemeColor::ChartBackground, pal));
    const QFontMetrics fm = fontMetrics();
    const int lineH = fm.height();
    int top = 6;
    if (!m_title.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(textColor);
        p.drawText(QRect(8, top, width() - 16, lineH), Qt::AlignLeft | Qt::AlignVCenter, m_title);
        p.setFont(font());
        top += lineH + 2;
    }
    // Legend, wrapped onto more lines when the chart is narrow.
    const bool overlay = !m_overlayName.isEmpty() && !m_overlayBuckets.isEmpty() &&
                         std::any_of(m_overlayBuckets.begin(), m_overlayBuckets.end(),
                                     [](double v) { return v > 0; });
    int lx = 8;
    auto place = [&](int w) {
        if (lx > 8 && lx + w > width() - 8) {
            lx = 8;
            top += lineH + 2;
        }
    };
    for (int c = 0; c < kRouteClassCount; ++c) {
        if (!m_present[c])
            continue;
        const QString name = routeClassTitle(static_cast<RouteClass>(c));
        const int w = 14 + fm.horizontalAdvance(name);
        place(w);
        p.fillRect(QRect(lx, top + lineH / 2 - 5, 10, 10), routeColor(static_cast<RouteClass>(c)));
        p.setPen(textColor);
        p.drawText(lx + 14, top + fm.ascent(), name);
        lx += w + 14;
    }
    if (overlay) {
        place(20 + fm.horizontalAdvance(m_overlayName));
        p.setPen(QPen(strong, 1.5, Qt::DashLine));
        p.drawLine(lx, top + lineH / 2, lx + 16, top + lineH / 2);
        p.setPen(textColor);
        p.drawText(lx + 20, top + fm.ascent(), m_overlayName);
    }
    top += lineH + 6;

    const QString axisTitle = valueAxisTitle();
    const int left = 8 + lineH + 4 + fm.horizontalAdvance(QStringLiteral("100.0k")) + 6;
    const QRect plot(left, top, width() - left - 12, height() - top - lineH - 10);
    if (plot.width() < 40 || plot.height() < 40)
        return;
    p.setPen(textColor);
    p.save();
    p.translate(8, plot.center().y());
    p.rotate(-90);
    p.drawText(QRect(-plot.height() / 2, 0, plot.height(), lineH), Qt::AlignCenter, axisTitle);
    p.restore();

    if (m_buckets.isEmpty() || seriesCount() == 0) {
        p.setPen(themeColor(ThemeColor::CardBorder, pal));
        p.drawRect(plot);
        p.setPen(muted);
        p.drawText(plot, Qt::AlignCenter, m_message);
        return;
    }
    double max = m_share ? 100.0 : (m_fixedMax > 0 ? m_fixedMax : dataMaximum());
    if (!m_share && overlay)
        max = std::max(max, *std::max_element(m_overlayBuckets.begin(), m_overlayBuckets.end()));
    const double step = niceStepFor(max, 4);
    const double top_ = m_share ? 100.0 : std::max(step, std::ceil(max / step) * step);
    auto yOf = [&](double v) { return plot.bottom() - v / top_ * plot.height(); };
    // Grid and value labels.
    const QColor grid = themeColor(ThemeColor::ChartGrid, pal);
    for (double v = 0; v <= top_ + 1e-9; v += m_share ? 25.0 : step) {
        const int y = static_cast<int>(std::round(yOf(v)));
        p.setPen(grid);
        p.drawLine(plot.left(), y, plot.right(), y);
        p.setPen(textColor);
        const QString label = m_share ? QStringLiteral("%1 %").arg(v, 0, 'f', 0) : formatCompact(v);
        p.drawText(QRect(0, y - lineH / 2, plot.left() - 4, lineH),
                   Qt::AlignRight | Qt::AlignVCenter, label);
    }
    // Bars.
    const int n = static_cast<int>(m_buckets.size());
    const double bw = static_cast<double>(plot.width()) / n;
    const double gap = bw > 4 ? 1 : 0;
    for (int b = 0; b < n; ++b) {
        double total = 0;
        for (double v : m_buckets[b])
            total += v;
        if (total <= 0)
            continue;
        double acc = 0;
        for (int c = 0; c < kRouteClassCount; ++c) {
            double v = m_buckets[b][c];
            if (v <= 0)
                continue;
            if (m_share)
                v = 100.0 * v / total;
            const QRectF r(plot.left() + b * bw, yOf(acc + v), bw - gap, yOf(acc) - yOf(acc + v));
            p.fillRect(r, routeColor(static_cast<RouteClass>(c)));
            acc += v;
        }
    }
    if (overlay) {
        QPainterPath path;
        for (int b = 0; b < n; ++b) {
            double total = 0;
            for (double v : m_buckets[b])
                total += v;
            double v = m_overlayBuckets[b];
            if (m_share)
                v = total > 0 ? 100.0 * v / total : 0;
            const QPointF pt(plot.left() + (b + 0.5) * bw, yOf(std::min(v, top_)));
            if (b == 0)
                path.moveTo(pt);
            else
                path.lineTo(pt);
        }
        p.setPen(QPen(strong, 1.5, Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    p.setPen(themeColor(ThemeColor::ChartAxisLine, pal));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    // Time labels (local time), about one per 110 px.
    const qint64 span = m_range.duration();
    const QString fmt = span > 2 * 86400 ? QStringLiteral("MMM d") : QStringLiteral("HH:mm");
    const int labels = std::max(2, plot.width() / 110);
    const QLocale locale;
    p.setPen(textColor);
    for (int i = 0; i <= labels; ++i) {
        const qint64 ts = m_range.from + span * i / labels;
        const int x = plot.left() + plot.width() * i / labels;
        const QString text = locale.toString(QDateTime::fromSecsSinceEpoch(ts), fmt);
        const int w = fm.horizontalAdvance(text);
        const int x0 = std::clamp(x - w / 2, 0, width() - w - 2);
        p.drawText(x0, plot.bottom() + 4 + fm.ascent(), text);
    }
}

} // namespace isc
