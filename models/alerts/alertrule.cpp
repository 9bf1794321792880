#include "alertrule.h"

#include "core/timerange.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <cmath>

namespace isc {
namespace {

const QStringList kKnownFields{
    QStringLiteral("id"),          QStringLiteral("name"),        QStringLiteral("template"),
    QStringLiteral("enabled"),     QStringLiteral("severity"),    QStringLiteral("input"),
    QStringLiteral("metric"),      QStringLiteral("aggregation"), QStringLiteral("labels"),
    QStringLiteral("connections"), QStringLiteral("deployments"), QStringLiteral("by"),
    QStringLiteral("share"),       QStringLiteral("reduce"),      QStringLiteral("window"),
    QStringLiteral("op"),          QStringLiteral("threshold"),   QStringLiteral("clearMargin"),
    QStringLiteral("for"),         QStringLiteral("rateLimit"),   QStringLiteral("unit")};

const QStringList kAggregations{QStringLiteral("total"),   QStringLiteral("average"),
                                QStringLiteral("minimum"), QStringLiteral("maximum"),
                                QStringLiteral("count"),   QStringLiteral("p50"),
                                QStringLiteral("p95"),     QStringLiteral("p99")};

constexpr AlertInput kInputs[] = {AlertInput::SpendTodayPercent, AlertInput::SpendForecastPercent,
                                  AlertInput::PollsMissed, AlertInput::DaysToRetirement};
constexpr AlertReduce kReduces[] = {AlertReduce::Avg, AlertReduce::Min, AlertReduce::Max,
                                    AlertReduce::Sum, AlertReduce::Last};
constexpr AlertOp kOps[] = {AlertOp::Greater, AlertOp::GreaterEqual, AlertOp::Less,
                            AlertOp::LessEqual};
constexpr AlertSeverity kSeverities[] = {AlertSeverity::Info, AlertSeverity::Warning,
                                         AlertSeverity::Critical};

template <typename E, size_t N>
std::optional<E> byName(const E (&all)[N], QString (*name)(E), const QString& text)
{
    for (E e : all) {
        if (name(e) == text)
            return e;
    }
    return std::nullopt;
}

template <typename E, size_t N> QString names(const E (&all)[N], QString (*name)(E))
{
    QStringList out;
    for (E e : all)
        out << name(e);
    return out.join(QStringLiteral(", "));
}

QString quoted(const QJsonValue& v)
{
    if (v.isString())
        return QLatin1Char('"') + v.toString() + QLatin1Char('"');
    if (v.isDouble())
        return QString::number(v.toDouble());
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return v.isArray() ? QStringLiteral("an array")
                       : (v.isObject() ? QStringLiteral("an object") : QStringLiteral("null"));
}

QJsonArray matchersToJson(const QVector<LabelMatcher>& matchers)
{
    QJsonArray a;
    for (const auto& m : matchers)
        a.append(m.toString());
    return a;
}

// The closest known field, for "did you mean" (same letters ignoring case, or one edit away).
QString suggestion(const QString& key)
{
    for (const QString& f : kKnownFields) {
        if (f.compare(key, Qt::CaseInsensitive) == 0)
            return f;
    }
    for (const QString& f : kKnownFields) {
        if (std::abs(f.size() - key.size()) > 1)
            continue;
        int i = 0;
        while (i < f.size() && i < key.size() && f.at(i) == key.at(i))
            ++i;
        const QString a = f.mid(i), b = key.mid(i);
        if (a.mid(1) == b.mid(1) || a.mid(1) == b || a == b.mid(1) || a == b.mid(1).left(a.size()))
            return f;
    }
    return {};
}

} // namespace

QString alertInputName(AlertInput input)
{
    switch (input) {
    case AlertInput::None:
        return {};
    case AlertInput::SpendTodayPercent:
        return QStringLiteral("spendTodayPercent");
    case AlertInput::SpendForecastPercent:
        return QStringLiteral("spendForecastPercent");
    case AlertInput::PollsMissed:
        return QStringLiteral("pollsMissed");
    case AlertInput::DaysToRetirement:
        return QStringLiteral("daysToRetirement");
    }
    return {};
}

QString alertReduceName(AlertReduce reduce)
{
    switch (reduce) {
    case AlertReduce::Avg:
        return QStringLiteral("avg");
    case AlertReduce::Min:
        return QStringLiteral("min");
    case AlertReduce::Max:
        return QStringLiteral("max");
    case AlertReduce::Sum:
        return QStringLiteral("sum");
    case AlertReduce::Last:
        return QStringLiteral("last");
    }
    return {};
}

QString alertOpName(AlertOp op)
{
    switch (op) {
    case AlertOp::Greater:
        return QStringLiteral(">");
    case AlertOp::GreaterEqual:
        return QStringLiteral(">=");
    case AlertOp::Less:
        return QStringLiteral("<");
    case AlertOp::LessEqual:
        return QStringLiteral("<=");
    }
    return {};
}

QString alertSeverityName(AlertSeverity severity)
{
    switch (severity) {
    case AlertSeverity::Info:
        return QStringLiteral("info");
    case AlertSeverity::Warning:
        return QStringLiteral("warning");
    case AlertSeverity::Critical:
        return QStringLiteral("critical");
    }
    return {};
}

std::optional<qint64> parseAlertDuration(const QString& text)
{
    static const QRegularExpression zero(QStringLiteral("^\\s*0+\\s*[smhdw]?\\s*$"));
    if (zero.match(text).hasMatch())
        return 0;
    return parseDuration(text);
}

bool AlertRule::conditionMet(double value) const
{
    switch (op) {
    case AlertOp::Greater:
        return value > threshold;
    case AlertOp::GreaterEqual:
        return value >= threshold;
    case AlertOp::Less:
        return value < threshold;
    case AlertOp::LessEqual:
        return value <= threshold;
    }
    return false;
}

double AlertRule::clearThreshold() const
{
    const bool upwards = op == AlertOp::Greater || op == AlertOp::GreaterEqual;
    return upwards ? threshold - clearMargin : threshold + clearMargin;
}

bool AlertRule::stillFiring(double value) const
{
    const double t = clearThreshold();
    switch (op) {
    case AlertOp::Greater:
        return value > t;
    case AlertOp::GreaterEqual:
        return value >= t;
    case AlertOp::Less:
        return value < t;
    case AlertOp::LessEqual:
        return value <= t;
    }
    return false;
}

bool AlertRule::operator==(const AlertRule& o) const
{
    return id == o.id && name == o.name && templateId == o.templateId && enabled == o.enabled &&
           severity == o.severity && input == o.input && metric == o.metric &&
           aggregation == o.aggregation && labels == o.labels && connections == o.connections &&
           deployments == o.deployments && by == o.by && isShare == o.isShare &&
           denominatorMetric == o.denominatorMetric && denominatorLabels == o.denominatorLabels &&
           minDenominator == o.minDenominator && reduce == o.reduce &&
           windowSeconds == o.windowSeconds && op == o.op && threshold == o.threshold &&
           clearMargin == o.clearMargin && forSeconds == o.forSeconds &&
           rateLimitCount == o.rateLimitCount && rateLimitSeconds == o.rateLimitSeconds &&
           unit == o.unit;
}

QJsonObject AlertRule::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("enabled"), enabled},
                  {QStringLiteral("severity"), alertSeverityName(severity)},
                  {QStringLiteral("reduce"), alertReduceName(reduce)},
                  {QStringLiteral("window"), formatDuration(windowSeconds)},
                  {QStringLiteral("op"), alertOpName(op)},
                  {QStringLiteral("threshold"), threshold},
                  {QStringLiteral("clearMargin"), clearMargin},
                  {QStringLiteral("for"),
                   forSeconds > 0 ? formatDuration(forSeconds) : QStringLiteral("0m")}};
    if (!templateId.isEmpty())
        o.insert(QStringLiteral("template"), templateId);
    if (input != AlertInput::None) {
        o.insert(QStringLiteral("input"), alertInputName(input));
    } else {
        o.insert(QStringLiteral("metric"), metric);
        o.insert(QStringLiteral("aggregation"), aggregation);
    }
    if (!labels.isEmpty())
        o.insert(QStringLiteral("labels"), matchersToJson(labels));
    if (!connections.isEmpty())
        o.insert(QStringLiteral("connections"), QJsonArray::fromStringList(connections));
    if (!deployments.isEmpty())
        o.insert(QStringLiteral("deployments"), QJsonArray::fromStringList(deployments));
    o.insert(QStringLiteral("by"), QJsonArray::fromStringList(by));
    if (isShare) {
        QJsonObject share;
        if (!denominatorMetric.isEmpty())
            share.insert(QStringLiteral("metric"), denominatorMetric);
        if (!denominatorLabels.isEmpty())
            share.insert(QStringLiteral("labels"), matchersToJson(denominatorLabels));
        if (minDenominator > 0)
            share.insert(QStringLiteral("minDenominator"), minDenominator);
        o.insert(QStringLiteral("share"), share);
    }
    if (rateLimitCount > 0)
        o.insert(QStringLiteral("rateLimit"),
                 QJsonObject{{QStringLiteral("count"), rateLimitCount},
                             {QStringLiteral("per"), formatDuration(rateLimitSeconds)}});
    if (!unit.isEmpty())
        o.insert(QStringLiteral("unit"), unit);
    return o;
}

