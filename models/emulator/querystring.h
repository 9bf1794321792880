#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

namespace isc::emu::detail {

/// The parameters of a raw query string ("a=1&b=x+y"): keys trimmed and lower-cased, values
/// decoded as ASP.NET does ('+' is a space); the first of repeated keys wins.
QMap<QString, QString> parseQuery(const QByteArray& raw);

} // namespace isc::emu::detail
