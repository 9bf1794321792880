#include "anthropicusageparser.h"

#include "core/labels.h"
#include "core/timerange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <limits>

namespace isc::anthropic {

namespace {

const QString kService = QStringLiteral("Anthropic");

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
    QString type;
    const QString err = errorText(body, &type);
    if (!err.isEmpty()) {
        page->error = kService + QLatin1String(": ") + err;
        page->errorType = type;
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    if (!root.value(QLatin1String("data")).isArray()) {
        page->error = QStringLiteral("%1: the answer has no \"data\" list of buckets; is the "
                                     "endpoint an Anthropic admin API?")
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

double count(const QJsonValue& v)
{
    const double d = v.toDouble(0);
    return std::isfinite(d) && d > 0 ? std::round(d) : 0;
}

template <typename F> bool forEachBucket(const QJsonObject& root, UsagePage* page, F perResult)
{
    for (const QJsonValue& bv : root.value(QLatin1String("data")).toArray()) {
        const QJsonObject bucket = bv.toObject();
        const auto ts = parseIsoUtc(bucket.value(QLatin1String("starting_at")).toString());
        if (!ts) {
            page->error = QStringLiteral("%1: a bucket has no RFC 3339 starting_at").arg(kService);
            return false;
        }
        ++page->buckets;
        for (const QJsonValue& rv : bucket.value(QLatin1String("results")).toArray()) {
            if (!perResult(*ts, rv.toObject()))
                return false;
        }
    }
    return true;
}

void addLabel(QList<Label>* labels, const QString& key, const QJsonValue& v)
{
    const QString text = v.toString();
    if (!text.isEmpty())
        labels->append({key, text});
}

} // namespace

std::optional<qint64> centsToMicroUsd(const QString& text)
{
    const QString t = text.trimmed();
    const auto isAsciiDigit = [](QChar c) {
        return c >= QLatin1Char('0') && c <= QLatin1Char('9');
    };
    int i = 0;
    const bool negative = t.startsWith(QLatin1Char('-'));
    if (negative)
        ++i;
    // Whole cents times 10,000 plus up to 10,000 from the decimals must fit in qint64.
    constexpr qint64 kMaxWhole = (std::numeric_limits<qint64>::max() - 10000) / 10000;
    qint64 whole = 0;
    int digits = 0;
    for (; i < t.size() && isAsciiDigit(t[i]); ++i, ++digits) {
        whole = whole * 10 + t[i].digitValue();
        if (whole > kMaxWhole)
            return std::nullopt;
    }
    qint64 frac = 0; // the first four decimals, in micro-USD
    int decimals = 0;
    bool roundUp = false;
    if (i < t.size() && t[i] == QLatin1Char('.')) {
        ++i;
        for (; i < t.size() && isAsciiDigit(t[i]); ++i, ++decimals) {
            if (decimals < 4)
                frac = frac * 10 + t[i].digitValue();
            else if (decimals == 4)
                roundUp = t[i].digitValue() >= 5; // half away from zero
        }
        if (decimals == 0)
            return std::nullopt;
    }
    if (i != t.size() || (digits == 0 && decimals == 0))
        return std::nullopt;
    for (int d = std::min(decimals, 4); d < 4; ++d)
        frac *= 10;
    const qint64 micros = whole * 10000 + frac + (roundUp ? 1 : 0);
    return negative ? -micros : micros;
}

QString errorText(const QByteArray& body, QString* type)
{
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    const QJsonValue err = root.value(QLatin1String("error"));
    if (!err.isObject())
        return {};
    const QJsonObject e = err.toObject();
    const QString kind = e.value(QLatin1String("type")).toString();
    const QString message = e.value(QLatin1String("message")).toString().simplified();
    if (type)
        *type = kind;
    if (kind.isEmpty())
        return message.isEmpty() ? QStringLiteral("unspecified error") : message;
    return message.isEmpty() ? kind : kind + QLatin1String(": ") + message;
}

UsagePage parseUsageReport(const QByteArray& body, const QString& source)
{
    UsagePage page;
    const auto root = pageRoot(body, &page);
    if (!root)
        return page;
    SeriesAccumulator acc(source);
    const bool ok = forEachBucket(*root, &page, [&](qint64 ts, const QJsonObject& r) {
        const QString model = r.value(QLatin1String("model")).toString();
        QList<Label> labels{{QStringLiteral("ModelDeploymentName"),
                             model.isEmpty() ? QStringLiteral("(all)") : model}};
        addLabel(&labels, QStringLiteral("workspace"), r.value(QLatin1String("workspace_id")));
        addLabel(&labels, QStringLiteral("service_tier"), r.value(QLatin1String("service_tier")));
        addLabel(&labels, QStringLiteral("context_window"),
                 r.value(QLatin1String("context_window")));
        const QString key = labels::canonical(labels);
        const QJsonObject creation = r.value(QLatin1String("cache_creation")).toObject();
        double write5m = count(creation.value(QLatin1String("ephemeral_5m_input_tokens")));
        const double write1h = count(creation.value(QLatin1String("ephemeral_1h_input_tokens")));
        // Older reports have one flat cache-creation count, written with the 5-minute TTL.
        if (creation.isEmpty())
            write5m = count(r.value(QLatin1String("cache_creation_input_tokens")));
        using namespace usagemetric;
        acc.add(inputUncached, key, countUnit, ts,
                count(r.value(QLatin1String("uncached_input_tokens"))));
        acc.add(cacheWrite5m, key, countUnit, ts, write5m);
        acc.add(cacheWrite1h, key, countUnit, ts, write1h);
        acc.add(inputCached, key, countUnit, ts,
                count(r.value(QLatin1String("cache_read_input_tokens"))));
        acc.add(output, key, countUnit, ts, count(r.value(QLatin1String("output_tokens"))));
        return true;
    });
    if (!ok)
        return page;
    page.series = acc.take();
    page.ok = true;
    return page;
}

UsagePage parseCostReport(const QByteArray& body, const QString& source)
{
    UsagePage page;
    const auto root = pageRoot(body, &page);
    if (!root)
        return page;
    SeriesAccumulator acc(source);
    const bool ok = forEachBucket(*root, &page, [&](qint64 ts, const QJsonObject& r) {
        const QJsonValue amount = r.value(QLatin1String("amount"));
        const auto micros = centsToMicroUsd(amount.toString());
        if (!amount.isString() || !micros) {
            page.error =
                QStringLiteral("%1: a cost amount is not a decimal string of cents "
                               "(got %2)")
                    .arg(kService,
                         QString::fromUtf8(
                             QJsonDocument(QJsonArray{amount}).toJson(QJsonDocument::Compact))
                             .mid(1)
                             .chopped(1));
            return false;
        }
        const QString currency = r.value(QLatin1String("currency")).toString();
        if (!currency.isEmpty() && currency.compare(QLatin1String("USD"), Qt::CaseInsensitive)) {
            page.error = QStringLiteral("%1: a cost is in %2, not USD").arg(kService, currency);
            return false;
        }
        const QString model = r.value(QLatin1String("model")).toString();
        QList<Label> labels{{QStringLiteral("ModelDeploymentName"),
                             model.isEmpty() ? QStringLiteral("(none)") : model}};
        addLabel(&labels, QStringLiteral("cost_type"), r.value(QLatin1String("cost_type")));
        addLabel(&labels, QStringLiteral("token_type"), r.value(QLatin1String("token_type")));
        addLabel(&labels, QStringLiteral("service_tier"), r.value(QLatin1String("service_tier")));
        addLabel(&labels, QStringLiteral("context_window"),
                 r.value(QLatin1String("context_window")));
        addLabel(&labels, QStringLiteral("workspace"), r.value(QLatin1String("workspace_id")));
        if (model.isEmpty())
            addLabel(&labels, QStringLiteral("description"), r.value(QLatin1String("description")));
        acc.add(usagemetric::reportedCost, labels::canonical(labels), usagemetric::microUsdUnit, ts,
                static_cast<double>(*micros));
        return true;
    });
    if (!ok)
        return page;
    page.series = acc.take();
    page.ok = true;
    return page;
}

} // namespace isc::anthropic
