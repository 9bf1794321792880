#include "net/proxypolicy.h"

#include <QHostAddress>
#include <QNetworkProxy>
#include <QRegularExpression>

namespace isc {

bool isLoopbackHost(const QString& host)
{
    QString h = host;
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    if (h.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 ||
        h.endsWith(QLatin1String(".localhost"), Qt::CaseInsensitive))
        return true;
    QHostAddress address;
    return address.setAddress(h) && address.isLoopback();
}

bool matchesNoProxy(const QUrl& url, const QString& noProxy)
{
    const QString host = url.host().toLower();
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    for (QString entry : noProxy.split(separators, Qt::SkipEmptyParts)) {
        entry = entry.trimmed().toLower();
        if (entry == QLatin1String("*"))
            return true;
        // "host:port" applies to that port only (IPv6 literals need brackets to carry a port).
        const int colon = entry.lastIndexOf(QLatin1Char(':'));
        if (colon > 0 && entry.indexOf(QLatin1Char(':')) == colon) {
            bool ok = false;
            const int entryPort = entry.mid(colon + 1).toInt(&ok);
            if (!ok || entryPort != port)
                continue;
            entry.truncate(colon);
        }
        if (entry.startsWith(QLatin1String("*.")))
            entry.remove(0, 1);
        if (entry.startsWith(QLatin1Char('.'))) {
            if (host.endsWith(entry) || host == entry.mid(1))
                return true;
            continue;
        }
        if (host == entry || host.endsWith(QLatin1Char('.') + entry))
            return true;
    }
    return false;
}

QUrl environmentProxyFor(const QUrl& url, const std::function<QString(const char*)>& env)
{
    const auto read = [&env](const char* lower, const char* upper) {
        QString v = env ? env(lower) : qEnvironmentVariable(lower);
        if (v.isEmpty())
            v = env ? env(upper) : qEnvironmentVariable(upper);
        return v.trimmed();
    };
    if (isLoopbackHost(url.host()))
        return {};
    if (matchesNoProxy(url, read("no_proxy", "NO_PROXY")))
        return {};
    QString proxy = url.scheme() == QLatin1String("https") ? read("https_proxy", "HTTPS_PROXY")
                                                           : read("http_proxy", "HTTP_PROXY");
    if (proxy.isEmpty())
        proxy = read("all_proxy", "ALL_PROXY");
    if (proxy.isEmpty())
        return {};
    if (!proxy.contains(QLatin1String("://")))
        proxy.prepend(QLatin1String("http://")); // "proxy:3128" is common in the wild
    const QUrl parsed(proxy);
    return parsed.isValid() && !parsed.host().isEmpty() ? parsed : QUrl();
}

QList<QNetworkProxy> NetworkProxyFactory::queryProxy(const QNetworkProxyQuery& query)
{
    if (isLoopbackHost(query.peerHostName()))
        return {QNetworkProxy(QNetworkProxy::NoProxy)};
    const QUrl proxy = query.url().isEmpty() ? QUrl() : environmentProxyFor(query.url());
    if (proxy.isValid()) {
        const bool socks = proxy.scheme().startsWith(QLatin1String("socks"));
        QNetworkProxy p(socks ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy, proxy.host(),
                        static_cast<quint16>(proxy.port(socks ? 1080 : 80)), proxy.userName(),
                        proxy.password());
        return {p};
    }
    return QNetworkProxyFactory::proxyForQuery(query);
}

} // namespace isc
