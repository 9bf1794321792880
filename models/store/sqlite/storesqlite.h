#pragma once

#include <QString>
#include <cstdint>
#include <sqlite3.h>

// Small helpers over the SQLite C API shared by the files of StoreDatabase (not a public API).
namespace isc::storeimpl {

inline QString qs(const char* utf8)
{
    return QString::fromUtf8(utf8);
}

/// The refusal of any statement while the database is closed.
inline QString notOpen()
{
    return QStringLiteral("The history database is not open.");
}

inline bool isCorruptionCode(int rc)
{
    const int primary = rc & 0xff;
    return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

/// Owns one prepared statement.
class Stmt
{
public:
    Stmt() = default;
    ~Stmt() { sqlite3_finalize(m_stmt); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    void finalize()
    {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
    }
    bool prepare(sqlite3* db, const char* sql)
    {
        finalize();
        return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) ==
               SQLITE_OK;
    }
    sqlite3_stmt* get() const { return m_stmt; }
    explicit operator bool() const { return m_stmt != nullptr; }
    void reset()
    {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    void bind(int i, qint64 v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, int v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, double v) { sqlite3_bind_double(m_stmt, i, v); }
    void bind(int i, const QString& v)
    {
        const QByteArray utf8 = v.toUtf8();
        // SQLITE_TRANSIENT: SQLite copies the text before bind returns.
        sqlite3_bind_text(m_stmt, i, utf8.constData(), int(utf8.size()),
                          reinterpret_cast<sqlite3_destructor_type>(static_cast<intptr_t>(-1)));
    }
    int step() { return sqlite3_step(m_stmt); }
    qint64 int64(int col) const { return sqlite3_column_int64(m_stmt, col); }
    double real(int col) const { return sqlite3_column_double(m_stmt, col); }
    QString text(int col) const
    {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
        return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, col)) : QString();
    }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace isc::storeimpl
