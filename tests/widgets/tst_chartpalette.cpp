#include "charts/chartpalette.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <array>
#include <cmath>

using namespace isc;

namespace {

using Vec = std::array<double, 3>;

double toLinear(int c)
{
    const double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

double toSrgb(double v)
{
    v = std::clamp(v, 0.0, 1.0);
    return 255.0 * (v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1 / 2.4) - 0.055);
}

/// CIELAB (D65) of an sRGB colour.
Vec lab(const Vec& srgb)
{
    const double r = toLinear(int(std::lround(srgb[0]))), g = toLinear(int(std::lround(srgb[1]))),
                 b = toLinear(int(std::lround(srgb[2])));
    const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    const auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

/// `c` as seen with a colour-vision deficiency (Machado, Oliveira, Fernandes 2009, severity 1).
Vec simulate(const QColor& c, const std::array<Vec, 3>& m)
{
    const Vec lin{toLinear(c.red()), toLinear(c.green()), toLinear(c.blue())};
    Vec out{};
    for (int i = 0; i < 3; ++i)
        out[size_t(i)] =
            toSrgb(m[size_t(i)][0] * lin[0] + m[size_t(i)][1] * lin[1] + m[size_t(i)][2] * lin[2]);
    return out;
}

} // namespace

class tst_ChartPalette : public QObject
{
    Q_OBJECT
private slots:
    // Twelve series on one chart: twelve colours, none of them the grey kept for "Other".
    void distinctWithinAChart()
    {
        QSet<int> taken;
        QSet<QRgb> seen;
        for (int i = 0; i < kDistinctSeriesColors; ++i) {
            const QColor c = seriesColor(QStringLiteral("distinct-%1").arg(i), &taken);
            QVERIFY(c != kSeriesPalette[kSeriesGreyIndex]);
            seen.insert(c.rgb());
        }
        QCOMPARE(seen.size(), kDistinctSeriesColors);
        QVERIFY(kDistinctSeriesColors >= 12);
    }

    // A name keeps its colour from chart to chart; a chart that already uses that colour
    // gives it the next free one.
    void aNameKeepsItsColour()
    {
        QSet<int> overview;
        const QColor a = seriesColor(QStringLiteral("keep-a"), &overview);
        const QColor b = seriesColor(QStringLiteral("keep-b"), &overview);
        QVERIFY(a != b);
        QSet<int> cost;
        QCOMPARE(seriesColor(QStringLiteral("keep-b"), &cost), b);
        QCOMPARE(seriesColor(QStringLiteral("keep-a"), &cost), a);
        QSet<int> busy{seriesColorIndex(a)};
        const QColor moved = seriesColor(QStringLiteral("keep-a"), &busy);
        QVERIFY(moved != a);
        QVERIFY(busy.contains(seriesColorIndex(moved)));
        QCOMPARE(seriesColorIndex(QColor(0x123456)), -1);
    }

    // The palette's claim: the twelve series colours stay apart for normal vision and the
    // three dichromacies, and are neither too light for the light theme nor too dark for the
    // dark one.
    void toldApartWithColourBlindness_data()
    {
        QTest::addColumn<QVector<double>>("matrix");
        QTest::newRow("normal") << QVector<double>{1, 0, 0, 0, 1, 0, 0, 0, 1};
        QTest::newRow("protanopia")
            << QVector<double>{0.152286, 1.052583,  -0.204868, 0.114503, 0.786281,
                               0.099216, -0.003882, -0.048116, 1.051998};
        QTest::newRow("deuteranopia")
            << QVector<double>{0.367322, 0.860646,  -0.227968, 0.280085, 0.672501,
                               0.047413, -0.011820, 0.042940,  0.968881};
        QTest::newRow("tritanopia")
            << QVector<double>{1.255528, -0.076749, -0.178779, -0.078411, 0.930809,
                               0.147602, 0.004733,  0.691367,  0.303900};
    }
    void toldApartWithColourBlindness()
    {
        QFETCH(QVector<double>, matrix);
        const std::array<Vec, 3> m{Vec{matrix[0], matrix[1], matrix[2]},
                                   Vec{matrix[3], matrix[4], matrix[5]},
                                   Vec{matrix[6], matrix[7], matrix[8]}};
        QVector<Vec> labs;
        for (int i = 0; i < int(std::size(kSeriesPalette)); ++i) {
            if (i == kSeriesGreyIndex)
                continue;
            labs.append(lab(simulate(kSeriesPalette[i], m)));
            const double lightness =
                lab(simulate(kSeriesPalette[i], {Vec{1, 0, 0}, Vec{0, 1, 0}, Vec{0, 0, 1}}))[0];
            QVERIFY2(lightness >= 38 && lightness <= 80, qPrintable(kSeriesPalette[i].name()));
        }
        double closest = 1e9;
        for (int i = 0; i < labs.size(); ++i) {
            for (int j = i + 1; j < labs.size(); ++j) {
                const double d = std::hypot(labs[i][0] - labs[j][0], labs[i][1] - labs[j][1],
                                            labs[i][2] - labs[j][2]);
                closest = std::min(closest, d);
            }
        }
        QVERIFY2(closest >= 13.0, qPrintable(QString::number(closest)));
    }
};

QTEST_MAIN(tst_ChartPalette)
#include "tst_chartpalette.moc"
