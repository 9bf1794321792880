#include "store/postgres/postgresstore.h"
#include "storetestdata.h"
#include "testpostgres.h"

#include <QTcpServer>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

/// What only the PostgreSQL backend does: connection failures in words (TLS included: the
/// cluster offers TLS with a self-signed certificate for "localhost"), a poll sent again after
/// the server dropped the connection, retention by whole partitions, runs and documents per
/// database user.
class tst_PostgresStore : public QObject
{
    Q_OBJECT

    TestPostgres m_pg{TestPostgres::Tls::On};

    /// The URI of `db` over TCP with `sslmode=verify-full`, trusting `rootCert`; `host` is the
    /// name the certificate is checked against (the connection goes to 127.0.0.1 either way).
    QString verifiedUri(const QString& db, const QString& host, const QString& rootCert) const
    {
        return QStringLiteral("postgresql://inferscope@%1:%2/%3?hostaddr=127.0.0.1&sslmode=verify-"
                              "full&sslrootcert=%4")
            .arg(host)
            .arg(m_pg.port())
            .arg(db, rootCert);
    }

    /// A fresh database's URI.
    QString fresh()
    {
        QString error;
        const QString uri = m_pg.createDatabase(&error);
        if (uri.isEmpty())
            qWarning("%s", qPrintable(error));
        return uri;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_pg.start(&error), qPrintable(error));
    }

    // Each failure says what happened and what to check; nothing is written, no secret shown.
    void connectionFailures_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("detail"); // libpq's own words, kept in the message
        QTest::newRow("wrong password") << "password"
                                        << "password authentication failed"
                                        << "The password handed in was refused";
        QTest::newRow("unreachable") << "unreachable"
                                     << "Is the server running"
                                     << "Nothing was written";
        QTest::newRow("no such database") << "database"
                                          << "does not exist"
                                          << "Create the database";
        QTest::newRow("password in the address") << "uri"
                                                 << "holds a password"
                                                 << "inferscope secret set --database";
        QTest::newRow("TLS: a certificate another CA signed")
            << "tls-other-ca"
            << "The server's TLS certificate was refused: "
            << "certificate verify failed";
        QTest::newRow("TLS: the certificate names another host")
            << "tls-host"
            << "The server's TLS certificate was refused: "
            << "does not match host name";
        QTest::newRow("TLS: no such CA file") << "tls-no-ca"
                                              << "The server's TLS certificate was refused: "
                                              << "root certificate file";
    }
    void connectionFailures()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QFETCH(QString, detail);
        const QString db = fresh().section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        QString uri = m_pg.tcpUri(db);
        StoreSettings settings;
        settings.password = QStringLiteral("not-the-password");
        if (kind.startsWith(QLatin1String("tls")))
            settings.password = TestPostgres::password(); // only the certificate is wrong
        if (kind == QLatin1String("unreachable")) {
            QTcpServer probe; // a port nobody listens on
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            const quint16 port = probe.serverPort();
            probe.close();
            uri = QStringLiteral("postgresql://inferscope@127.0.0.1:%1/%2").arg(port).arg(db);
        } else if (kind == QLatin1String("database")) {
            settings.password = TestPostgres::password();
            uri = m_pg.tcpUri(QStringLiteral("nosuchdb"));
        } else if (kind == QLatin1String("uri")) {
            uri = QStringLiteral("postgresql://inferscope:%1@127.0.0.1:%2/%3")
                      .arg(TestPostgres::password())
                      .arg(m_pg.port())
                      .arg(db);
        } else if (kind == QLatin1String("tls-other-ca")) {
            uri = verifiedUri(db, QStringLiteral("localhost"), m_pg.otherCertificate());
        } else if (kind == QLatin1String("tls-host")) {
            uri = verifiedUri(db, QStringLiteral("127.0.0.1"), m_pg.serverCertificate());
        } else if (kind == QLatin1String("tls-no-ca")) {
            uri = verifiedUri(db, QStringLiteral("localhost"),
                              m_pg.serverCertificate() + QLatin1String(".missing"));
        }
        PostgresStore store;
        const OpenReport r = store.open(uri, settings);
        QCOMPARE(r.status, OpenReport::Status::Failed);
        QVERIFY(!store.isOpen());
        QVERIFY2(r.message.contains(expected), qPrintable(r.message));
        QVERIFY2(r.message.contains(detail), qPrintable(r.message));
        QVERIFY2(r.message.contains(QLatin1String("Nothing was written")), qPrintable(r.message));
        QCOMPARE(r.passwordRefused, kind == QLatin1String("password"));
        QVERIFY2(!r.message.contains(TestPostgres::password()), qPrintable(r.message));
        QVERIFY2(!r.message.contains(QLatin1String("not-the-password")), qPrintable(r.message));
        QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = "
                                             "'inferscope'")),
                 QStringList{QStringLiteral("0")});
    }

    void rightPasswordOverTcp()
    {
        const QString db = fresh().section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        StoreSettings settings;
        settings.password = TestPostgres::password();
        PostgresStore store;
        const OpenReport r = store.open(m_pg.tcpUri(db), settings);
        QVERIFY2(r.usable(), qPrintable(r.message));
        QCOMPARE(r.status, OpenReport::Status::Created);
        QCOMPARE(store.open(m_pg.tcpUri(db), settings).status, OpenReport::Status::Opened);
    }

    // With the CA that signed the server's certificate and the host it names, TLS connects.
    void verifiedTlsConnects()
    {
        const QString db = fresh().section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        StoreSettings settings;
        settings.password = TestPostgres::password();
        PostgresStore store;
        const QString uri = verifiedUri(db, QStringLiteral("localhost"), m_pg.serverCertificate());
        const OpenReport r = store.open(uri, settings);
        QVERIFY2(r.usable(), qPrintable(r.message));
        QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT bool_and(s.ssl)::text FROM pg_stat_ssl s JOIN "
                                             "pg_stat_activity a USING (pid) WHERE "
                                             "a.application_name = 'inferscope' AND a.datname "
                                             "= '%1'")
                                  .arg(db)),
                 QStringList{QStringLiteral("true")});
    }

    // The server dropped the connection (a restart, a failover): the poll is sent again on a
    // new connection and lands once, whole.
    void pollAfterTheConnectionDroppedLandsOnce()
    {
        const QString uri = fresh();
        const QString db = uri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        PostgresStore store;
        QVERIFY(store.open(uri, {}).usable());
        QVERIFY(store.write(batch({series("M", {}, minutes(kNow, {1, 2}))})).ok);
        QString error;
        const QStringList killed =
            m_pg.sql(db,
                     QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                    "application_name = 'inferscope' AND datname = '%1'")
                         .arg(db),
                     &error);
        QCOMPARE(killed, QStringList{QStringLiteral("t")});
        const WriteReport r = store.write(batch({series("M", {}, minutes(kNow + 120, {3, 4}))}));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.samplesWritten, 2);
        QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT count(*) || ' ' || sum(value) FROM "
                                             "inferscope.samples")),
                 QStringList{QStringLiteral("4 10")});
        QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT sum FROM inferscope.rollup_1h")),
                 QStringList{QStringLiteral("10")});
    }

    // The server is down for a whole poll: nothing half-stored, and the next poll after it
    // came back lands with the gap marker recorded.
    void serverDownMeansNothingStoredThenRecovers()
    {
        const QString uri = fresh();
        const QString db = uri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        PostgresStore store;
        QVERIFY(store.open(uri, {}).usable());
        QVERIFY(store.write(batch({series("M", {}, minutes(kNow, {1}))})).ok);
        QVERIFY(m_pg.stop(QStringLiteral("immediate")));
        const WriteReport down = store.write(batch({series("M", {}, minutes(kNow + 60, {2}))}));
        QVERIFY(!down.ok);
        QVERIFY2(down.error.contains(QLatin1String("Nothing of it was stored")),
                 qPrintable(down.error));
        QString error;
        QVERIFY2(m_pg.restart(&error), qPrintable(error));
        const WriteReport up = store.write(batch({series("M", {}, minutes(kNow + 120, {3}))}));
        QVERIFY2(up.ok, qPrintable(up.error));
        QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT string_agg(value::text, ' ' ORDER BY ts) "
                                             "FROM inferscope.samples")),
                 QStringList{QStringLiteral("1 3")});
    }

    // Retention drops whole partitions: a day of raw samples, 28 days of 5-/15-minute rollups.
    void retentionDropsWholePartitions()
    {
        const QString uri = fresh();
        const QString db = uri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        StoreSettings settings;
        settings.rawRetentionDays = 2;
        settings.fiveMinuteRetentionDays = 30;
        PostgresStore store;
        QVERIFY(store.open(uri, settings).usable());
        QVector<Sample> samples;
        for (const qint64 daysAgo : {90, 3, 2, 1})
            samples.append({kNow - daysAgo * kDay + 12 * kHour, 1.0});
        QVERIFY(store.write(batch({series("M", {}, samples)})).ok);
        const QString partitions = QStringLiteral(
            "SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE "
            "p.relname = '%1'");
        QCOMPARE(m_pg.sql(db, partitions.arg(QStringLiteral("samples"))),
                 QStringList{QStringLiteral("4")});
        const WriteReport r = store.applyRetention(kNow);
        QVERIFY2(r.ok, qPrintable(r.error));
        // Days 90 and 3 ago are wholly before the cut (2 days ago); day 2 ago is not.
        QCOMPARE(m_pg.sql(db, partitions.arg(QStringLiteral("samples"))),
                 QStringList{QStringLiteral("2")});
        QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT count(*) FROM inferscope.samples")),
                 QStringList{QStringLiteral("2")});
        QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT min(ts) FROM inferscope.rollup_5m")),
                 QStringList{QString::number(kNow - 3 * kDay + 12 * kHour)});
        QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT count(*) FROM inferscope.rollup_1h")),
                 QStringList{QStringLiteral("4")}); // hourly is kept forever
        // Writing into a dropped day again creates its partition again.
        QVERIFY(store.write(batch({series("M", {}, minutes(kNow - 3 * kDay, {5}))})).ok);
    }

    // One writer per source: a second connection stands by, sees who writes and when it last
    // did, and takes over once the first one's session ends (closed, or killed with the process).
    void writerRoleIsOneConnectionAtATime_data()
    {
        QTest::addColumn<bool>("killed");
        QTest::newRow("closed") << false;
        QTest::newRow("killed") << true;
    }
    void writerRoleIsOneConnectionAtATime()
    {
        QFETCH(bool, killed);
        const QString uri = fresh();
        const QString db = uri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        PostgresStore first, second;
        QVERIFY(first.open(uri, {}).usable());
        QVERIFY(second.open(uri, {}).usable());
        const QString src = QStringLiteral("src");
        QVERIFY(first.claimWriter(src, QStringLiteral("alpha (pid 1)")).granted);
        QVERIFY(first.claimWriter(src, QStringLiteral("alpha (pid 1)")).granted); // still
        WriterClaim standby = second.claimWriter(src, QStringLiteral("beta (pid 2)"));
        QVERIFY(!standby.granted);
        QVERIFY2(standby.error.isEmpty(), qPrintable(standby.error));
        QCOMPARE(standby.holder, QStringLiteral("alpha (pid 1)"));
        QCOMPARE(standby.lastPoll, 0);
        QVERIFY(
            second.claimWriter(QStringLiteral("other"), QStringLiteral("beta (pid 2)")).granted);

        const qint64 before = nowUtc();
        QVERIFY(first.write(batch({series("M", {}, minutes(kNow, {1}))})).ok);
        standby = second.claimWriter(src, QStringLiteral("beta (pid 2)"));
        QVERIFY(!standby.granted);
        QVERIFY(standby.lastPoll >= before);

        if (killed)
            QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT pg_terminate_backend(pid) FROM "
                                                 "pg_locks WHERE locktype = 'advisory' AND "
                                                 "granted AND objid = hashtext('src')::oid")),
                     QStringList{QStringLiteral("t")});
        else
            first.close();
        // The server notices the ended session at once; the standby's next claim wins.
        QTRY_VERIFY(second.claimWriter(src, QStringLiteral("beta (pid 2)")).granted);
        QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT holder FROM inferscope.writers WHERE "
                                             "source = 'src'")),
                 QStringList{QStringLiteral("beta (pid 2)")});
        if (killed) {
            // The cut-off writer does not write over the one that took over.
            const WriteReport late = first.write(batch({series("M", {}, minutes(kNow, {9}))}));
            QVERIFY(!late.ok);
            QVERIFY2(late.error.contains(QLatin1String("took over")), qPrintable(late.error));
            QVERIFY(late.writerLost);
            // Nor later, on its reconnected session, nor with a gap marker of its own.
            const WriteReport later = first.write(batch({series("M", {}, minutes(kNow, {7}))}));
            QVERIFY(!later.ok);
            QVERIFY(later.writerLost);
            GapMarker gap;
            gap.source = src;
            gap.window = {kNow, kNow + 60};
            gap.reason = QStringLiteral("poll failed");
            const WriteReport gapLate = first.recordGap(gap);
            QVERIFY(!gapLate.ok);
            QVERIFY(gapLate.writerLost);
            QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT value FROM inferscope.samples")),
                     QStringList{QStringLiteral("1")});
            QCOMPARE(m_pg.sql(db, QStringLiteral("SELECT count(*) FROM inferscope.gaps")),
                     QStringList{QStringLiteral("0")});
            // Claiming again is how it learns it stands by now.
            QVERIFY(!first.claimWriter(src, QStringLiteral("alpha (pid 1)")).granted);
        }
    }

    // A viewer hears every poll another connection stores, with its window; never its own.
    void remoteWritesAreHeard()
    {
        const QString uri = fresh();
        PostgresStore writer, viewer;
        QVERIFY(writer.open(uri, {}).usable());
        QVERIFY(viewer.open(uri, {}).usable());
        QVector<std::pair<QString, TimeRange>> heard, echoed;
        viewer.setRemoteWriteHandler([&heard](const QString& source, const TimeRange& w) {
            heard.append({source, w});
        });
        writer.setRemoteWriteHandler([&echoed](const QString& source, const TimeRange& w) {
            echoed.append({source, w});
        });
        const TimeRange window{kNow, kNow + 5 * kMinute};
        QVERIFY(writer.write(batch({series("M", {}, minutes(kNow, {1, 2}))}, window)).ok);
        QTRY_COMPARE(heard.size(), 1);
        QCOMPARE(heard[0].first, QStringLiteral("src"));
        QCOMPARE(heard[0].second, window);
        // A failed poll stores nothing and says nothing.
        QVERIFY(!writer.write(batch({series("M", {}, {{kNow, qQNaN()}})})).samplesWritten);
        QVERIFY(writer.write(batch({series("M", {}, minutes(kNow + kHour, {3}))})).ok);
        QTRY_COMPARE(heard.size(), 2);
        QCOMPARE(heard[1].second, (TimeRange{kNow + kHour, kNow + kHour + kMinute}));
        QCOMPARE(echoed.size(), 0);
    }

    // Each database user sees and changes only their own playground runs.
    void runsBelongToTheirUser()
    {
        const QString uri = fresh();
        const QString db = uri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        QString error;
        m_pg.sql(db,
                 QStringLiteral("CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN; GRANT ALL ON "
                                "DATABASE %1 TO alice, bob")
                     .arg(db),
                 &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        {
            PostgresStore admin;
            QVERIFY(admin.open(uri, {}).usable()); // creates the schema
        }
        m_pg.sql(db,
                 QStringLiteral("GRANT USAGE ON SCHEMA inferscope TO alice, bob; GRANT ALL ON ALL "
                                "TABLES IN SCHEMA inferscope TO alice, bob; GRANT ALL ON ALL "
                                "SEQUENCES IN SCHEMA inferscope TO alice, bob"),
                 &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto as = [&](const QString& user) {
            QString u = uri;
            return u.replace(QLatin1String("//inferscope@"), QLatin1String("//") + user + '@');
        };
        PostgresStore alice, bob;
        QVERIFY(alice.open(as(QStringLiteral("alice")), {}).usable());
        QVERIFY(bob.open(as(QStringLiteral("bob")), {}).usable());
        StoredRun r;
        r.target = QStringLiteral("local");
        r.createdAtMs = 1000;
        const RunSaveReport saved = alice.saveRun(r);
        QVERIFY2(saved.ok, qPrintable(saved.error));
        QCOMPARE(alice.listRuns({}).size(), 1);
        QCOMPARE(bob.listRuns({}).size(), 0);
        QVERIFY(!bob.deleteRun(saved.id));
        QVERIFY(!bob.setRunStarred(saved.id, true));
        QVERIFY(alice.deleteRun(saved.id));
    }

    // Viewers' roles with the README's grants: each reads and writes its own User documents and
    // reads the Shared ones, which only the schema's owner (the collector's role) writes.
    void documentsPerUserAndShared()
    {
        const QString uri = fresh();
        const QString db = uri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        QString error;
        m_pg.sql(db, QStringLiteral("CREATE ROLE carol LOGIN; CREATE ROLE dave LOGIN"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        PostgresStore admin;
        QVERIFY(admin.open(uri, {}).usable()); // creates the schema, owns its tables
        m_pg.sql(db,
                 QStringLiteral("GRANT USAGE ON SCHEMA inferscope TO carol, dave; GRANT SELECT ON "
                                "ALL TABLES IN SCHEMA inferscope TO carol, dave; GRANT INSERT, "
                                "UPDATE, DELETE ON inferscope.runs, inferscope.documents TO carol, "
                                "dave; GRANT USAGE ON SEQUENCE inferscope.runs_id_seq TO carol, "
                                "dave"),
                 &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto as = [&](const QString& user) {
            QString u = uri;
            return u.replace(QLatin1String("//inferscope@"), QLatin1String("//") + user + '@');
        };
        PostgresStore carol, carolElsewhere, dave;
        for (PostgresStore* s : {&carol, &carolElsewhere, &dave}) {
            const OpenReport r =
                s->open(as(s == &dave ? QStringLiteral("dave") : QStringLiteral("carol")), {});
            QVERIFY2(r.usable(), qPrintable(r.message));
        }
        QCOMPARE(carol.documentOwner(), QStringLiteral("carol"));
        const auto document = [](DocumentScope scope, const QString& json) {
            StoredDocument d;
            d.scope = scope;
            d.kind = QStringLiteral("routing-policy");
            d.key = QStringLiteral("default");
            d.json = json;
            return d;
        };
        const StoredDocument shared = document(DocumentScope::Shared, QStringLiteral("{\"t\":0}"));
        QVERIFY(admin.putDocument(shared, 0).ok);
        QVERIFY(
            carol.putDocument(document(DocumentScope::User, QStringLiteral("{\"c\":1}")), 0).ok);
        QVERIFY(dave.putDocument(document(DocumentScope::User, QStringLiteral("{\"d\":1}")), 0).ok);

        // Each sees their own under the same key, and the one shared document.
        const DocumentList c = carol.listDocuments(QStringLiteral("routing-policy"));
        const DocumentList d = dave.listDocuments(QStringLiteral("routing-policy"));
        QVERIFY2(c.error.isEmpty() && d.error.isEmpty(), qPrintable(c.error + d.error));
        QCOMPARE(c.documents.size(), 2);
        QCOMPARE(d.documents.size(), 2);
        QCOMPARE(c.documents[0].json, QStringLiteral("{\"c\":1}"));
        QCOMPARE(c.documents[0].owner, QStringLiteral("carol"));
        QCOMPARE(d.documents[0].json, QStringLiteral("{\"d\":1}"));
        QCOMPARE(c.documents[1].json, d.documents[1].json);
        QCOMPARE(c.documents[1].scope, DocumentScope::Shared);
        // The owner (row-level security does not bind it) still lists only its own and shared.
        QCOMPARE(admin.listDocuments(QStringLiteral("routing-policy")).documents.size(), 1);

        // A viewer may not change a shared document, and says who may.
        const DocumentWriteReport refused =
            carol.putDocument(document(DocumentScope::Shared, QStringLiteral("{}")));
        QVERIFY(!refused.ok);
        QVERIFY(!refused.stale);
        QVERIFY2(refused.error.contains(QLatin1String("carol may not save")) &&
                     refused.error.contains(QLatin1String("written by inferscope only")),
                 qPrintable(refused.error));
        const DocumentWriteReport notRemoved = carol.removeDocument(
            DocumentScope::Shared, QStringLiteral("routing-policy"), QStringLiteral("default"));
        QVERIFY(!notRemoved.ok);
        QVERIFY2(notRemoved.error.contains(QLatin1String("schema's owner")),
                 qPrintable(notRemoved.error));
        QCOMPARE(dave.document(DocumentScope::Shared, shared.kind, shared.key).document.json,
                 shared.json);

        // The same user in two windows: the second save on the same revision is refused.
        const qint64 read =
            carolElsewhere.document(DocumentScope::User, shared.kind, shared.key).document.revision;
        QCOMPARE(read, qint64(1));
        QVERIFY(
            carol.putDocument(document(DocumentScope::User, QStringLiteral("{\"c\":2}")), read).ok);
        const DocumentWriteReport stale = carolElsewhere.putDocument(
            document(DocumentScope::User, QStringLiteral("{\"c\":3}")), read);
        QVERIFY(stale.stale);
        QCOMPARE(stale.revision, qint64(2));
        QVERIFY2(stale.error.contains(QLatin1String("now revision 2, this copy is revision 1")),
                 qPrintable(stale.error));
        QCOMPARE(dave.document(DocumentScope::User, shared.kind, shared.key).document.json,
                 QStringLiteral("{\"d\":1}"));
        // Removing one's own leaves the others'.
        QVERIFY(dave.removeDocument(DocumentScope::User, shared.kind, shared.key).ok);
        QCOMPARE(carol.document(DocumentScope::User, shared.kind, shared.key).document.json,
                 QStringLiteral("{\"c\":2}"));
    }
};

QTEST_GUILESS_MAIN(tst_PostgresStore)
#include "tst_postgresstore.moc"
