#pragma once

#include <QString>
#include <QVector>

namespace isc {

/// One piece of a diff: text both sides share, or that only one side has.
struct DiffPiece
{
    enum class Kind { Same, Removed, Added };
    Kind kind = Kind::Same;
    QString text; ///< words with the whitespace that followed them

    bool operator==(const DiffPiece& o) const { return kind == o.kind && text == o.text; }
};

/// A word diff of `before` -> `after` (longest common subsequence of words; whitespace kept
/// with the word before it). Adjacent pieces of one kind are merged. Texts beyond ~4 million
/// word pairs fall back to a line diff so the GUI never stalls.
QVector<DiffPiece> diffWords(const QString& before, const QString& after);

/// The same over lines.
QVector<DiffPiece> diffLines(const QString& before, const QString& after);

} // namespace isc
