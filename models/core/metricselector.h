#pragma once

#include <QJsonArray>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>
#include <utility>

namespace isc {

/// One label matcher of a selector, as in PromQL: `name="v"`, `name!="v"`, `name=~"re"`,
/// `name!~"re"` (regular expressions anchored at both ends, as Prometheus does).
struct LabelMatcher
{
    enum class Op { Equal, NotEqual, Regex, NotRegex };
    QString name;
    Op op = Op::Equal;
    QString value;
    QRegularExpression regex; ///< for Regex / NotRegex, anchored

    /// True when a sample whose label `name` is `labelValue` (empty when absent) matches.
    bool matches(const QString& labelValue) const;
    /// PromQL text, e.g. `status=~"5.."`.
    QString toString() const;

    bool operator==(const LabelMatcher& o) const
    {
        return name == o.name && op == o.op && value == o.value;
    }
};

/// One series family a generic "prometheus" connection stores, picked by name and labels.
/// Workspace JSON (connections[i].selectors[j]):
/// {"name": "litellm_requests_total", "type": "counter"|"gauge"|"histogram",
///  "matchers": ["status_code!=\"500\"", "model=~\"gpt-.*\""], "by": ["model"],
///  "alias": "GatewayRequests", "unit": "Count"}
/// Only name and type are required. Counters are stored as per-minute increases (aggregation
/// "total"), gauges as per-minute averages ("average"), histograms as p50/p95/p99 in the
/// exposition's unit; series are summed over the labels not listed in `by` (all labels but
/// `le` are kept when `by` is absent).
struct MetricSelector
{
    enum class Type { Counter, Gauge, Histogram };
    QString name; ///< the family name; a counter's "_total" and a histogram's "_bucket" optional
    Type type = Type::Counter;
    QVector<LabelMatcher> matchers;
    QStringList by;       ///< labels kept; empty = all
    bool byGiven = false; ///< true when "by" was written (even as [])
    QString alias;        ///< the stored metric name; empty = name
    QString unit;         ///< the stored unit; empty = "Count" ("Seconds" for *_seconds histograms)

    /// The metric name samples are stored under: alias, else name.
    QString storedName() const { return alias.isEmpty() ? name : alias; }
    /// True when every matcher accepts `labels`.
    bool matches(const QList<std::pair<QString, QString>>& labels) const;

    bool operator==(const MetricSelector& o) const
    {
        return name == o.name && type == o.type && matchers == o.matchers && by == o.by &&
               byGiven == o.byGiven && alias == o.alias && unit == o.unit;
    }
};

/// At most this many selectors per connection.
constexpr int maxMetricSelectors = 100;

/// Parses a "selectors" array; on failure returns nullopt and sets `error` to one sentence
/// naming the field, e.g. `selectors[1].type: "summary" is not one of counter, gauge, histogram`.
std::optional<QVector<MetricSelector>> parseMetricSelectors(const QJsonValue& value,
                                                            QString* error);
/// Parses one PromQL label matcher (`name op "value"`); nullopt with `error` in words.
std::optional<LabelMatcher> parseLabelMatcher(const QString& text, QString* error);
/// The selectors as workspace JSON (parseMetricSelectors() reads it back equal).
QJsonArray metricSelectorsToJson(const QVector<MetricSelector>& selectors);

} // namespace isc
