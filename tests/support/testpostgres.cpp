#include "testpostgres.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

namespace isc::test {

namespace {

/// The newest installed server's bin folder (Debian: /usr/lib/postgresql/15/bin).
QString serverBin()
{
    QStringList versions =
        QDir(QStringLiteral("/usr/lib/postgresql")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(versions.begin(), versions.end(),
              [](const QString& a, const QString& b) { return a.toInt() > b.toInt(); });
    for (const QString& v : versions) {
        const QString bin = QStringLiteral("/usr/lib/postgresql/%1/bin").arg(v);
        if (QFile::exists(bin + QLatin1String("/initdb")))
            return bin;
    }
    return {};
}

int freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

bool asRoot()
{
    return ::geteuid() == 0;
}

} // namespace

TestPostgres::TestPostgres(Tls tls) : m_tls(tls) {}

TestPostgres::~TestPostgres()
{
    if (m_running)
        stop(QStringLiteral("immediate"));
}

bool TestPostgres::run(const QStringList& command, QString* output) const
{
    QStringList argv = command;
    // initdb and postgres refuse to run as root: the cluster belongs to `postgres` then.
    if (asRoot())
        argv = QStringList{QStringLiteral("runuser"), QStringLiteral("-u"),
                           QStringLiteral("postgres"), QStringLiteral("--")} +
               argv;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(m_dir->path());
    p.start(argv.takeFirst(), argv);
    const bool ok =
        p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (output)
        *output = QString::fromLocal8Bit(p.readAll()) + p.errorString();
    return ok;
}

bool TestPostgres::start(QString* error)
{
    m_bin = serverBin();
    if (m_bin.isEmpty()) {
        *error = QStringLiteral("PostgreSQL's server is not installed (Debian package "
                                "postgresql; `make test` installs it).");
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QLatin1String("/isc-pg-XXXXXX"));
    if (!m_dir->isValid()) {
        *error = m_dir->errorString();
        return false;
    }
    if (asRoot()) {
        const passwd* pw = ::getpwnam("postgres");
        if (!pw ||
            ::chown(QFile::encodeName(m_dir->path()).constData(), pw->pw_uid, pw->pw_gid) != 0) {
            *error = QStringLiteral("Could not hand %1 to the postgres user.").arg(m_dir->path());
            return false;
        }
    }
    QFile pwfile(m_dir->filePath(QStringLiteral("pwfile")));
    if (!pwfile.open(QIODevice::WriteOnly) || pwfile.write(password().toUtf8()) < 0) {
        *error = pwfile.errorString();
        return false;
    }
    pwfile.close();
    pwfile.setPermissions(QFile::ReadOwner | QFile::ReadOther | QFile::WriteOwner);
    QString out;
    if (!run({m_bin + QLatin1String("/initdb"), QStringLiteral("-D"),
              m_dir->filePath(QStringLiteral("data")), QStringLiteral("-U"), user(),
              QStringLiteral("--pwfile"), pwfile.fileName(), QStringLiteral("--auth-local=trust"),
              QStringLiteral("--auth-host=scram-sha-256"), QStringLiteral("--no-sync"),
              QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C")},
             &out)) {
        *error = QStringLiteral("initdb failed: %1").arg(out);
        return false;
    }
    QFile::remove(pwfile.fileName());
    m_port = freePort();
    QFile conf(m_dir->filePath(QStringLiteral("data/postgresql.conf")));
    if (!conf.open(QIODevice::Append)) {
        *error = conf.errorString();
        return false;
    }
    // A test cluster: loopback only, its socket in its folder, durability traded for speed.
    conf.write(QStringLiteral("listen_addresses = '127.0.0.1'\nport = %1\n"
                              "unix_socket_directories = '%2'\nfsync = off\n"
                              "full_page_writes = off\nmax_connections = 40\n"
                              "shared_buffers = 32MB\n")
                   .arg(m_port)
                   .arg(m_dir->path())
                   .toUtf8());
    conf.close();
    // Members of md5_users sign in with md5 over TCP; everyone else with scram-sha-256.
    QFile hba(m_dir->filePath(QStringLiteral("data/pg_hba.conf")));
    if (!hba.open(QIODevice::ReadWrite)) {
        *error = hba.errorString();
        return false;
    }
    const QByteArray rules = hba.readAll();
    hba.seek(0);
    hba.write("host all +md5_users 127.0.0.1/32 md5\n" + rules);
    hba.close();
    if (m_tls == Tls::On && !makeCertificates(error))
        return false;
    if (!restart(error))
        return false;
    QString e;
    sql(QStringLiteral("postgres"), QStringLiteral("CREATE ROLE md5_users NOLOGIN"), &e);
    if (!e.isEmpty())
        *error = e;
    return e.isEmpty();
}

bool TestPostgres::makeCertificates(QString* error)
{
    QString out;
    for (const char* name : {"server", "other"}) {
        const QString subject = qstrcmp(name, "server") == 0 ? QStringLiteral("/CN=localhost")
                                                             : QStringLiteral("/CN=Another CA");
        const QString base = m_dir->filePath(QLatin1String(name));
        if (!run({QStringLiteral("openssl"), QStringLiteral("req"), QStringLiteral("-x509"),
                  QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                  QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                  QStringLiteral("-keyout"), base + QLatin1String(".key"), QStringLiteral("-out"),
                  base + QLatin1String(".crt"), QStringLiteral("-days"), QStringLiteral("2"),
                  QStringLiteral("-subj"), subject, QStringLiteral("-addext"),
                  QStringLiteral("subjectAltName=DNS:localhost")},
                 &out)) {
            *error = QStringLiteral("openssl could not make a certificate: %1").arg(out);
            return false;
        }
        // The server refuses a key others may read.
        QFile::setPermissions(base + QLatin1String(".key"), QFile::ReadOwner | QFile::WriteOwner);
    }
    QFile conf(m_dir->filePath(QStringLiteral("data/postgresql.conf")));
    if (!conf.open(QIODevice::Append)) {
        *error = conf.errorString();
        return false;
    }
    conf.write(QStringLiteral("ssl = on\nssl_cert_file = '%1'\nssl_key_file = '%2'\n")
                   .arg(serverCertificate(), m_dir->filePath(QStringLiteral("server.key")))
                   .toUtf8());
    return true;
}

QString TestPostgres::serverCertificate() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("server.crt")) : QString();
}

QString TestPostgres::otherCertificate() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("other.crt")) : QString();
}

