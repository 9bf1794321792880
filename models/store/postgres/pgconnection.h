#pragma once

#include <QByteArray>
#include <QString>
#include <QVector>
#include <memory>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

// A thin owner of libpq's connection and results for the PostgreSQL backend (not a public API).
namespace isc::pg {

/// One query result; empty (and not ok) when the query could not be sent.
class Result
{
public:
    Result() = default;
    explicit Result(PGresult* r);
    ~Result();
    Result(Result&& o) noexcept;
    Result& operator=(Result&& o) noexcept;
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;

    /// True for a command or a query that completed (COMMAND_OK, TUPLES_OK, COPY_IN).
    bool ok() const;
    int rows() const;
    /// The rows an INSERT, UPDATE or DELETE changed.
    qint64 affected() const;
    bool isNull(int row, int col) const;
    QString text(int row, int col) const;
    qint64 int64(int row, int col) const;
    double real(int row, int col) const;
    /// A bigint or double precision of a binary-format result (Connection::execBinary()).
    qint64 binaryInt64(int row, int col) const;
    double binaryReal(int row, int col) const;
    /// The server's SQLSTATE ("40001", "57P01", ...), empty when there is none.
    QByteArray sqlState() const;
    /// The server's primary message, in one line.
    QString message() const;
    PGresult* get() const { return m_r; }

private:
    PGresult* m_r = nullptr;
};

/// One connection. Statements take text parameters ($1, $2, ...): a null QByteArray is NULL.
class Connection
{
public:
    Connection();
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Connects to the libpq URI `uri`; `password` (handed in by the caller) is used when not
    /// empty, else libpq's PGPASSWORD and ~/.pgpass. `error` gets libpq's words on failure.
    bool connect(const QString& uri, const QString& password, QString* error);
    void close();
    bool isOpen() const;
    /// False once the server went away (restart, network): the caller may reset().
    bool isBroken() const;
    /// Reconnects with the same parameters; false when the server is still unreachable.
    bool reset();

    Result exec(const char* sql);
    Result exec(const char* sql, const QVector<QByteArray>& params);
    /// As exec(), the result's columns in binary format: no number printed and parsed again.
    Result execBinary(const char* sql, const QVector<QByteArray>& params);
    /// Runs `sql` (a command); false with `error` set to the server's words on failure.
    bool run(const char* sql, QString* error);
    bool run(const char* sql, const QVector<QByteArray>& params, QString* error);
    /// Runs `sql` (a COPY ... FROM STDIN) sending `data` (in the format the COPY names) as its
    /// rows; false with `error` set to the server's words (and `sqlState`, when given, to its
    /// SQLSTATE) on failure.
    bool copyIn(const char* sql, const QByteArray& data, QString* error,
                QByteArray* sqlState = nullptr);

    /// The connection's last error in one line (a lost connection says so).
    QString lastError() const;
    /// The database user (session_user) and the server's host, for messages.
    QString user() const;
    QString host() const;
    PGconn* get() const { return m_conn; }

private:
    PGconn* m_conn = nullptr;
};

/// A text parameter for a 64-bit integer, a double (round-trip exact) or a string.
QByteArray param(qint64 v);
QByteArray param(double v);
QByteArray param(const QString& v);
/// A PostgreSQL array literal of integers or doubles: {1,2,3}.
QByteArray arrayParam(const QVector<qint64>& values);
QByteArray arrayParam(const QVector<double>& values);

/// `uri` without its password (and any password= parameter), for messages and logs.
QString redactedUri(const QString& uri);
/// True when `uri` carries a password (user:secret@ or password=...).
bool uriHasPassword(const QString& uri);

/// What kind of failure libpq's words for a failed connection describe.
enum class ConnectFault {
    Password,    ///< the password was refused, or one was needed and none found
    Certificate, ///< the server's TLS certificate was refused or could not be checked
    Tls,         ///< another TLS problem (the server does not offer TLS, a handshake error)
    NotAllowed,  ///< the server's pg_hba.conf lets this user in from nowhere here
    NoDatabase,  ///< no such database or user
    Unreachable  ///< anything else: the server is down, unreachable, refusing connections
};
ConnectFault classifyConnectError(const QString& libpqError);

/// The keychain entry that holds the password of the database `uri`:
/// "postgresql://USER@HOST:PORT/DBNAME", libpq's defaults filled in (PGUSER or the login name,
/// PGHOST or localhost, PGPORT or 5432, PGDATABASE or the user); other parameters left out.
QString keychainEntry(const QString& uri);

/// Where the password of a failed connection came from, for its words (never the password).
struct PasswordTrail
{
    bool handedIn = false; ///< a password was handed in (libpq's own sources were not used)
    QString origin;        ///< where it came from, or where it was looked for first; may be empty
};

/// The user's words for a failed connection: libpq's reason, which password sources were
/// tried, and what to check.
QString connectFailure(const QString& address, const QString& libpqError,
                       const PasswordTrail& trail = {});

} // namespace isc::pg
