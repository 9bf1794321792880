#include "metricfilter.h"

namespace isc::emu::detail {

namespace {

// A cursor over the filter text; each method skips leading spaces.
class FilterReader
{
public:
    explicit FilterReader(const QString& text) : m_text(text) {}

    int pos() const { return m_pos; }
    bool atEnd()
    {
        skipSpace();
        return m_pos >= m_text.size();
    }
    // Consumes `c` when it is next.
    bool take(QLatin1Char c)
    {
        skipSpace();
        if (m_pos >= m_text.size() || m_text.at(m_pos) != c)
            return false;
        ++m_pos;
        return true;
    }
    // Whether the next word is `keyword` (case-insensitive); the word is consumed either way.
    bool keyword(QLatin1String expected)
    {
        return word().compare(expected, Qt::CaseInsensitive) == 0;
    }
    QString word()
    {
        skipSpace();
        const int start = m_pos;
        while (m_pos < m_text.size() && !m_text.at(m_pos).isSpace() &&
               m_text.at(m_pos) != QLatin1Char('(') && m_text.at(m_pos) != QLatin1Char(')') &&
               m_text.at(m_pos) != QLatin1Char('\''))
            ++m_pos;
        return m_text.mid(start, m_pos - start);
    }
    bool quoted(QString* value)
    {
        if (!take(QLatin1Char('\'')))
            return false;
        QString v;
        while (m_pos < m_text.size()) {
            const QChar c = m_text.at(m_pos++);
            if (c != QLatin1Char('\'')) {
                v += c;
            } else if (m_pos < m_text.size() && m_text.at(m_pos) == QLatin1Char('\'')) {
                v += c;
                ++m_pos;
            } else {
                *value = v;
                return true;
            }
        }
        return false;
    }
    // "Dimension eq 'value'".
    bool term(FilterTerm* t)
    {
        t->dim = word();
        return !t->dim.isEmpty() && keyword(QLatin1String("eq")) && quoted(&t->value);
    }
    // One term, or "(term or term ...)"; empty when malformed.
    QVector<FilterTerm> group()
    {
        QVector<FilterTerm> out;
        FilterTerm t;
        if (!take(QLatin1Char('('))) {
            if (term(&t))
                out.append(t);
            return out;
        }
        while (term(&t)) {
            out.append(t);
            if (take(QLatin1Char(')')))
                return out;
            if (!keyword(QLatin1String("or")))
                return {};
        }
        return out;
    }

private:
    void skipSpace()
    {
        while (m_pos < m_text.size() && m_text.at(m_pos).isSpace())
            ++m_pos;
    }

    const QString& m_text;
    int m_pos = 0;
};

bool singleDimension(const QVector<FilterTerm>& group)
{
    for (const auto& t : group) {
        if (t.dim.compare(group.first().dim, Qt::CaseInsensitive) != 0)
            return false;
    }
    return true;
}

QString invalid(const QString& text, const QString& why)
{
    return QStringLiteral("Invalid $filter: '%1'. %2").arg(text, why);
}

} // namespace

ParsedFilter parseFilter(const QString& text)
{
    ParsedFilter out;
    FilterReader in(text);
    while (true) {
        const QVector<FilterTerm> group = in.group();
        if (group.isEmpty()) {
            out.error = invalid(text, QStringLiteral("Use clauses like \"Dimension eq 'value'\" "
                                                     "joined by 'and'; 'or' only inside "
                                                     "parentheses."));
            break;
        }
        if (!singleDimension(group)) {
            out.error =
                invalid(text, QStringLiteral("An 'or' group must test a single dimension."));
            break;
        }
        out.clauses.append(group);
        if (in.atEnd())
            return out;
        if (!in.keyword(QLatin1String("and"))) {
            out.error =
                invalid(text, QStringLiteral("Expected 'and' at position %1.").arg(in.pos()));
            break;
        }
    }
    out.clauses.clear();
    return out;
}

std::optional<QVector<FilterClause>> bindFilter(const ParsedFilter& filter, const QStringList& dims,
                                                QString* unknown)
{
    QVector<FilterClause> out;
    for (const auto& group : filter.clauses) {
        FilterClause clause;
        for (int k = 0; k < dims.size() && clause.dim < 0; ++k) {
            if (dims[k].compare(group.first().dim, Qt::CaseInsensitive) == 0)
                clause.dim = k;
        }
        if (clause.dim < 0) {
            *unknown = group.first().dim;
            return std::nullopt;
        }
        for (const auto& t : group) {
            if (t.value == QLatin1String("*"))
                clause.split = true;
            else
                clause.values << t.value;
        }
        out.append(clause);
    }
    return out;
}

bool matchesFilter(const QVector<FilterClause>& clauses, const QStringList& values)
{
    for (const auto& clause : clauses) {
        if (clause.values.isEmpty())
            continue;
        bool any = false;
        for (const auto& v : clause.values)
            any = any || v.compare(values[clause.dim], Qt::CaseInsensitive) == 0;
        if (!any)
            return false;
    }
    return true;
}

} // namespace isc::emu::detail
