#include "openaiusageparser.h"

#include "core/labels.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace isc::openai {

namespace {

const QString kService = QStringLiteral("OpenAI");
const QString kAll = QStringLiteral("(all)");

// The page object, or nullopt with `page->error` set (bad JSON, an error document, wrong shape).
std::optional<QJsonObject> pageRoot(const QByteArray& body, UsagePage* page)
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        page->error = pe.error != QJsonParseError::NoError
                          ? QStringLiteral("%1: the answer is not valid JSON (%2 at offset %3)")
                                .arg(kService, pe.errorString())
                                .arg(pe.offset)
                          : QStringLiteral("%1: the answer is not a JSON object").arg(kService);
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    QString type;
    const QString err = errorText(body, &type);
    if (!err.isEmpty()) {
        page->error = kService + QLatin1String(": ") + err;
        page->errorType = type;
        return std::nullopt;
    }
    if (!root.value(QLatin1String("data")).isArray()) {
        page->error = QStringLiteral("%1: the answer has no \"data\" list of buckets; is the "
                                     "endpoint an OpenAI admin API?")
                          .arg(kService);
        return std::nullopt;
    }
    page->hasMore = root.value(QLatin1String("has_more")).toBool();
    page->nextPage = root.value(QLatin1String("next_page")).toString();
    if (page->hasMore && page->nextPage.isEmpty()) {
        page->error = QStringLiteral("%1: the answer says has_more but gives no next_page cursor")
                          .arg(kService);
        return std::nullopt;
    }
    return root;
}

// A whole, non-negative count from a JSON number (null or absent = 0).
double count(const QJsonObject& o, const char* key)
{
    const double v = o.value(QLatin1String(key)).toDouble(0);
    return std::isfinite(v) && v > 0 ? std::round(v) : 0;
}

QString textOf(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

template <typename F> bool forEachBucket(const QJsonObject& root, UsagePage* page, F perResult)
{
    const QJsonArray data = root.value(QLatin1String("data")).toArray();
    for (const QJsonValue& bv : data) {
        const QJsonObject bucket = bv.toObject();
        const QJsonValue start = bucket.value(QLatin1String("start_time"));
        if (!start.isDouble()) {
            page->error = QStringLiteral("%1: a bucket has no numeric start_time").arg(kService);
            return false;
        }
        // Seconds UTC between 1970 and about 5138: anything else is no time (and past qint64
        // the conversion is undefined behaviour).
        const double startSeconds = start.toDouble();
        if (!(startSeconds >= 0 && startSeconds < 1e11)) {
            page->error =
                QStringLiteral("%1: a bucket's start_time is not a plausible time").arg(kService);
            return false;
        }
        ++page->buckets;
        const qint64 ts = static_cast<qint64>(startSeconds);
        for (const QJsonValue& rv : bucket.value(QLatin1String("results")).toArray())
            perResult(ts, rv.toObject());
    }
    return true;
}

} // namespace

QString errorText(const QByteArray& body, QString* type)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonValue err = doc.object().value(QLatin1String("error"));
    if (!err.isObject())
        return {};
    const QJsonObject e = err.toObject();
    const QString code = textOf(e.value(QLatin1String("code")));
    const QString kind = code.isEmpty() ? textOf(e.value(QLatin1String("type"))) : code;
    const QString message = e.value(QLatin1String("message")).toString().simplified();
    if (type)
        *type = kind;
    if (kind.isEmpty())
        return message.isEmpty() ? QStringLiteral("unspecified error") : message;
    return message.isEmpty() ? kind : kind + QLatin1String(": ") + message;
}

UsagePage parseUsagePage(const QByteArray& body, const QString& source)
{
    UsagePage page;
    const auto root = pageRoot(body, &page);
    if (!root)
        return page;
    SeriesAccumulator acc(source);
    const bool ok = forEachBucket(*root, &page, [&](qint64 ts, const QJsonObject& r) {
        const QString model = textOf(r.value(QLatin1String("model")));
        QList<Label> labels{
            {QStringLiteral("ModelDeploymentName"), model.isEmpty() ? kAll : model}};
        const QString project = textOf(r.value(QLatin1String("project_id")));
        if (!project.isEmpty())
            labels.append({QStringLiteral("project"), project});
        const QString batch = textOf(r.value(QLatin1String("batch")));
        if (!batch.isEmpty())
            labels.append({QStringLiteral("batch"), batch});
        const QString tier = textOf(r.value(QLatin1String("service_tier")));
        if (!tier.isEmpty())
            labels.append({QStringLiteral("service_tier"), tier});
        const QString key = labels::canonical(labels);
        const double input = count(r, "input_tokens");
        const double cached = std::min(input, count(r, "input_cached_tokens"));
        using namespace usagemetric;
        acc.add(requests, key, countUnit, ts, count(r, "num_model_requests"));
        acc.add(inputUncached, key, countUnit, ts, input - cached);
        acc.add(inputCached, key, countUnit, ts, cached);
        acc.add(output, key, countUnit, ts, count(r, "output_tokens"));
    });
    if (!ok)
        return page;
    page.series = acc.take();
    page.ok = true;
    return page;
}

UsagePage parseCostsPage(const QByteArray& body, const QString& source)
{
    UsagePage page;
    const auto root = pageRoot(body, &page);
    if (!root)
        return page;
    SeriesAccumulator acc(source);
    QString bad;
    const bool ok = forEachBucket(*root, &page, [&](qint64 ts, const QJsonObject& r) {
        const QJsonObject amount = r.value(QLatin1String("amount")).toObject();
        const QString currency = amount.value(QLatin1String("currency")).toString().toLower();
        const QJsonValue value = amount.value(QLatin1String("value"));
        if (!value.isDouble() || (!currency.isEmpty() && currency != QLatin1String("usd"))) {
            bad = value.isDouble() ? QStringLiteral("a cost is in %1, not USD").arg(currency)
                                   : QStringLiteral("a cost has no numeric amount.value");
            return;
        }
        const QString item = textOf(r.value(QLatin1String("line_item")));
        // Line items read "<model>, <kind>" ("gpt-4o-2024-11-20, cached input").
        const QString model = item.contains(QLatin1String(", "))
                                  ? item.section(QLatin1String(", "), 0, 0)
                                  : (item.isEmpty() ? kAll : item);
        QList<Label> labels{{QStringLiteral("ModelDeploymentName"), model}};
        if (!item.isEmpty())
            labels.append({QStringLiteral("line_item"), item});
        const QString project = textOf(r.value(QLatin1String("project_id")));
        if (!project.isEmpty())
            labels.append({QStringLiteral("project"), project});
        // A JSON number is a double already; round once to whole micro-dollars.
        acc.add(usagemetric::reportedCost, labels::canonical(labels), usagemetric::microUsdUnit, ts,
                static_cast<double>(std::llround(value.toDouble() * 1e6)));
    });
    if (!ok)
        return page;
    if (!bad.isEmpty()) {
        page.error = kService + QLatin1String(": ") + bad;
        return page;
    }
    page.series = acc.take();
    page.ok = true;
    return page;
}

} // namespace isc::openai