bool TestPostgres::createRole(const QString& name, const QString& password, const QString& method,
                              QString* error)
{
    QString e;
    QString statement = QStringLiteral("SET password_encryption = '%1'; CREATE ROLE %2 LOGIN "
                                       "PASSWORD '%3';")
                            .arg(method, name, password);
    if (method == QLatin1String("md5"))
        statement += QStringLiteral(" GRANT md5_users TO %1;").arg(name);
    sql(QStringLiteral("postgres"), statement, &e);
    if (!e.isEmpty() && error)
        *error = e;
    return e.isEmpty();
}

bool TestPostgres::restart(QString* error)
{
    QString out;
    if (!run({m_bin + QLatin1String("/pg_ctl"), QStringLiteral("-D"),
              m_dir->filePath(QStringLiteral("data")), QStringLiteral("-l"),
              m_dir->filePath(QStringLiteral("server.log")), QStringLiteral("-w"),
              QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")},
             &out)) {
        if (error)
            *error = QStringLiteral("pg_ctl start failed: %1\n%2").arg(out, log());
        return false;
    }
    m_running = true;
    return true;
}

bool TestPostgres::stop(const QString& mode)
{
    if (!m_running)
        return true;
    QString out;
    const bool ok = run({m_bin + QLatin1String("/pg_ctl"), QStringLiteral("-D"),
                         m_dir->filePath(QStringLiteral("data")), QStringLiteral("-m"), mode,
                         QStringLiteral("-w"), QStringLiteral("stop")},
                        &out);
    m_running = !ok;
    return ok;
}

bool TestPostgres::isRunning() const
{
    return m_running;
}

QString TestPostgres::socketDir() const
{
    return m_dir ? m_dir->path() : QString();
}

QString TestPostgres::socketUri(const QString& database) const
{
    return QStringLiteral("postgresql://%1@/%2?host=%3&port=%4")
        .arg(user(), database, socketDir())
        .arg(m_port);
}

QString TestPostgres::tcpUri(const QString& database) const
{
    return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(user()).arg(m_port).arg(database);
}

QString TestPostgres::createDatabase(QString* error, const QString& owner)
{
    const QString name = QStringLiteral("t%1").arg(++m_databases);
    QString e;
    sql(QStringLiteral("postgres"),
        QStringLiteral("CREATE DATABASE %1%2")
            .arg(name, owner.isEmpty() ? QString() : QStringLiteral(" OWNER ") + owner),
        &e);
    if (!e.isEmpty()) {
        if (error)
            *error = e;
        return {};
    }
    return socketUri(name);
}

QStringList TestPostgres::sql(const QString& database, const QString& statement,
                              QString* error) const
{
    QStringList out;
    // A bounded wait: a test polling the server while it ends sessions retries instead of
    // hanging in connect (seen once under load in tst_teamcollect).
    PGconn* c = PQconnectdb(
        (socketUri(database) + QStringLiteral("&connect_timeout=15")).toUtf8().constData());
    if (PQstatus(c) != CONNECTION_OK) {
        if (error)
            *error = QString::fromUtf8(PQerrorMessage(c));
        PQfinish(c);
        return out;
    }
    PGresult* r = PQexec(c, statement.toUtf8().constData());
    const ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_TUPLES_OK) {
        for (int i = 0; i < PQntuples(r); ++i)
            out.append(QString::fromUtf8(PQgetvalue(r, i, 0)));
    } else if (s != PGRES_COMMAND_OK && error) {
        *error = QString::fromUtf8(PQresultErrorMessage(r));
    }
    PQclear(r);
    PQfinish(c);
    return out;
}

QString TestPostgres::log() const
{
    QFile f(m_dir ? m_dir->filePath(QStringLiteral("server.log")) : QString());
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace isc::test
