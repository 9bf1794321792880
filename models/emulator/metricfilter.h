#pragma once

#include <QStringList>
#include <QVector>
#include <optional>

// Internal: the Azure Monitor metrics `$filter` language, as far as Azure OpenAI metrics use it.
namespace isc::emu::detail {

/// "Dimension eq 'value'"; the value '*' asks for a split by that dimension.
struct FilterTerm
{
    QString dim;
    QString value;
};

/// A parsed `$filter`: an AND of OR groups, each group testing a single dimension.
struct ParsedFilter
{
    QVector<QVector<FilterTerm>> clauses;
    QString error; ///< why the text is not a valid filter, in words; empty when it is
};

/// Parses "A eq 'x' and (B eq 'y' or B eq 'z') and C eq '*'". Keywords are case-insensitive,
/// '' inside quotes is a quote; `or` only inside parentheses. An empty text is an error.
ParsedFilter parseFilter(const QString& text);

/// One filter group bound to a metric's dimension list.
struct FilterClause
{
    int dim = -1;       ///< index in the metric's dimensions
    bool split = false; ///< a '*' term: one timeseries per value
    QStringList values; ///< any of these (case-insensitive); empty = no restriction
};

/// Binds `filter` to the dimension names `dims` (case-insensitive); nullopt with the unknown
/// dimension name in `unknown` when a group names a dimension not in `dims`.
std::optional<QVector<FilterClause>> bindFilter(const ParsedFilter& filter, const QStringList& dims,
                                                QString* unknown);

/// Whether dimension values `values` (aligned with the bound dims) pass every clause.
bool matchesFilter(const QVector<FilterClause>& clauses, const QStringList& values);

} // namespace isc::emu::detail