std::optional<AlertRule> AlertRule::parse(const QJsonObject& json, const QString& where,
                                          QStringList* errors, const AlertRule* base)
{
    AlertRule r = base ? *base : AlertRule();
    const qsizetype before = errors->size();
    auto fail = [&](const QString& field, const QString& message) {
        errors->append(where + (field.isEmpty() ? QString() : QLatin1Char('.') + field) +
                       QStringLiteral(": ") + message);
    };
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (kKnownFields.contains(it.key()))
            continue;
        const QString near = suggestion(it.key());
        fail(it.key(), near.isEmpty()
                           ? QStringLiteral("unknown field")
                           : QStringLiteral("unknown field (did you mean \"%1\"?)").arg(near));
    }
    auto string = [&](const QString& field, QString* out) {
        const QJsonValue v = json.value(field);
        if (v.isUndefined())
            return false;
        if (!v.isString()) {
            fail(field, QStringLiteral("%1 is not a string").arg(quoted(v)));
            return false;
        }
        *out = v.toString();
        return true;
    };
    auto strings = [&](const QString& field, QStringList* out) {
        const QJsonValue v = json.value(field);
        if (v.isUndefined())
            return;
        QStringList list;
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!a.at(i).isString() || a.at(i).toString().isEmpty()) {
                fail(QStringLiteral("%1[%2]").arg(field).arg(i),
                     QStringLiteral("%1 is not a name").arg(quoted(a.at(i))));
                return;
            }
            list << a.at(i).toString();
        }
        if (!v.isArray()) {
            fail(field,
                 QStringLiteral("%1 is not a list of names, e.g. [\"a\", \"b\"]").arg(quoted(v)));
            return;
        }
        *out = list;
    };
    auto matchers = [&](const QJsonObject& from, const QString& field, const QString& path,
                        QVector<LabelMatcher>* out) {
        const QJsonValue v = from.value(field);
        if (v.isUndefined())
            return;
        if (!v.isArray()) {
            fail(path,
                 QStringLiteral("%1 is not a list of matchers, e.g. [\"StatusCode=\\\"429\\\"\"]")
                     .arg(quoted(v)));
            return;
        }
        QVector<LabelMatcher> list;
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            QString error;
            const auto m = parseLabelMatcher(a.at(i).toString(), &error);
            if (!m) {
                fail(QStringLiteral("%1[%2]").arg(path).arg(i),
                     a.at(i).isString()
                         ? error
                         : QStringLiteral("%1 is not a matcher").arg(quoted(a.at(i))));
                return;
            }
            list << *m;
        }
        *out = list;
    };
    auto duration = [&](const QJsonValue& v, const QString& field, qint64* out, bool zeroOk) {
        if (v.isUndefined())
            return;
        const auto s = v.isString() ? parseAlertDuration(v.toString()) : std::nullopt;
        if (!s || (!zeroOk && *s == 0)) {
            fail(field, QStringLiteral("%1 is not a duration (use 30s, 5m, 1h)").arg(quoted(v)));
            return;
        }
        *out = *s;
    };
    auto number = [&](const QJsonObject& from, const QString& field, const QString& path,
                      double* out) {
        const QJsonValue v = from.value(field);
        if (v.isUndefined())
            return false;
        if (!v.isDouble() || !std::isfinite(v.toDouble())) {
            fail(path, QStringLiteral("%1 is not a number").arg(quoted(v)));
            return false;
        }
        *out = v.toDouble();
        return true;
    };

    string(QStringLiteral("id"), &r.id);
    string(QStringLiteral("name"), &r.name);
    string(QStringLiteral("template"), &r.templateId);
    const QJsonValue enabled = json.value(QStringLiteral("enabled"));
    if (!enabled.isUndefined()) {
        if (enabled.isBool())
            r.enabled = enabled.toBool();
        else
            fail(QStringLiteral("enabled"),
                 QStringLiteral("%1 is not true or false").arg(quoted(enabled)));
    }
    QString text;
    if (string(QStringLiteral("severity"), &text)) {
        if (const auto s = byName(kSeverities, alertSeverityName, text))
            r.severity = *s;
        else
            fail(QStringLiteral("severity"), QStringLiteral("\"%1\" is not one of %2")
                                                 .arg(text, names(kSeverities, alertSeverityName)));
    }
    if (string(QStringLiteral("metric"), &r.metric)) {
        r.input = AlertInput::None;
        if (r.metric.isEmpty())
            fail(QStringLiteral("metric"), QStringLiteral("must name a stored metric"));
    }
    if (string(QStringLiteral("input"), &text)) {
        if (const auto i = byName(kInputs, alertInputName, text)) {
            r.input = *i;
            r.metric.clear();
        } else {
            fail(QStringLiteral("input"), QStringLiteral("\"%1\" is not one of %2")
                                              .arg(text, names(kInputs, alertInputName)));
        }
    }
    if (string(QStringLiteral("aggregation"), &text)) {
        if (kAggregations.contains(text))
            r.aggregation = text;
        else
            fail(QStringLiteral("aggregation"),
                 QStringLiteral("\"%1\" is not one of %2")
                     .arg(text, kAggregations.join(QStringLiteral(", "))));
    }
    matchers(json, QStringLiteral("labels"), QStringLiteral("labels"), &r.labels);
    strings(QStringLiteral("connections"), &r.connections);
    strings(QStringLiteral("deployments"), &r.deployments);
    strings(QStringLiteral("by"), &r.by);
    const QJsonValue share = json.value(QStringLiteral("share"));
    if (!share.isUndefined()) {
        if (share.isBool() && !share.toBool()) {
            r.isShare = false;
        } else if (!share.isObject()) {
            fail(QStringLiteral("share"),
                 QStringLiteral("%1 is not an object, e.g. {\"labels\": []} or {\"metric\": "
                                "\"QuotaLimit\"}")
                     .arg(quoted(share)));
        } else {
            const QJsonObject s = share.toObject();
            r.isShare = true;
            r.denominatorMetric = s.value(QStringLiteral("metric")).toString();
            r.denominatorLabels.clear();
            matchers(s, QStringLiteral("labels"), QStringLiteral("share.labels"),
                     &r.denominatorLabels);
            r.minDenominator = 0;
            if (number(s, QStringLiteral("minDenominator"), QStringLiteral("share.minDenominator"),
                       &r.minDenominator) &&
                r.minDenominator < 0)
                fail(QStringLiteral("share.minDenominator"),
                     QStringLiteral("must not be negative"));
            for (auto it = s.begin(); it != s.end(); ++it) {
                if (it.key() != QLatin1String("metric") && it.key() != QLatin1String("labels") &&
                    it.key() != QLatin1String("minDenominator"))
                    fail(QStringLiteral("share.") + it.key(),
                         QStringLiteral(
                             "unknown field (share takes metric, labels, minDenominator)"));
            }
        }
    }
    if (string(QStringLiteral("reduce"), &text)) {
        if (const auto red = byName(kReduces, alertReduceName, text))
            r.reduce = *red;
        else
            fail(QStringLiteral("reduce"), QStringLiteral("\"%1\" is not one of %2")
                                               .arg(text, names(kReduces, alertReduceName)));
    }
    duration(json.value(QStringLiteral("window")), QStringLiteral("window"), &r.windowSeconds,
             false);
    if (r.windowSeconds % 60 != 0)
        fail(QStringLiteral("window"),
             QStringLiteral("\"%1\" is not whole minutes (samples are per minute)")
                 .arg(formatDuration(r.windowSeconds)));
    if (string(QStringLiteral("op"), &text)) {
        if (const auto op = byName(kOps, alertOpName, text))
            r.op = *op;
        else
            fail(QStringLiteral("op"),
                 QStringLiteral("\"%1\" is not one of %2").arg(text, names(kOps, alertOpName)));
    }
    const bool thresholdGiven =
        number(json, QStringLiteral("threshold"), QStringLiteral("threshold"), &r.threshold);
    if (!thresholdGiven && !base && !json.contains(QStringLiteral("threshold")))
        fail(QStringLiteral("threshold"),
             QStringLiteral("is required (the value to compare with)"));
    if (number(json, QStringLiteral("clearMargin"), QStringLiteral("clearMargin"),
               &r.clearMargin)) {
        if (r.clearMargin < 0)
            fail(QStringLiteral("clearMargin"), QStringLiteral("must not be negative"));
    } else if (!base && thresholdGiven) {
        r.clearMargin = 0.05 * std::abs(r.threshold); // the documented default: 5 % of it
    }
    duration(json.value(QStringLiteral("for")), QStringLiteral("for"), &r.forSeconds, true);
    if (r.forSeconds % 60 != 0)
        fail(QStringLiteral("for"),
             QStringLiteral("\"%1\" is not whole minutes (samples are per minute)")
                 .arg(formatDuration(r.forSeconds)));
    const QJsonValue rate = json.value(QStringLiteral("rateLimit"));
    if (!rate.isUndefined()) {
        const QJsonObject o = rate.toObject();
        const QJsonValue count = o.value(QStringLiteral("count"));
        if (!rate.isObject()) {
            fail(QStringLiteral("rateLimit"),
                 QStringLiteral("%1 is not an object, e.g. {\"count\": 3, \"per\": \"1h\"}")
                     .arg(quoted(rate)));
        } else if (!count.isDouble() || count.toDouble() < 1 ||
                   count.toDouble() != std::floor(count.toDouble())) {
            fail(QStringLiteral("rateLimit.count"),
                 QStringLiteral("%1 is not a whole number of notifications, 1 or more")
                     .arg(quoted(count)));
        } else {
            r.rateLimitCount = count.toInt();
            duration(o.value(QStringLiteral("per")), QStringLiteral("rateLimit.per"),
                     &r.rateLimitSeconds, false);
        }
    }
    string(QStringLiteral("unit"), &r.unit);

    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"));
    if (!json.contains(QStringLiteral("id")) && r.id.isEmpty())
        fail(QStringLiteral("id"),
             QStringLiteral("is required (a short stable name, e.g. \"gateway-errors\")"));
    else if (!idPattern.match(r.id).hasMatch())
        fail(QStringLiteral("id"),
             QStringLiteral("\"%1\" must be 1-64 letters, digits, '-', '_' or '.'").arg(r.id));
    if (r.input == AlertInput::None && r.metric.isEmpty() &&
        !json.contains(QStringLiteral("metric")))
        fail(QString(), QStringLiteral("name a stored \"metric\" or an \"input\" (%1)")
                            .arg(names(kInputs, alertInputName)));
    if (r.input != AlertInput::None && r.isShare)
        fail(QStringLiteral("share"), QStringLiteral("an \"input\" rule cannot be a share"));
    if (r.name.isEmpty())
        r.name = r.id;
    if (errors->size() > before)
        return std::nullopt;
    return r;
}

} // namespace isc
