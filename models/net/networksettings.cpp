#include "net/networksettings.h"

#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QSslConfiguration>

namespace isc {
namespace {

QMutex& settingsMutex()
{
    static QMutex mutex;
    return mutex;
}

QList<QSslCertificate>& addedCertificates()
{
    static QList<QSslCertificate> certs;
    return certs;
}

} // namespace

QList<QSslCertificate> NetworkSettings::readPemBundle(const QString& path, QString* error)
{
    const auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return QList<QSslCertificate>();
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(
            QStringLiteral("cannot read the CA bundle %1: %2").arg(path, file.errorString()));
    constexpr qint64 maxBundleBytes = 16 * 1024 * 1024;
    if (file.size() > maxBundleBytes)
        return fail(QStringLiteral("the CA bundle %1 is larger than 16 MiB; is it the right file?")
                        .arg(path));
    const QList<QSslCertificate> certs = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (certs.isEmpty())
        return fail(QStringLiteral("the CA bundle %1 holds no PEM certificate (expected blocks "
                                   "starting with -----BEGIN CERTIFICATE-----)")
                        .arg(path));
    return certs;
}

bool NetworkSettings::setExtraCaBundle(const QString& path, QString* error)
{
    QList<QSslCertificate> certs;
    if (!path.isEmpty()) {
        certs = readPemBundle(path, error);
        if (certs.isEmpty())
            return false;
    }
    const QMutexLocker lock(&settingsMutex());
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    QList<QSslCertificate> cas = conf.caCertificates();
    // Setting any CA turns off Qt's on-demand loading of the system store: keep it explicitly.
    if (cas.isEmpty())
        cas = QSslConfiguration::systemCaCertificates();
    for (const QSslCertificate& old : addedCertificates())
        cas.removeAll(old);
    for (const QSslCertificate& c : certs) {
        if (!cas.contains(c))
            cas.append(c);
    }
    conf.setCaCertificates(cas);
    QSslConfiguration::setDefaultConfiguration(conf);
    addedCertificates() = certs;
    return true;
}

QList<QSslCertificate> NetworkSettings::extraCaCertificates()
{
    const QMutexLocker lock(&settingsMutex());
    return addedCertificates();
}

} // namespace isc
