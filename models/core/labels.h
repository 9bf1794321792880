#pragma once

#include <QList>
#include <QString>
#include <utility>

namespace isc {

using Label = std::pair<QString, QString>;

/// Canonical text form of a series' dimension values: "Key=value;Key=value", keys sorted
/// case-insensitively, with '%', ';' and '=' percent-encoded inside keys and values.
namespace labels {

/// Builds the canonical form; later duplicates of a key (case-insensitive) are dropped.
QString canonical(QList<Label> pairs);

/// Splits a canonical string back into pairs (decoding escapes).
QList<Label> parse(const QString& canonical);

/// The value of `key` (matched case-insensitively), or a null QString when absent.
QString value(const QString& canonical, const QString& key);

} // namespace labels
} // namespace isc
