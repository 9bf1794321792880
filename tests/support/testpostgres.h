#pragma once

#include <QString>
#include <QStringList>
#include <memory>

class QTemporaryDir;

namespace isc::test {

/// A throwaway PostgreSQL 15 cluster for one test process: initdb in a temporary folder (as the
/// `postgres` user when the test runs as root), a free loopback port, its socket in that folder.
/// Connections over the socket are trusted; over TCP they need the password (scram-sha-256,
/// md5 for roles made with createRole(..., "md5")). With Tls::On the server also offers TLS
/// with a self-signed certificate for "localhost", made by the openssl tool at start.
/// Stopped (immediately) and removed on destruction, whatever the test did.
class TestPostgres
{
public:
    enum class Tls { Off, On };
    explicit TestPostgres(Tls tls = Tls::Off);
    ~TestPostgres();
    TestPostgres(const TestPostgres&) = delete;
    TestPostgres& operator=(const TestPostgres&) = delete;

    /// The superuser's name and its password (for TCP connections).
    static QString user() { return QStringLiteral("inferscope"); }
    static QString password() { return QStringLiteral("throwaway-test-password"); }

    /// initdb and start; false with `error` (the tool's output) on failure.
    bool start(QString* error);
    /// pg_ctl stop -m `mode` ("immediate": as a crash; "fast": clean).
    bool stop(const QString& mode = QStringLiteral("fast"));
    /// Starts the stopped cluster again on the same port.
    bool restart(QString* error);
    bool isRunning() const;

    int port() const { return m_port; }
    QString socketDir() const;
    /// A new empty database (owned by `owner` when given); its libpq URI over the socket (no
    /// password needed).
    QString createDatabase(QString* error, const QString& owner = {});
    /// A login role with `password`, stored and checked by `method` ("scram-sha-256" or "md5")
    /// on TCP; false with `error`.
    bool createRole(const QString& name, const QString& password, const QString& method,
                    QString* error);
    /// With Tls::On: the server's self-signed certificate (the CA a client must trust), and
    /// another self-signed certificate that did not sign it.
    QString serverCertificate() const;
    QString otherCertificate() const;
    /// The URI of `database` over the socket, or over TCP on 127.0.0.1 (password needed).
    QString socketUri(const QString& database) const;
    QString tcpUri(const QString& database) const;

    /// Runs `sql` on `database` as the superuser; the first column of each row, or `error`.
    QStringList sql(const QString& database, const QString& sql, QString* error = nullptr) const;

    /// The server's log so far (for a failing test's message).
    QString log() const;

private:
    bool run(const QStringList& command, QString* output) const;
    bool makeCertificates(QString* error);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_bin;
    int m_port = 0;
    int m_databases = 0;
    bool m_running = false;
    Tls m_tls = Tls::Off;
};

} // namespace isc::test
