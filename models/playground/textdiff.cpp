#include "textdiff.h"

#include <QRegularExpression>
#include <algorithm>
#include <vector>

namespace isc {
namespace {

constexpr qsizetype kMaxCells = 4'000'000;

/// Splits into tokens that end after the whitespace following them, so joining gives the text.
QStringList wordTokens(const QString& text)
{
    QStringList out;
    static const QRegularExpression re(QStringLiteral("\\S+\\s*|\\s+"));
    auto it = re.globalMatch(text);
    while (it.hasNext())
        out.append(it.next().captured());
    return out;
}

QStringList lineTokens(const QString& text)
{
    QStringList out;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('\n')) {
            out.append(text.mid(start, i + 1 - start));
            start = i + 1;
        }
    }
    if (start < text.size())
        out.append(text.mid(start));
    return out;
}

void append(QVector<DiffPiece>* out, DiffPiece::Kind kind, const QString& text)
{
    if (!out->isEmpty() && out->last().kind == kind)
        out->last().text += text;
    else
        out->append({kind, text});
}

QVector<DiffPiece> diffTokens(const QStringList& a, const QStringList& b)
{
    // Common prefix and suffix first: most answers to one prompt share long stretches.
    qsizetype pre = 0;
    while (pre < a.size() && pre < b.size() && a[pre] == b[pre])
        ++pre;
    qsizetype suf = 0;
    while (suf < a.size() - pre && suf < b.size() - pre &&
           a[a.size() - 1 - suf] == b[b.size() - 1 - suf])
        ++suf;
    const qsizetype n = a.size() - pre - suf;
    const qsizetype m = b.size() - pre - suf;
    QVector<DiffPiece> out;
    for (qsizetype i = 0; i < pre; ++i)
        append(&out, DiffPiece::Kind::Same, a[i]);
    // lcs[i][j] = LCS length of a[pre+i..] and b[pre+j..]
    std::vector<int> lcs(size_t((n + 1) * (m + 1)), 0);
    const auto at = [&](qsizetype i, qsizetype j) -> int& { return lcs[size_t(i * (m + 1) + j)]; };
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j)
            at(i, j) = a[pre + i] == b[pre + j] ? at(i + 1, j + 1) + 1
                                                : std::max(at(i + 1, j), at(i, j + 1));
    }
    qsizetype i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[pre + i] == b[pre + j]) {
            append(&out, DiffPiece::Kind::Same, a[pre + i]);
            ++i;
            ++j;
        } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
            append(&out, DiffPiece::Kind::Removed, a[pre + i]); // removals read first
            ++i;
        } else {
            append(&out, DiffPiece::Kind::Added, b[pre + j]);
            ++j;
        }
    }
    for (qsizetype k = a.size() - suf; k < a.size(); ++k)
        append(&out, DiffPiece::Kind::Same, a[k]);
    return out;
}

} // namespace

QVector<DiffPiece> diffWords(const QString& before, const QString& after)
{
    const QStringList a = wordTokens(before);
    const QStringList b = wordTokens(after);
    if ((a.size() + 1) * (b.size() + 1) > kMaxCells)
        return diffLines(before, after);
    return diffTokens(a, b);
}

QVector<DiffPiece> diffLines(const QString& before, const QString& after)
{
    const QStringList a = lineTokens(before);
    const QStringList b = lineTokens(after);
    if ((a.size() + 1) * (b.size() + 1) > kMaxCells) {
        // Too long to align: show it as replaced rather than stall.
        QVector<DiffPiece> out;
        if (!before.isEmpty())
            out.append({DiffPiece::Kind::Removed, before});
        if (!after.isEmpty())
            out.append({DiffPiece::Kind::Added, after});
        return out;
    }
    return diffTokens(a, b);
}

} // namespace isc
