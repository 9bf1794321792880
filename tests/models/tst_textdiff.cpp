#include "playground/textdiff.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

using K = DiffPiece::Kind;

/// The pieces as "=same|-removed|+added" for compact expectations.
QString render(const QVector<DiffPiece>& pieces)
{
    QStringList out;
    for (const DiffPiece& p : pieces)
        out << (p.kind == K::Same      ? QLatin1Char('=')
                : p.kind == K::Removed ? QLatin1Char('-')
                                       : QLatin1Char('+')) +
                   p.text;
    return out.join(QLatin1Char('|'));
}

QString side(const QVector<DiffPiece>& pieces, K skip)
{
    QString out;
    for (const DiffPiece& p : pieces) {
        if (p.kind != skip)
            out += p.text;
    }
    return out;
}

} // namespace

class TestTextDiff : public QObject
{
    Q_OBJECT

private slots:
    void words_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("expected");
        QTest::newRow("equal") << "a b c"
                               << "a b c"
                               << "=a b c";
        QTest::newRow("both empty") << ""
                                    << ""
                                    << "";
        QTest::newRow("added") << ""
                               << "new text"
                               << "+new text";
        QTest::newRow("removed") << "old text"
                                 << ""
                                 << "-old text";
        QTest::newRow("middle word") << "the quick fox"
                                     << "the slow fox"
                                     << "=the |-quick |+slow |=fox";
        QTest::newRow("appended") << "one two"
                                  << "one two three"
                                  << "=one |-two|+two three";
        QTest::newRow("inserted") << "a c"
                                  << "a b c"
                                  << "=a |+b |=c";
    }
    void words()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(QString, expected);
        const QVector<DiffPiece> d = diffWords(before, after);
        QCOMPARE(render(d), expected);
        // Whatever the alignment, each side rebuilds exactly.
        QCOMPARE(side(d, K::Added), before);
        QCOMPARE(side(d, K::Removed), after);
    }

    void lines()
    {
        const QVector<DiffPiece> d =
            diffLines(QStringLiteral("a\nb\nc\n"), QStringLiteral("a\nx\nc\n"));
        QCOMPARE(render(d), QStringLiteral("=a\n|-b\n|+x\n|=c\n"));
    }

    void hugeInputFallsBack()
    {
        // 3000 x 3000 words would be 9 million cells: the line diff answers instead, at once.
        QString a, b;
        for (int i = 0; i < 3000; ++i) {
            a += QStringLiteral("w%1 ").arg(i);
            b += QStringLiteral("v%1 ").arg(i);
        }
        const QVector<DiffPiece> d = diffWords(a, b);
        QCOMPARE(side(d, K::Added), a);
        QCOMPARE(side(d, K::Removed), b);
    }
};

QTEST_GUILESS_MAIN(TestTextDiff)
#include "tst_textdiff.moc"
