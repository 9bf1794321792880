#include "azurereply.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

namespace isc::emu::detail {

namespace {

Reply jsonReply(int status, const QJsonObject& body)
{
    Reply r;
    r.status = status;
    r.body = QJsonDocument(body);
    return r;
}

QJsonObject codeAndMessage(const QString& code, const QString& message)
{
    return QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
}

} // namespace

QByteArray jsonString(const QString& s)
{
    QByteArray out = "\"";
    for (const char c : s.toUtf8()) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += "\\u00" +
                   QByteArray::number(static_cast<unsigned char>(c), 16).rightJustified(2, '0');
        } else {
            out += c;
        }
    }
    return out + '"';
}

QByteArray jsonNumber(double v)
{
    if (std::floor(v) == v && std::abs(v) < 9007199254740992.0)
        return QByteArray::number(static_cast<qint64>(v));
    return QByteArray::number(v, 'g', QLocale::FloatingPointShortest);
}

QJsonObject nameObject(const QString& value, const QString& localized)
{
    return QJsonObject{{QStringLiteral("value"), value},
                       {QStringLiteral("localizedValue"), localized}};
}

Reply listReply(const QJsonArray& value)
{
    return jsonReply(200, QJsonObject{{QStringLiteral("value"), value}});
}

Reply pageOf(const Reply& full, int pageSize, int skip, const QString& linkBase)
{
    const QJsonArray all = full.body.object().value(QStringLiteral("value")).toArray();
    QJsonArray page;
    for (qsizetype i = std::max(0, skip); i < all.size() && page.size() < pageSize; ++i)
        page.append(all.at(i));
    QJsonObject body{{QStringLiteral("value"), page}};
    const qsizetype next = std::max(0, skip) + pageSize;
    if (next < all.size())
        body.insert(QStringLiteral("nextLink"),
                    linkBase + QStringLiteral("$skipToken=%1").arg(next));
    Reply r = full;
    r.body = QJsonDocument(body);
    return r;
}

Reply armError(int status, const QString& code, const QString& message)
{
    return jsonReply(status, QJsonObject{{QStringLiteral("error"), codeAndMessage(code, message)}});
}

Reply monitorError(int status, const QString& code, const QString& message)
{
    return jsonReply(status, codeAndMessage(code, message));
}

Reply badRequest(const QString& message)
{
    return monitorError(400, QStringLiteral("BadRequest"), message);
}

} // namespace isc::emu::detail
