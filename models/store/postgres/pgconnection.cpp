#include "store/postgres/pgconnection.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <QUrlQuery>
#include <QtEndian>
#include <cstring>
#include <libpq-fe.h>

namespace isc::pg {

namespace {

QString oneLine(const char* text)
{
    return QString::fromUtf8(text).simplified();
}

} // namespace

Result::Result(PGresult* r) : m_r(r) {}

Result::~Result()
{
    PQclear(m_r);
}

Result::Result(Result&& o) noexcept : m_r(o.m_r)
{
    o.m_r = nullptr;
}

Result& Result::operator=(Result&& o) noexcept
{
    if (this != &o) {
        PQclear(m_r);
        m_r = o.m_r;
        o.m_r = nullptr;
    }
    return *this;
}

bool Result::ok() const
{
    if (!m_r)
        return false;
    const ExecStatusType s = PQresultStatus(m_r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_COPY_IN;
}

int Result::rows() const
{
    return m_r ? PQntuples(m_r) : 0;
}

qint64 Result::affected() const
{
    return m_r ? std::strtoll(PQcmdTuples(m_r), nullptr, 10) : 0;
}

bool Result::isNull(int row, int col) const
{
    return PQgetisnull(m_r, row, col) != 0;
}

QString Result::text(int row, int col) const
{
    return QString::fromUtf8(PQgetvalue(m_r, row, col), PQgetlength(m_r, row, col));
}

qint64 Result::int64(int row, int col) const
{
    return std::strtoll(PQgetvalue(m_r, row, col), nullptr, 10);
}

double Result::real(int row, int col) const
{
    // The C locale's strtod: the server writes "1.5", "Infinity", "NaN".
    return std::strtod(PQgetvalue(m_r, row, col), nullptr);
}

qint64 Result::binaryInt64(int row, int col) const
{
    return qFromBigEndian<qint64>(PQgetvalue(m_r, row, col));
}

double Result::binaryReal(int row, int col) const
{
    const quint64 bits = qFromBigEndian<quint64>(PQgetvalue(m_r, row, col));
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

QByteArray Result::sqlState() const
{
    const char* s = m_r ? PQresultErrorField(m_r, PG_DIAG_SQLSTATE) : nullptr;
    return s ? QByteArray(s) : QByteArray();
}

QString Result::message() const
{
    const char* s = m_r ? PQresultErrorField(m_r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    return s ? oneLine(s) : QString();
}

Connection::Connection() = default;

Connection::~Connection()
{
    close();
}

bool Connection::connect(const QString& uri, const QString& password, QString* error)
{
    close();
    const QByteArray dbname = uri.toUtf8();
    const QByteArray pass = password.toUtf8();
    // Defaults first and the URI after, so the URI's own values win; a password handed in
    // last, since the URI never holds one.
    // Our schema first on the search path, and floats sent exactly; kept across reset().
    const char* keys[] = {"connect_timeout", "application_name", "options",
                          "dbname",          "password",         nullptr};
    const char* values[] = {"10",
                            "inferscope",
                            "-c search_path=inferscope -c extra_float_digits=3",
                            dbname.constData(),
                            pass.isEmpty() ? nullptr : pass.constData(),
                            nullptr};
    if (pass.isEmpty())
        keys[4] = nullptr;
    m_conn = PQconnectdbParams(keys, values, 1);
    // The server's notices ("already exists, skipping") are not the user's business.
    PQsetNoticeProcessor(
        m_conn, [](void*, const char*) {}, nullptr);
    if (PQstatus(m_conn) != CONNECTION_OK) {
        if (error)
            *error = lastError();
        close();
        return false;
    }
    return true;
}

void Connection::close()
{
    if (m_conn)
        PQfinish(m_conn);
    m_conn = nullptr;
}

bool Connection::isOpen() const
{
    return m_conn != nullptr;
}

bool Connection::isBroken() const
{
    return !m_conn || PQstatus(m_conn) != CONNECTION_OK;
}

bool Connection::reset()
{
    if (!m_conn)
        return false;
    PQreset(m_conn);
    return PQstatus(m_conn) == CONNECTION_OK;
}

Result Connection::exec(const char* sql)
{
    return Result(m_conn ? PQexec(m_conn, sql) : nullptr);
}

namespace {

PGresult* execParams(PGconn* conn, const char* sql, const QVector<QByteArray>& params,
                     int resultFormat)
{
    if (!conn)
        return nullptr;
    QVector<const char*> values;
    values.reserve(params.size());
    for (const QByteArray& p : params)
        values.append(p.isNull() ? nullptr : p.constData());
    return PQexecParams(conn, sql, int(values.size()), nullptr, values.constData(), nullptr,
                        nullptr, resultFormat);
}

} // namespace

Result Connection::exec(const char* sql, const QVector<QByteArray>& params)
{
    return Result(execParams(m_conn, sql, params, 0));
}

Result Connection::execBinary(const char* sql, const QVector<QByteArray>& params)
{
    return Result(execParams(m_conn, sql, params, 1));
}

bool Connection::run(const char* sql, QString* error)
{
    return run(sql, {}, error);
}

bool Connection::run(const char* sql, const QVector<QByteArray>& params, QString* error)
{
    const Result r = params.isEmpty() ? exec(sql) : exec(sql, params);
    if (r.ok())
        return true;
    if (error) {
        *error = r.message();
        if (error->isEmpty())
            *error = lastError();
    }
    return false;
}

bool Connection::copyIn(const char* sql, const QByteArray& data, QString* error)
{
    const Result started = exec(sql);
    if (!started.get() || PQresultStatus(started.get()) != PGRES_COPY_IN) {
        if (error) {
            *error = started.message();
            if (error->isEmpty())
                *error = lastError();
        }
        return false;
    }
    const bool sent = PQputCopyData(m_conn, data.constData(), int(data.size())) == 1;
    // Ended either way: a COPY left open would hold the connection.
    const bool ended = PQputCopyEnd(m_conn, sent ? nullptr : "the rows could not be sent") == 1;
    const Result done(PQgetResult(m_conn));
    while (PGresult* more = PQgetResult(m_conn))
        PQclear(more);
    if (sent && ended && done.get() && PQresultStatus(done.get()) == PGRES_COMMAND_OK)
        return true;
    if (error) {
        *error = done.message();
        if (error->isEmpty())
            *error = lastError();
    }
    return false;
}

QString Connection::lastError() const
{
    if (!m_conn)
        return QStringLiteral("not connected");
    QString e = oneLine(PQerrorMessage(m_conn));
    if (e.isEmpty() && PQstatus(m_conn) != CONNECTION_OK)
        e = QStringLiteral("the connection to the server was lost");
    return e;
}

QString Connection::user() const
{
    return m_conn ? QString::fromUtf8(PQuser(m_conn)) : QString();
}

QString Connection::host() const
{
    return m_conn ? QString::fromUtf8(PQhost(m_conn)) : QString();
}

QByteArray param(qint64 v)
{
    return QByteArray::number(v);
}

QByteArray param(double v)
{
    // 17 significant digits read back to the same double.
    return QByteArray::number(v, 'g', 17);
}

QByteArray param(const QString& v)
{
    QByteArray out = v.toUtf8();
    if (out.isNull())
        out = QByteArray(""); // an empty string, not NULL
    return out;
}

namespace {

template <typename T> QByteArray arrayOf(const QVector<T>& values, qsizetype widthGuess)
{
    QByteArray out;
    out.reserve(values.size() * widthGuess + 2);
    out.append('{');
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out.append(',');
        out.append(param(values[i]));
    }
    out.append('}');
    return out;
}

} // namespace

QByteArray arrayParam(const QVector<qint64>& values)
{
    return arrayOf(values, 12);
}

QByteArray arrayParam(const QVector<double>& values)
{
    return arrayOf(values, 20);
}

QString redactedUri(const QString& uri)
{
    QUrl u(uri);
    if (!u.isValid())
        return uri.section(QLatin1Char('@'), -1); // at least never the user:password part
    QUrlQuery q(u);
    if (q.hasQueryItem(QStringLiteral("password"))) {
        q.removeAllQueryItems(QStringLiteral("password"));
        u.setQuery(q);
    }
    return u.toDisplayString(QUrl::RemovePassword);
}

bool uriHasPassword(const QString& uri)
{
    const QUrl u(uri);
    return !u.password().isEmpty() || QUrlQuery(u).hasQueryItem(QStringLiteral("password"));
}

ConnectFault classifyConnectError(const QString& libpqError)
{
    const QString e = libpqError.toLower();
    // In this order: "no pg_hba.conf entry ..., SSL off" is no TLS fault, and "root certificate
    // file ... does not exist" no missing database.
    if (e.contains(QLatin1String("pg_hba.conf")))
        return ConnectFault::NotAllowed;
    if (e.contains(QLatin1String("password")))
        return ConnectFault::Password;
    if (e.contains(QLatin1String("certificate")))
        return ConnectFault::Certificate;
    if (e.contains(QLatin1String("ssl")) || e.contains(QLatin1String("tls")))
        return ConnectFault::Tls;
    if (e.contains(QLatin1String("does not exist")))
        return ConnectFault::NoDatabase;
    return ConnectFault::Unreachable;
}

namespace {

// The value of `key` in libpq's option list `options`, empty when not set there.
QString optionValue(const PQconninfoOption* options, const char* key)
{
    for (const PQconninfoOption* o = options; o && o->keyword; ++o) {
        if (std::strcmp(o->keyword, key) == 0)
            return o->val ? QString::fromUtf8(o->val) : QString();
    }
    return {};
}

} // namespace

QString keychainEntry(const QString& uri)
{
    char* parseError = nullptr;
    PQconninfoOption* given = PQconninfoParse(uri.toUtf8().constData(), &parseError);
    PQfreemem(parseError);
    if (!given)
        return {};
    PQconninfoOption* defaults = PQconndefaults(); // the environment and libpq's own defaults
    const auto value = [given, defaults](const char* key) {
        const QString v = optionValue(given, key);
        return v.isEmpty() ? optionValue(defaults, key) : v;
    };
    const QString user = value("user");
    QString host = value("host");
    if (host.isEmpty())
        host = QStringLiteral("localhost");
    else if (host.contains(QLatin1Char(':')) && !host.startsWith(QLatin1Char('/')) &&
             !host.contains(QLatin1Char(',')))
        host = QLatin1Char('[') + host + QLatin1Char(']'); // an IPv6 address
    QString port = value("port");
    if (port.isEmpty())
        port = QStringLiteral("5432");
    QString dbname = value("dbname");
    if (dbname.isEmpty())
        dbname = user;
    PQconninfoFree(given);
    PQconninfoFree(defaults);
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(user, host, port, dbname);
}

namespace {

// Which of libpq's own password sources there are, in words: "PGPASSWORD (not set) and
// ~/.pgpass (no such file)".
QString libpqPasswordSources()
{
    const bool env = !qEnvironmentVariableIsEmpty("PGPASSWORD");
    const QString custom = qEnvironmentVariable("PGPASSFILE");
    const QString file = custom.isEmpty() ? QDir::homePath() + QLatin1String("/.pgpass") : custom;
    const QString shown = custom.isEmpty() ? QStringLiteral("~/.pgpass") : custom;
    return QStringLiteral("PGPASSWORD (%1) and %2 (%3)")
        .arg(env ? QStringLiteral("set") : QStringLiteral("not set"), shown,
             QFileInfo::exists(file) ? QStringLiteral("present") : QStringLiteral("no such file"));
}

QString passwordHint(const QString& address, const PasswordTrail& trail)
{
    const QString store =
        QStringLiteral("`inferscope secret set --database '%1'`").arg(redactedUri(address));
    if (trail.handedIn) {
        const QString from = trail.origin.isEmpty()
                                 ? QStringLiteral("The password handed in")
                                 : QStringLiteral("The password from ") + trail.origin;
        return QStringLiteral("%1 was refused (it is used before PGPASSWORD and ~/.pgpass): store "
                              "the right one with %2.")
            .arg(from, store);
    }
    const QString tried = trail.origin.isEmpty()
                              ? libpqPasswordSources()
                              : trail.origin + QLatin1String(", ") + libpqPasswordSources();
    return QStringLiteral("Inferscope looked for the password in %1: store it with %2, or give it "
                          "in PGPASSWORD or ~/.pgpass.")
        .arg(tried, store);
}

} // namespace

QString connectFailure(const QString& address, const QString& libpqError,
                       const PasswordTrail& trail)
{
    QString reason = libpqError;
    if (!reason.endsWith(QLatin1Char('.')) && !reason.endsWith(QLatin1Char('?')))
        reason += QLatin1Char('.');
    QString lead = QStringLiteral("Could not connect to the history database %1:");
    QString hint;
    switch (classifyConnectError(libpqError)) {
    case ConnectFault::Password:
        hint = passwordHint(address, trail);
        break;
    case ConnectFault::Certificate:
        lead = QStringLiteral("Could not connect to the history database %1. The server's TLS "
                              "certificate was refused:");
        hint = QStringLiteral("With sslmode=verify-full the certificate must chain to the CA in "
                              "sslrootcert (default ~/.postgresql/root.crt) and name the host in "
                              "the address; check both, or ask for the server's CA certificate.");
        break;
    case ConnectFault::Tls:
        reason = QStringLiteral("the TLS set-up failed: ") + reason;
        hint = QStringLiteral("Check the address's sslmode and that the server has ssl = on.");
        break;
    case ConnectFault::NotAllowed:
        hint = QStringLiteral("The server does not let this user in from this machine: ask its "
                              "administrator for a line in pg_hba.conf.");
        break;
    case ConnectFault::NoDatabase:
        hint = QStringLiteral("Create the database and its user first (see README, Team "
                              "set-up).");
        break;
    case ConnectFault::Unreachable:
        hint = QStringLiteral("Is the server running, and reachable from this machine?");
        break;
    }
    return lead.arg(redactedUri(address)) +
           QStringLiteral(" %1 %2 Nothing was written.").arg(reason, hint);
}

} // namespace isc::pg
