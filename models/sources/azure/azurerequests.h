#pragma once

#include "net/httptypes.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <utility>

namespace isc::azure {

/// The most pages one ARM list is read to: past that it is a runaway list, not an inventory.
constexpr int kMaxListPages = 50;

/// `base` with `resourcePath` appended and `query` encoded as Azure reads it ('+' escaped).
QUrl buildUrl(const QUrl& base, const QString& resourcePath,
              const QList<std::pair<QString, QString>>& query);

/// "ModelDeploymentName eq '*' and StatusCode eq '*'": split by each dimension.
QString filterFor(const QStringList& splitBy);

/// "Microsoft.ContainerInstance/containerGroups" of ".../providers/Microsoft.ContainerInstance/
/// containerGroups/name": the resource type, which is its metric namespace.
QString resourceType(const QString& resourceId);

/// A failed call in words, naming `service` and keeping Azure's own code and message (a 429
/// says until when, and what Azure said: "… rate-limited until 12:00:17 UTC (HTTP 429
/// SubscriptionRequestsThrottled): Number of 'read' requests …").
QString describeFailure(const HttpResponse& r, const QString& service);

/// Where the page after `current` of the list called `listName` is, given that page's
/// `nextLink`: an empty URL on the last page. Refuses, with `error` in words, a link to another
/// host than `current`'s (the token never leaves the connection's hosts), a link already in
/// `seen` (a loop) and a page past kMaxListPages (`pagesRead` pages are read so far).
QUrl nextPageUrl(const QString& nextLink, const QUrl& current, const QSet<QString>& seen,
                 int pagesRead, const QString& service, const QString& listName, QString* error);

} // namespace isc::azure
