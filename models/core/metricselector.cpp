#include "metricselector.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>

namespace isc {
namespace {

bool isMetricName(const QString& name)
{
    if (name.isEmpty())
        return false;
    for (int i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        const bool letter = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
                            (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
                            c == QLatin1Char('_') || c == QLatin1Char(':');
        if (!letter && !(i > 0 && c.isDigit() && c.unicode() < 128))
            return false;
    }
    return true;
}

bool isLabelName(const QString& name)
{
    return isMetricName(name) && !name.contains(QLatin1Char(':'));
}

const char* opText(LabelMatcher::Op op)
{
    switch (op) {
    case LabelMatcher::Op::Equal:
        return "=";
    case LabelMatcher::Op::NotEqual:
        return "!=";
    case LabelMatcher::Op::Regex:
        return "=~";
    case LabelMatcher::Op::NotRegex:
        return "!~";
    }
    return "=";
}

const char* typeText(MetricSelector::Type type)
{
    switch (type) {
    case MetricSelector::Type::Counter:
        return "counter";
    case MetricSelector::Type::Gauge:
        return "gauge";
    case MetricSelector::Type::Histogram:
        return "histogram";
    }
    return "counter";
}

} // namespace

bool LabelMatcher::matches(const QString& labelValue) const
{
    switch (op) {
    case Op::Equal:
        return labelValue == value;
    case Op::NotEqual:
        return labelValue != value;
    case Op::Regex:
        return regex.match(labelValue).hasMatch();
    case Op::NotRegex:
        return !regex.match(labelValue).hasMatch();
    }
    return false;
}

QString LabelMatcher::toString() const
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('"'), QLatin1String("\\\""));
    return name + QLatin1String(opText(op)) + QLatin1Char('"') + escaped + QLatin1Char('"');
}

bool MetricSelector::matches(const QList<std::pair<QString, QString>>& labels) const
{
    for (const LabelMatcher& m : matchers) {
        QString v;
        for (const auto& [k, val] : labels) {
            if (k == m.name) {
                v = val;
                break;
            }
        }
        if (!m.matches(v))
            return false;
    }
    return true;
}

std::optional<LabelMatcher> parseLabelMatcher(const QString& text, QString* error)
{
    LabelMatcher m;
    const QString t = text.trimmed();
    int i = 0;
    while (i < t.size() && (t.at(i).isLetterOrNumber() || t.at(i) == QLatin1Char('_')))
        ++i;
    m.name = t.left(i);
    if (!isLabelName(m.name)) {
        *error = QStringLiteral("\"%1\" does not start with a label name (expected e.g. "
                                "status=\"200\")")
                     .arg(text);
        return std::nullopt;
    }
    QString rest = t.mid(i).trimmed();
    const struct
    {
        const char* text;
        LabelMatcher::Op op;
    } ops[] = {{"=~", LabelMatcher::Op::Regex},
               {"!~", LabelMatcher::Op::NotRegex},
               {"!=", LabelMatcher::Op::NotEqual},
               {"=", LabelMatcher::Op::Equal}};
    bool found = false;
    for (const auto& o : ops) {
        if (rest.startsWith(QLatin1String(o.text))) {
            m.op = o.op;
            rest = rest.mid(int(qstrlen(o.text))).trimmed();
            found = true;
            break;
        }
    }
    if (!found) {
        *error = QStringLiteral("\"%1\": expected =, !=, =~ or !~ after \"%2\"").arg(text, m.name);
        return std::nullopt;
    }
    if (rest.size() < 2 || !rest.startsWith(QLatin1Char('"')) || !rest.endsWith(QLatin1Char('"'))) {
        *error = QStringLiteral("\"%1\": the value must be in double quotes").arg(text);
        return std::nullopt;
    }
    const QString quoted = rest.mid(1, rest.size() - 2);
    for (int k = 0; k < quoted.size(); ++k) {
        QChar c = quoted.at(k);
        if (c == QLatin1Char('\\') && k + 1 < quoted.size()) {
            c = quoted.at(++k);
            m.value += c == QLatin1Char('n') ? QChar(QLatin1Char('\n')) : c;
        } else if (c == QLatin1Char('"')) {
            *error =
                QStringLiteral("\"%1\": a double quote inside the value must be escaped (\\\")")
                    .arg(text);
            return std::nullopt;
        } else {
            m.value += c;
        }
    }
    if (m.op == LabelMatcher::Op::Regex || m.op == LabelMatcher::Op::NotRegex) {
        m.regex = QRegularExpression(QRegularExpression::anchoredPattern(m.value));
        if (!m.regex.isValid()) {
            *error = QStringLiteral("\"%1\": not a valid regular expression (%2)")
                         .arg(text, m.regex.errorString());
            return std::nullopt;
        }
    }
    return m;
}

