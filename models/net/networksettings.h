#pragma once

#include <QList>
#include <QSslCertificate>
#include <QString>

namespace isc {

/// Process-wide network settings every HttpClient shares (applied to Qt's default TLS
/// configuration, which each QNetworkAccessManager request starts from).
class NetworkSettings
{
public:
    /// Reads the PEM certificates in `path` (corporate TLS inspection roots) and trusts them in
    /// addition to the system CAs. An empty path removes the ones added before. Returns false
    /// and sets `error` to words (and changes nothing) when the file cannot be read or holds no
    /// certificate.
    static bool setExtraCaBundle(const QString& path, QString* error);

    /// The certificates added by setExtraCaBundle().
    static QList<QSslCertificate> extraCaCertificates();

    /// Reads PEM certificates from `path`; empty with `error` set when unreadable or empty.
    static QList<QSslCertificate> readPemBundle(const QString& path, QString* error);
};

} // namespace isc
