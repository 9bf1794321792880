#include "store/postgres/pgconnection.h"

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

QString connectFailure(const QString& address, const QString& libpqError)
{
    const QString e = libpqError.toLower();
    QString hint;
    if (e.contains(QLatin1String("password")))
        hint = QStringLiteral("Check the password: Inferscope takes it from PGPASSWORD or "
                              "~/.pgpass.");
    else if (e.contains(QLatin1String("certificate")) || e.contains(QLatin1String("ssl")))
        hint = QStringLiteral("The server's TLS certificate or TLS set-up was refused; with "
                              "sslmode=verify-full the certificate must match the host name and "
                              "chain to sslrootcert (default ~/.postgresql/root.crt).");
    else if (e.contains(QLatin1String("does not exist")))
        hint = QStringLiteral("Create the database and its user first (see README, Team "
                              "set-up).");
    else
        hint = QStringLiteral("Is the server running, and reachable from this machine?");
    QString reason = libpqError;
    if (!reason.endsWith(QLatin1Char('.')) && !reason.endsWith(QLatin1Char('?')))
        reason += QLatin1Char('.');
    return QStringLiteral("Could not connect to the history database %1: %2 %3 Nothing was "
                          "written.")
        .arg(redactedUri(address), reason, hint);
}

} // namespace isc::pg
