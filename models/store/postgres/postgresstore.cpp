#include "store/postgres/postgresstore_p.h"

#include <QLoggingCategory>
#include <libpq-fe.h>
#include <utility>

Q_LOGGING_CATEGORY(lcPostgres, "inferscope.store.postgres")

namespace isc {

namespace {

// Everything lives in its own schema, so a shared database's other tables are never touched.
const char* const kSchema = "CREATE SCHEMA IF NOT EXISTS inferscope";
// Held for the whole migration: two processes opening a fresh database create it once.
const char* const kMigrationLock = "SELECT pg_advisory_xact_lock(7236784512)";

const char* const kCreateStatements[] = {
    "CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE series(id bigserial PRIMARY KEY, source text NOT NULL, metric text NOT NULL, "
    "aggregation text NOT NULL, labels text NOT NULL, unit text NOT NULL DEFAULT '', "
    "UNIQUE(source, metric, aggregation, labels))",
    "CREATE INDEX series_by_metric ON series(metric, aggregation, source)",
    // Partitioned by time: retention drops whole partitions (PostgresStore::kRawPartition).
    "CREATE TABLE samples(series_id bigint NOT NULL, ts bigint NOT NULL, value double "
    "precision NOT NULL, PRIMARY KEY(series_id, ts)) PARTITION BY RANGE (ts)",
    "CREATE TABLE rollup_5m(series_id bigint NOT NULL, ts bigint NOT NULL, min double precision "
    "NOT NULL, max double precision NOT NULL, sum double precision NOT NULL, count bigint NOT "
    "NULL, PRIMARY KEY(series_id, ts)) PARTITION BY RANGE (ts)",
    "CREATE TABLE rollup_15m(series_id bigint NOT NULL, ts bigint NOT NULL, min double "
    "precision NOT NULL, max double precision NOT NULL, sum double precision NOT NULL, count "
    "bigint NOT NULL, PRIMARY KEY(series_id, ts)) PARTITION BY RANGE (ts)",
    // Hourly rollups are kept forever: one plain table.
    "CREATE TABLE rollup_1h(series_id bigint NOT NULL, ts bigint NOT NULL, min double precision "
    "NOT NULL, max double precision NOT NULL, sum double precision NOT NULL, count bigint NOT "
    "NULL, PRIMARY KEY(series_id, ts))",
    "CREATE TABLE gaps(id bigserial PRIMARY KEY, source text NOT NULL, from_ts bigint NOT NULL, "
    "to_ts bigint NOT NULL, reason text NOT NULL, recorded_at bigint NOT NULL DEFAULT 0, "
    "metric text NOT NULL DEFAULT '')",
    "CREATE INDEX gaps_by_source ON gaps(source, from_ts)",
    "CREATE TABLE deployments(source text NOT NULL, name text NOT NULL, model text NOT NULL "
    "DEFAULT '', version text NOT NULL DEFAULT '', sku text NOT NULL DEFAULT '', capacity "
    "bigint NOT NULL DEFAULT 0, spillover_to text NOT NULL DEFAULT '', state text NOT NULL "
    "DEFAULT '', upgrade_option text NOT NULL DEFAULT '', PRIMARY KEY(source, name))",
    // Runs belong to the database user who made them.
    "CREATE TABLE runs(id bigserial PRIMARY KEY, owner text NOT NULL DEFAULT session_user, "
    "created_at bigint NOT NULL, target text NOT NULL, connection text NOT NULL DEFAULT '', "
    "dialect text NOT NULL DEFAULT '', url text NOT NULL DEFAULT '', model text NOT NULL "
    "DEFAULT '', parameters text NOT NULL DEFAULT '{}', messages text NOT NULL DEFAULT '', "
    "output text NOT NULL DEFAULT '', metrics text NOT NULL DEFAULT '{}', headers text NOT NULL "
    "DEFAULT '{}', error text NOT NULL DEFAULT '', error_kind text NOT NULL DEFAULT '', starred "
    "boolean NOT NULL DEFAULT false, redacted boolean NOT NULL DEFAULT false)",
    "CREATE INDEX runs_by_owner ON runs(owner, created_at DESC)",
    // Who writes each source (the holder of its advisory lock) and its last stored poll.
    "CREATE TABLE writers(source text PRIMARY KEY, holder text NOT NULL, since bigint NOT NULL, "
    "last_poll bigint NOT NULL DEFAULT 0)",
};

// Schema 2: small JSON documents per user (owner = session_user) or shared (owner = ''). Row-level
// security lets every role read its own and the shared rows and write only its own; the table's
// owner (the role that created the schema, the collector's) is exempt and writes shared ones.
const char* const kDocumentStatements[] = {
    "CREATE TABLE documents(owner text NOT NULL, kind text NOT NULL, key text NOT NULL, body "
    "text NOT NULL, revision bigint NOT NULL, updated_at bigint NOT NULL, PRIMARY KEY(owner, "
    "kind, key))",
    "ALTER TABLE documents ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY documents_read ON documents FOR SELECT USING (owner = '' OR owner = "
    "session_user)",
    "CREATE POLICY documents_own ON documents USING (owner = session_user) WITH CHECK (owner = "
    "session_user)",
};

// Two-key advisory locks: this class id, and the hash of the source's id.
const char* const kTryLock = "SELECT pg_try_advisory_lock(1769238111, hashtext($1))";

} // namespace

PostgresStore::PostgresStore() : d(std::make_unique<Private>()) {}

PostgresStore::~PostgresStore() = default;

QStringList PostgresStore::schemaStatements()
{
    QStringList out;
    for (const char* s : kCreateStatements)
        out.append(QString::fromUtf8(s));
    for (const char* s : kDocumentStatements)
        out.append(QString::fromUtf8(s));
    return out;
}

QString PostgresStore::Private::unwritable() const
{
    return conn.isOpen() ? QString()
                         : QStringLiteral("The history database %1 is not open.").arg(shown);
}

bool PostgresStore::Private::migrate(OpenReport* r, bool* created)
{
    QString error;
    const auto failed = [&](const QString& what) {
        conn.run("ROLLBACK", nullptr);
        r->message = QStringLiteral("Could not prepare the history database %1 (%2): %3. "
                                    "Nothing was changed.")
                         .arg(shown, what, error);
        return false;
    };
    if (!conn.run("BEGIN", &error) || !conn.run(kMigrationLock, &error))
        return failed(QStringLiteral("its schema"));
    // CREATE SCHEMA needs the right to create, even when it exists: a viewer's role lacks it.
    const pg::Result schema = conn.exec("SELECT to_regnamespace('inferscope') IS NOT NULL");
    if (!schema.ok() || schema.rows() != 1 ||
        (schema.text(0, 0) != QLatin1String("t") && !conn.run(kSchema, &error))) {
        if (error.isEmpty())
            error = schema.message();
        return failed(QStringLiteral("its schema"));
    }
    pg::Result meta = conn.exec("SELECT to_regclass('inferscope.meta') IS NOT NULL");
    if (!meta.ok() || meta.rows() != 1) {
        error = meta.message();
        return failed(QStringLiteral("reading its version"));
    }
    int version = 0;
    if (meta.text(0, 0) == QLatin1String("t")) {
        pg::Result v = conn.exec("SELECT value FROM meta WHERE key = 'schema_version'");
        if (!v.ok()) {
            error = v.message();
            return failed(QStringLiteral("reading its version"));
        }
        version = v.rows() == 1 ? v.text(0, 0).toInt() : 0;
    }
    r->schemaVersion = version;
    if (version > SchemaVersion) {
        conn.run("ROLLBACK", nullptr);
        r->status = OpenReport::Status::NewerSchema;
        r->message = QStringLiteral("This database was written by a newer Inferscope (schema "
                                    "%1; this build reads up to %2). Nothing was changed.")
                         .arg(version)
                         .arg(SchemaVersion);
        return false;
    }
    *created = version == 0;
    if (version == 0) {
        for (const char* s : kCreateStatements) {
            if (!conn.run(s, &error))
                return failed(QStringLiteral("creating its tables"));
        }
    }
    // Each later schema version migrates here, in this same transaction.
    if (version < 2) {
        for (const char* s : kDocumentStatements) {
            if (!conn.run(s, &error))
                return failed(QStringLiteral("adding its documents table"));
        }
    }
    // A current schema is left untouched: a viewer's role may only read meta.
    if ((version < SchemaVersion &&
         !conn.run("INSERT INTO meta(key, value) VALUES('schema_version', $1) ON CONFLICT(key) "
                   "DO UPDATE SET value = excluded.value",
                   {pg::param(qint64(SchemaVersion))}, &error)) ||
        !conn.run("COMMIT", &error))
        return failed(QStringLiteral("recording its version"));
    r->schemaVersion = SchemaVersion;
    return true;
}

OpenReport PostgresStore::open(const QString& address, const StoreSettings& settings)
{
    close();
    OpenReport r;
    d->address = address;
    d->shown = pg::redactedUri(address);
    d->settings = settings;
    r.path = d->shown;
    if (pg::uriHasPassword(address)) {
        r.message = QStringLiteral("The database address %1 holds a password. Keep it out of "
                                   "addresses and workspace files: store it in the keychain "
                                   "(`inferscope secret set --database ADDRESS`) or give it in "
                                   "PGPASSWORD or ~/.pgpass. Nothing was written.")
                        .arg(d->shown);
        return r;
    }
    QString error;
    if (!d->conn.connect(address, settings.password, &error)) {
        r.message = pg::connectFailure(address, error,
                                       {!settings.password.isEmpty(), settings.passwordOrigin});
        r.passwordRefused = pg::classifyConnectError(error) == pg::ConnectFault::Password;
        qCWarning(lcPostgres).noquote() << r.message;
        return r;
    }
    bool created = false;
    if (!d->migrate(&r, &created) || !d->loadPartitions(&error)) {
        if (r.message.isEmpty())
            r.message =
                QStringLiteral("Could not read the partitions of %1: %2.").arg(d->shown, error);
        d->conn.close();
        return r;
    }
    if (!d->listen(&error)) {
        r.message = QStringLiteral("Could not listen for other collectors' polls on %1: %2.")
                        .arg(d->shown, error);
        d->conn.close();
        return r;
    }
    r.status = created ? OpenReport::Status::Created : OpenReport::Status::Opened;
    return r;
}

bool PostgresStore::Private::listen(QString* error)
{
    listener.reset();
    if (!conn.run("LISTEN inferscope_data", error))
        return false;
    listener = std::make_unique<QSocketNotifier>(PQsocket(conn.get()), QSocketNotifier::Read);
    QObject::connect(listener.get(), &QSocketNotifier::activated, listener.get(), [this] {
        PQconsumeInput(conn.get());
        drainNotifications();
    });
    return true;
}

void PostgresStore::Private::drainNotifications()
{
    if (!conn.isOpen())
        return;
    const int self = PQbackendPID(conn.get());
    while (PGnotify* n = PQnotifies(conn.get())) {
        const QStringList parts = QString::fromUtf8(n->extra).split(QLatin1Char('\t'));
        const bool mine = n->be_pid == self;
        PQfreemem(n);
        if (mine || parts.size() != 3 || !onRemoteWrite)
            continue;
        onRemoteWrite(parts[0], {parts[1].toLongLong(), parts[2].toLongLong()});
    }
}

bool PostgresStore::Private::tryLock(const QString& source, QString* error)
{
    if (owned.contains(source))
        return true; // a second pg_try_advisory_lock would stack a second hold
    const pg::Result r = conn.exec(kTryLock, {pg::param(source)});
    if (!r.ok() || r.rows() != 1) {
        *error = r.message().isEmpty() ? conn.lastError() : r.message();
        return false;
    }
    if (r.text(0, 0) != QLatin1String("t"))
        return false;
    owned.insert(source);
    return true;
}

QString PostgresStore::Private::lostWriter(const QString& source) const
{
    if (!claimed.contains(source) || owned.contains(source))
        return {};
    return QStringLiteral("Another collector took over writing %1 while this one was "
                          "disconnected; this poll was not stored.")
        .arg(source);
}

void PostgresStore::Private::relock()
{
    const QSet<QString> had = std::exchange(owned, {});
    QString error;
    for (const QString& source : had)
        tryLock(source, &error);
}

WriterClaim PostgresStore::claimWriter(const QString& source, const QString& holder)
{
    WriterClaim claim;
    claim.error = d->unwritable();
    if (!claim.error.isEmpty())
        return claim;
    QString error;
    if (d->conn.isBroken())
        d->incomingReady = false; // temporary tables end with their session
    if (d->conn.isBroken() && (!d->conn.reset() || !d->listen(&error))) {
        claim.error = QStringLiteral("The history database %1 is unreachable: %2")
                          .arg(d->shown, d->conn.lastError());
        return claim;
    }
    const bool had = d->owned.contains(source);
    d->claimed.insert(source);
    if (d->tryLock(source, &error)) {
        claim.granted = true;
        d->holder = holder;
        if (!had &&
            !d->conn.run("INSERT INTO writers(source, holder, since) VALUES($1, $2, $3) ON "
                         "CONFLICT(source) DO UPDATE SET holder = excluded.holder, since = "
                         "excluded.since",
                         {pg::param(source), pg::param(holder), pg::param(nowUtc())}, &error))
            claim.error = error; // still the writer: the lock decides, the row only informs
        return claim;
    }
    if (!error.isEmpty()) {
        claim.error =
            QStringLiteral("Could not ask %1 who writes %2: %3.").arg(d->shown, source, error);
        return claim;
    }
    const pg::Result r = d->conn.exec("SELECT holder, last_poll FROM writers WHERE source = $1",
                                      {pg::param(source)});
    if (r.ok() && r.rows() == 1) {
        claim.holder = r.text(0, 0);
        claim.lastPoll = r.int64(0, 1);
    }
    return claim;
}

void PostgresStore::setRemoteWriteHandler(
    std::function<void(const QString&, const TimeRange&)> handler)
{
    d->onRemoteWrite = std::move(handler);
}

void PostgresStore::close()
{
    d->listener.reset();
    d->owned.clear(); // the server releases a session's locks when it ends
    d->claimed.clear();
    d->incomingReady = false;
    d->conn.close();
    d->seriesCache.clear();
    d->unitCache.clear();
    d->partitions.clear();
}

bool PostgresStore::isOpen() const
{
    return d->conn.isOpen();
}

bool PostgresStore::checkpoint()
{
    return d->conn.isOpen();
}

void PostgresStore::setDamageHandler(std::function<void(const QString&)> handler)
{
    d->onDamaged = std::move(handler);
}

void PostgresStore::setNoticeHandler(std::function<void(const QString&)> handler)
{
    d->onNotice = std::move(handler);
}

WriteReport PostgresStore::saveDeployments(const QString& source, const Deployments& deployments)
{
    WriteReport report;
    report.error = d->unwritable();
    if (!report.error.isEmpty())
        return report;
    QString error;
    bool ok = d->conn.run("BEGIN", &error) &&
              d->conn.run("DELETE FROM deployments WHERE source = $1", {pg::param(source)}, &error);
    for (const Deployment& dep : deployments) {
        if (!ok)
            break;
        ok = d->conn.run(
            "INSERT INTO deployments(source, name, model, version, sku, capacity, "
            "spillover_to, state, upgrade_option) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) "
            "ON CONFLICT(source, name) DO UPDATE SET model = excluded.model, version = "
            "excluded.version, sku = excluded.sku, capacity = excluded.capacity, spillover_to = "
            "excluded.spillover_to, state = excluded.state, upgrade_option = "
            "excluded.upgrade_option",
            {pg::param(source), pg::param(dep.name), pg::param(dep.model), pg::param(dep.version),
             pg::param(dep.sku), pg::param(qint64(dep.capacity)), pg::param(dep.spilloverTo),
             pg::param(dep.state), pg::param(dep.upgradeOption)},
            &error);
    }
    if (!ok || !d->conn.run("COMMIT", &error)) {
        d->conn.run("ROLLBACK", nullptr);
        report.error = QStringLiteral("Could not store the deployments of %1: %2. The ones "
                                      "stored before stay.")
                           .arg(source, error);
        return report;
    }
    report.ok = true;
    return report;
}

Deployments PostgresStore::deployments(const QString& source)
{
    Deployments out;
    const pg::Result r = d->conn.exec(
        "SELECT source, name, model, version, sku, capacity, spillover_to, state, "
        "upgrade_option FROM deployments WHERE $1 = '' OR source = $1 ORDER BY source, name",
        {pg::param(source)});
    for (int i = 0; r.ok() && i < r.rows(); ++i) {
        out.append(pgimpl::deploymentAt(r, i));
    }
    return out;
}

} // namespace isc
