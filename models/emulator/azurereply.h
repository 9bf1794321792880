#pragma once

#include "net/loopbackhttpserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

// Internal: what an emulator endpoint answers, and the JSON shapes Azure answers with.
namespace isc::emu::detail {

/// An HTTP answer with a JSON body.
struct Reply
{
    int status = 200;
    QJsonDocument body;
    QList<HttpServerHeader> headers;
    QByteArray raw; ///< already serialised JSON; wins over `body` when set
};

/// `s` as a JSON string literal, quotes included.
QByteArray jsonString(const QString& s);

/// `v` as a JSON number: the shortest text that round-trips, like QJsonDocument.
QByteArray jsonNumber(double v);

/// {"value": ..., "localizedValue": ...}, Azure's localizable name.
QJsonObject nameObject(const QString& value, const QString& localized);

/// 200 with {"value": [...]}, Azure's list shape.
Reply listReply(const QJsonArray& value);

/// Page `skip / pageSize` of the list reply `full` ({"value": [...]}, `pageSize` items a page),
/// with `nextLink` = `linkBase` + "$skipToken=<next skip>" while more items follow, as ARM pages.
Reply pageOf(const Reply& full, int pageSize, int skip, const QString& linkBase);

/// An ARM error: {"error": {"code", "message"}}.
Reply armError(int status, const QString& code, const QString& message);

/// An Azure Monitor error: {"code", "message"}, not wrapped in "error".
Reply monitorError(int status, const QString& code, const QString& message);

/// Azure Monitor's 400 "BadRequest" with `message`.
Reply badRequest(const QString& message);

} // namespace isc::emu::detail
