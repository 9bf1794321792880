#include "labels.h"

#include <algorithm>

namespace isc::labels {
namespace {

QString encode(const QString& s)
{
    QString out;
    out.reserve(s.size());
    for (const QChar c : s) {
        if (c == QLatin1Char('%'))
            out += QLatin1String("%25");
        else if (c == QLatin1Char(';'))
            out += QLatin1String("%3B");
        else if (c == QLatin1Char('='))
            out += QLatin1String("%3D");
        else
            out += c;
    }
    return out;
}

QString decode(const QString& s)
{
    if (!s.contains(QLatin1Char('%')))
        return s;
    QString out = s;
    out.replace(QLatin1String("%3B"), QLatin1String(";"));
    out.replace(QLatin1String("%3D"), QLatin1String("="));
    out.replace(QLatin1String("%25"), QLatin1String("%"));
    return out;
}

} // namespace

QString canonical(QList<Label> pairs)
{
    std::stable_sort(pairs.begin(), pairs.end(), [](const Label& a, const Label& b) {
        return a.first.compare(b.first, Qt::CaseInsensitive) < 0;
    });
    QString out;
    QString previousKey;
    for (const auto& [k, v] : pairs) {
        if (!out.isEmpty() && k.compare(previousKey, Qt::CaseInsensitive) == 0)
            continue;
        if (!out.isEmpty())
            out += QLatin1Char(';');
        out += encode(k) + QLatin1Char('=') + encode(v);
        previousKey = k;
    }
    return out;
}

QList<Label> parse(const QString& canonical)
{
    QList<Label> out;
    if (canonical.isEmpty())
        return out;
    const auto parts = canonical.split(QLatin1Char(';'));
    for (const auto& part : parts) {
        const int eq = part.indexOf(QLatin1Char('='));
        if (eq < 0)
            continue;
        out.append({decode(part.left(eq)), decode(part.mid(eq + 1))});
    }
    return out;
}

QString value(const QString& canonical, const QString& key)
{
    const auto pairs = parse(canonical);
    for (const auto& [k, v] : pairs) {
        if (k.compare(key, Qt::CaseInsensitive) == 0)
            return v.isNull() ? QLatin1String("") : v;
    }
    return {};
}

} // namespace isc::labels
