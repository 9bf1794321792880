#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>
#include <utility>

// Internal: what the emulated OpenAI and Anthropic admin APIs share (query, buckets, cursors).
namespace isc::emu::detail {

/// Every parameter of a raw query in order, repeated keys kept ("group_by[]=a&group_by[]=b");
/// keys lower-cased, values percent-decoded ('+' is a space).
QList<std::pair<QString, QString>> parseQueryAll(const QByteArray& raw);

/// The values of `key` in `query` (in order); "group_by" also matches "group_by[]".
QStringList queryValues(const QList<std::pair<QString, QString>>& query, const QString& key);

/// The first value of `key`, or a null QString.
QString queryValue(const QList<std::pair<QString, QString>>& query, const QString& key);

/// A bucket width the admin APIs know, with its page sizes (buckets per page).
struct BucketWidth
{
    qint64 seconds = 0;
    int defaultLimit = 0;
    int maxLimit = 0;
};

/// "1m", "1h" or "1d" with the usage APIs' default and maximum limits; nullopt otherwise.
std::optional<BucketWidth> usageBucketWidth(const QString& text);

/// One page of buckets: the bucket starts to answer and the cursor of the next page.
struct BucketPage
{
    QVector<qint64> starts; ///< bucket starts (s UTC), aligned to the width
    QString nextPage;       ///< opaque cursor, empty on the last page
};

/// Plans the page of `limit` buckets of `width` s covering [from, to), starting at the cursor
/// `page` (empty = the first). nullopt when the cursor is not one we issued for this query.
std::optional<BucketPage> planPage(qint64 from, qint64 to, qint64 width, int limit,
                                   const QString& page);

/// Formats pico-USD as a decimal number of cents ("123.45", "0.0123"): exact, >= 2 decimals.
QString picoUsdAsCents(qint64 picoUsd);

} // namespace isc::emu::detail
