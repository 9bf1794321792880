#pragma once

#include "store/samplestore.h"
#include "store/storebackend.h"
#include "testpostgres.h"

#include <QTemporaryDir>
#include <QVariant>
#include <memory>

namespace isc::test {

/// The backends every store contract test runs against, as QtTest's global data: call it from
/// initTestCase_data(); a "backend" column with the rows "sqlite" and "postgresql".
void addBackendRows();

/// A fresh database of the current global row's backend per test function (a file in a
/// temporary folder, or a new database on a throwaway PostgreSQL cluster started on first use),
/// and SQL on it through a second connection, to check what really landed.
class BackendFixture
{
public:
    BackendFixture();
    ~BackendFixture();

    /// True when the current row is PostgreSQL.
    static bool isPostgres();

    /// A new empty database of the current backend; empty with a warning on failure.
    QString freshAddress();
    /// The address of the last freshAddress().
    QString address() const { return m_address; }
    /// Inspects an existing database from now on (e.g. a migrated file).
    void inspect(const QString& address) { m_address = address; }
    /// An open store on a new database.
    std::unique_ptr<SampleStore> openStore(StoreSettings settings = {});
    /// The last database opened again (e.g. after a test changed it behind the store's back).
    std::unique_ptr<SampleStore> reopenStore(StoreSettings settings = {});
    /// The cluster (started when first needed).
    TestPostgres& postgres();

    /// SQL on the last database: rows of every column, a first value, a row count.
    QVector<QVariantList> rows(const QString& sql) const;
    QVariant scalar(const QString& sql) const;
    qint64 count(const QString& table) const;
    bool exec(const QString& sql) const;
    /// A rollup's buckets (series_id, ts, min, max, sum, count), sorted, whatever its layout.
    QVector<QVariantList> rollupBuckets(const QString& table) const;
    double rollupSum(const QString& table) const;

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestPostgres> m_pg;
    QString m_address;
    int m_files = 0;
};

/// How much fillHistory() writes.
struct HistoryShape
{
    int hours = 48; ///< of minute samples per series, up to kNow
    int gaps = 12;
    int runs = 5;
    int documents = 6; ///< every third one shared, of two kinds
};

/// A small but complete history in the open `backend`: two sources with three series each of
/// minute samples (a few minutes missing, values with long fractions), plus three hours 40 days
/// before kNow whose raw samples the retention (applied as of kNow) has dropped, so only their
/// rollups remain; gap markers, deployments of both sources and playground runs (one starred,
/// one redacted) and documents (User and Shared). False with a warning on failure.
bool fillHistory(StoreBackend& backend, const HistoryShape& shape = {});

/// Fails the current test unless the rollups (5 min, 15 min, 1 h) of `db` hold exactly what a
/// recomputation from its raw samples gives.
void verifyRollupsMatchRaw(const BackendFixture& db);

} // namespace isc::test
