#pragma once

#include <QNetworkProxyFactory>
#include <QString>
#include <QUrl>
#include <functional>

namespace isc {

/// True for hosts that are this machine: "localhost", "*.localhost", 127.0.0.0/8 and ::1.
bool isLoopbackHost(const QString& host);

/// True when `noProxy` (the `no_proxy` variable: comma- or space-separated host names, domain
/// suffixes like ".corp.example" or "corp.example", "host:port", or "*") names `url`'s host.
bool matchesNoProxy(const QUrl& url, const QString& noProxy);

/// The proxy URL the environment asks for `url` (`https_proxy` / `http_proxy` / `all_proxy`,
/// either case), honouring `no_proxy`; empty for loopback hosts and when none applies.
/// `env` reads a variable (defaults to the process environment).
QUrl environmentProxyFor(const QUrl& url, const std::function<QString(const char*)>& env = nullptr);

/// The proxy policy of every HttpClient: loopback is never proxied (Qt would send it through
/// http_proxy), then the environment's proxy variables, then Qt's application/system setting.
class NetworkProxyFactory : public QNetworkProxyFactory
{
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery& query) override;
};

} // namespace isc
