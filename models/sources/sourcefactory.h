#pragma once

#include "core/workspace.h"
#include "sources/source.h"

#include <QStringList>

namespace isc {

class HttpClient;

/// The Source for `connection`'s kind, or nullptr with `error` set when the kind has no source.
/// `secret` gives the connection's monitoring credential (ARM token, admin key, ...).
Source* makeSource(const Connection& connection, HttpClient* http, SecretProvider secret,
                   QObject* parent, QString* error);

/// The connection kinds makeSource() knows.
QStringList supportedSourceKinds();

} // namespace isc
