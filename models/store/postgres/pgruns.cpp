#include "store/postgres/postgresstore_p.h"

namespace isc {

namespace {

QString orDefault(const QString& json)
{
    return json.isEmpty() ? QStringLiteral("{}") : json;
}

} // namespace

RunSaveReport PostgresStore::saveRun(const StoredRun& run)
{
    RunSaveReport r;
    r.error = d->unwritable();
    if (!r.error.isEmpty())
        return r;
    // Redaction is enforced here too: whatever the caller passed, no prompt or answer text.
    const pg::Result res = d->conn.exec(
        "INSERT INTO runs(created_at, target, connection, dialect, url, model, parameters, "
        "messages, output, metrics, headers, error, error_kind, starred, redacted) VALUES($1, "
        "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        {pg::param(run.createdAtMs), pg::param(run.target), pg::param(run.connection),
         pg::param(run.dialect), pg::param(run.url), pg::param(run.model),
         pg::param(orDefault(run.parametersJson)),
         pg::param(run.redacted ? QString() : run.messagesJson),
         pg::param(run.redacted ? QString() : run.output), pg::param(orDefault(run.metricsJson)),
         pg::param(orDefault(run.headersJson)), pg::param(run.error), pg::param(run.errorKind),
         QByteArray(run.starred ? "true" : "false"), QByteArray(run.redacted ? "true" : "false")});
    if (!res.ok() || res.rows() != 1) {
        r.error = QStringLiteral("Could not store the run: %1.")
                      .arg(res.message().isEmpty() ? d->conn.lastError() : res.message());
        return r;
    }
    r.ok = true;
    r.id = res.int64(0, 0);
    return r;
}

QVector<StoredRun> PostgresStore::listRuns(const RunFilter& filter)
{
    QVector<StoredRun> out;
    // ILIKE: SQLite's LIKE ignores ASCII case too.
    const pg::Result r = d->conn.exec(
        "SELECT id, created_at, target, connection, dialect, url, model, parameters, messages, "
        "output, metrics, headers, error, error_kind, starred, redacted FROM runs WHERE owner = "
        "session_user AND ($1 = '' OR target = $1) AND (NOT $2::boolean OR starred) AND ($3 = "
        "'' OR target ILIKE $4 OR model ILIKE $4 OR messages ILIKE $4 OR output ILIKE $4 OR "
        "error ILIKE $4) ORDER BY created_at DESC, id DESC LIMIT $5",
        {pg::param(filter.target), QByteArray(filter.starredOnly ? "true" : "false"),
         pg::param(filter.search), pg::param(filter.likePattern()),
         filter.limit > 0 ? pg::param(qint64(filter.limit)) : QByteArray()});
    for (int i = 0; r.ok() && i < r.rows(); ++i) {
        out.append(pgimpl::runAt(r, i));
    }
    return out;
}

bool PostgresStore::setRunStarred(qint64 id, bool starred)
{
    const pg::Result r =
        d->conn.exec("UPDATE runs SET starred = $2 WHERE id = $1 AND owner = session_user",
                     {pg::param(id), QByteArray(starred ? "true" : "false")});
    return r.ok() && r.affected() > 0;
}

bool PostgresStore::deleteRun(qint64 id)
{
    const pg::Result r =
        d->conn.exec("DELETE FROM runs WHERE id = $1 AND owner = session_user", {pg::param(id)});
    return r.ok() && r.affected() > 0;
}

namespace pgimpl {

StoredRun runAt(const pg::Result& r, int i)
{
    StoredRun run;
    run.id = r.int64(i, 0);
    run.createdAtMs = r.int64(i, 1);
    run.target = r.text(i, 2);
    run.connection = r.text(i, 3);
    run.dialect = r.text(i, 4);
    run.url = r.text(i, 5);
    run.model = r.text(i, 6);
    run.parametersJson = r.text(i, 7);
    run.messagesJson = r.text(i, 8);
    run.output = r.text(i, 9);
    run.metricsJson = r.text(i, 10);
    run.headersJson = r.text(i, 11);
    run.error = r.text(i, 12);
    run.errorKind = r.text(i, 13);
    run.starred = r.text(i, 14) == QLatin1String("t");
    run.redacted = r.text(i, 15) == QLatin1String("t");
    return run;
}

Deployment deploymentAt(const pg::Result& r, int i)
{
    Deployment dep;
    dep.source = r.text(i, 0);
    dep.name = r.text(i, 1);
    dep.model = r.text(i, 2);
    dep.version = r.text(i, 3);
    dep.sku = r.text(i, 4);
    dep.capacity = int(r.int64(i, 5));
    dep.spilloverTo = r.text(i, 6);
    dep.state = r.text(i, 7);
    dep.upgradeOption = r.text(i, 8);
    return dep;
}

} // namespace pgimpl
} // namespace isc