std::optional<QVector<MetricSelector>> parseMetricSelectors(const QJsonValue& value, QString* error)
{
    QVector<MetricSelector> out;
    if (value.isUndefined() || value.isNull())
        return out;
    if (!value.isArray()) {
        *error = QStringLiteral("selectors: expected a list of {\"name\", \"type\"} objects");
        return std::nullopt;
    }
    const QJsonArray list = value.toArray();
    if (list.size() > maxMetricSelectors) {
        *error = QStringLiteral("selectors: %1 given, at most %2 per connection")
                     .arg(list.size())
                     .arg(maxMetricSelectors);
        return std::nullopt;
    }
    QHash<QString, int> storedAt;
    for (int i = 0; i < list.size(); ++i) {
        const QString where = QStringLiteral("selectors[%1]").arg(i);
        if (!list.at(i).isObject()) {
            *error = where + QStringLiteral(": expected an object such as {\"name\": "
                                            "\"http_requests_total\", \"type\": \"counter\"}");
            return std::nullopt;
        }
        const QJsonObject o = list.at(i).toObject();
        static const QSet<QString> known{QStringLiteral("name"),     QStringLiteral("type"),
                                         QStringLiteral("matchers"), QStringLiteral("by"),
                                         QStringLiteral("alias"),    QStringLiteral("unit")};
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!known.contains(it.key())) {
                *error = where + QStringLiteral(".%1: unknown field (known: name, type, "
                                                "matchers, by, alias, unit)")
                                     .arg(it.key());
                return std::nullopt;
            }
        }
        MetricSelector s;
        s.name = o.value(QLatin1String("name")).toString();
        if (!isMetricName(s.name)) {
            *error = where + QStringLiteral(".name: \"%1\" is not a metric name (letters, "
                                            "digits, '_' and ':', not starting with a digit)")
                                 .arg(s.name);
            return std::nullopt;
        }
        const QString type = o.value(QLatin1String("type")).toString();
        if (type == QLatin1String("counter"))
            s.type = MetricSelector::Type::Counter;
        else if (type == QLatin1String("gauge"))
            s.type = MetricSelector::Type::Gauge;
        else if (type == QLatin1String("histogram"))
            s.type = MetricSelector::Type::Histogram;
        else {
            *error = where + QStringLiteral(".type: \"%1\" is not one of counter, gauge, "
                                            "histogram")
                                 .arg(type);
            return std::nullopt;
        }
        const QJsonValue matchers = o.value(QLatin1String("matchers"));
        if (!matchers.isUndefined() && !matchers.isArray()) {
            *error = where + QStringLiteral(".matchers: expected a list such as "
                                            "[\"status=\\\"200\\\"\"]");
            return std::nullopt;
        }
        const QJsonArray ms = matchers.toArray();
        for (int k = 0; k < ms.size(); ++k) {
            QString why;
            const auto m =
                ms.at(k).isString() ? parseLabelMatcher(ms.at(k).toString(), &why) : std::nullopt;
            if (!m) {
                *error = where + QStringLiteral(".matchers[%1]: %2")
                                     .arg(k)
                                     .arg(why.isEmpty() ? QStringLiteral("expected a string "
                                                                         "such as "
                                                                         "status=\"200\"")
                                                        : why);
                return std::nullopt;
            }
            s.matchers.append(*m);
        }
        const QJsonValue by = o.value(QLatin1String("by"));
        if (!by.isUndefined()) {
            s.byGiven = true;
            if (!by.isArray()) {
                *error = where + QStringLiteral(".by: expected a list of label names");
                return std::nullopt;
            }
            const QJsonArray names = by.toArray();
            for (int k = 0; k < names.size(); ++k) {
                const QString n = names.at(k).toString();
                if (!isLabelName(n)) {
                    *error =
                        where + QStringLiteral(".by[%1]: \"%2\" is not a label name").arg(k).arg(n);
                    return std::nullopt;
                }
                s.by.append(n);
            }
        }
        for (const char* field : {"alias", "unit"}) {
            const QJsonValue v = o.value(QLatin1String(field));
            if (!v.isUndefined() && (!v.isString() || v.toString().trimmed().isEmpty())) {
                *error =
                    where +
                    QStringLiteral(".%1: expected a non-empty string").arg(QLatin1String(field));
                return std::nullopt;
            }
        }
        s.alias = o.value(QLatin1String("alias")).toString();
        s.unit = o.value(QLatin1String("unit")).toString();
        const auto clash = storedAt.constFind(s.storedName());
        if (clash != storedAt.cend()) {
            *error = where + QStringLiteral(": stores under \"%1\" like selectors[%2]; give one "
                                            "of them an \"alias\"")
                                 .arg(s.storedName())
                                 .arg(clash.value());
            return std::nullopt;
        }
        storedAt.insert(s.storedName(), i);
        out.append(s);
    }
    return out;
}

QJsonArray metricSelectorsToJson(const QVector<MetricSelector>& selectors)
{
    QJsonArray out;
    for (const MetricSelector& s : selectors) {
        QJsonObject o{{QStringLiteral("name"), s.name},
                      {QStringLiteral("type"), QLatin1String(typeText(s.type))}};
        if (!s.matchers.isEmpty()) {
            QJsonArray ms;
            for (const LabelMatcher& m : s.matchers)
                ms.append(m.toString());
            o.insert(QStringLiteral("matchers"), ms);
        }
        if (s.byGiven)
            o.insert(QStringLiteral("by"), QJsonArray::fromStringList(s.by));
        if (!s.alias.isEmpty())
            o.insert(QStringLiteral("alias"), s.alias);
        if (!s.unit.isEmpty())
            o.insert(QStringLiteral("unit"), s.unit);
        out.append(o);
    }
    return out;
}

} // namespace isc
