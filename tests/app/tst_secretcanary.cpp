// End to end: planted canary keys go through a whole session (collect, query exports, prompt,
// replay, a GUI screenshot) against the standalone emulator and must be found nowhere on disk
// or in any output, in any common encoding.
#include "testsupport.h"

#include "emulator/aciservice.h"
#include "emulator/emulator.h"
#include "routing/routingpolicy.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest/QtTest>

using namespace isc;

namespace {

struct Run
{
    QString what;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// One planted key: the environment variable that carries it and its value.
struct Canary
{
    QByteArray variable;
    QByteArray value;
};

// A key that looks like a real one: a fixed prefix and 24 random base64 characters, so that
// '+' and '/' make its percent-encoded form differ.
QByteArray makeKey(const QByteArray& kind)
{
    QByteArray random(18, Qt::Uninitialized);
    for (char& c : random)
        c = static_cast<char>(QRandomGenerator::global()->bounded(256));
    return "isc-canary-" + kind + "-" + random.toBase64();
}

// The byte strings that betray `key`: itself, its random core, base64 at each alignment
// (inside a longer base64 text), base64url, UTF-16 both ways, percent-encoded.
QList<QByteArray> needlesFor(const QByteArray& key)
{
    QList<QByteArray> needles{key, key.mid(key.lastIndexOf('-') + 1)};
    for (int pad = 0; pad < 3; ++pad) {
        const QByteArray b64 =
            (QByteArray(pad, 'x') + key).toBase64(QByteArray::OmitTrailingEquals);
        // Drop the characters that also encode neighbouring bytes.
        const QByteArray core = b64.mid(pad == 0 ? 0 : 4).chopped(4);
        needles << core;
        needles << QByteArray(core).replace('+', '-').replace('/', '_');
    }
    QByteArray le, be;
    for (const char c : key) {
        le += c;
        le += '\0';
        be += '\0';
        be += c;
    }
    needles << le << be << QUrl::toPercentEncoding(QString::fromLatin1(key))
            << QUrl::toPercentEncoding(QString::fromLatin1(key)).toLower();
    return needles;
}

// Where any needle of any canary occurs in `bytes`, in words; empty when nowhere.
QStringList findLeaks(const QByteArray& bytes, const QList<Canary>& canaries, const QString& where)
{
    QStringList leaks;
    for (const Canary& c : canaries) {
        const QList<QByteArray> needles = needlesFor(c.value);
        for (int i = 0; i < needles.size(); ++i) {
            if (bytes.contains(needles.at(i)))
                leaks << QStringLiteral("%1 holds %2 (form %3)")
                             .arg(where, QString::fromLatin1(c.variable))
                             .arg(i);
        }
    }
    return leaks;
}

} // namespace

class tst_SecretCanary : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_root;
    QList<Canary> m_canaries;
    QList<Run> m_runs;
    QProcess m_emulator;
    QUrl m_base;

    QString path(const QString& name) const { return m_root.filePath(name); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // Every user file the app may write lands under the test's HOME.
        env.insert("HOME", path("home"));
        env.insert("XDG_CONFIG_HOME", path("home/.config"));
        env.insert("XDG_DATA_HOME", path("home/.local/share"));
        env.insert("XDG_CACHE_HOME", path("home/.cache"));
        env.insert("XDG_STATE_HOME", path("home/.local/state"));
        env.insert("XDG_RUNTIME_DIR", path("runtime"));
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.remove("DBUS_SESSION_BUS_ADDRESS"); // no real keychain: env references only
        for (const Canary& c : m_canaries)
            env.insert(QString::fromLatin1(c.variable), QString::fromLatin1(c.value));
        return env;
    }

    Run run(const QString& what, const QStringList& args, int timeoutMs = 300000)
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.setWorkingDirectory(m_root.path());
        QSignalSpy finished(&p, &QProcess::finished);
        p.start(test::inferscopeBinary(), args);
        Run r;
        r.what = what;
        if (!p.waitForStarted())
            return r;
        if (!finished.wait(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        m_runs.append(r);
        return r;
    }

    // Writes `bytes` to `name` under the root (an export the user asked for).
    void save(const QString& name, const QByteArray& bytes)
    {
        QFile f(path(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

    QByteArray variable(const char* kind) const
    {
        for (const Canary& c : m_canaries) {
            if (c.variable.endsWith(kind))
                return c.variable;
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!test::inferscopeBinary().isEmpty(), "INFERSCOPE_BINARY is not set");
        QVERIFY(m_root.isValid());
        for (const char* dir :
             {"home/.config", "home/.local/share", "home/.cache", "home/.local/state", "runtime"})
            QVERIFY(QDir().mkpath(path(QLatin1String(dir))));
        QFile::setPermissions(path("runtime"), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                   QFileDevice::ExeOwner);
        for (const char* kind :
             {"ARM", "AZURE_KEY", "OPENAI_ADMIN", "OPENAI_KEY", "ANTHROPIC_ADMIN", "ANTHROPIC_KEY"})
            m_canaries.append(
                {"INFERSCOPE_CANARY_" + QByteArray(kind), makeKey(QByteArray(kind).toLower())});

        // The standalone emulator accepts the canaries besides its demo token.
        QProcessEnvironment env = environment();
        QByteArray keys;
        for (const Canary& c : m_canaries)
            keys += (keys.isEmpty() ? "" : ",") + c.value;
        env.insert("INFERSCOPE_EMULATOR_EXTRA_KEY", QString::fromLatin1(keys));
        m_emulator.setProcessEnvironment(env);
        m_emulator.start(test::inferscopeBinary(), {"emulator", "--port", "0", "--seed", "5"});
        QVERIFY(m_emulator.waitForStarted());
        QByteArray banner;
        const QRegularExpression listening(QStringLiteral("listening on (http://[0-9.:]+)"));
        QTRY_VERIFY_WITH_TIMEOUT(
            (banner += m_emulator.readAllStandardOutput(), banner.contains("Press Ctrl+C")), 60000);
        const auto m = listening.match(QString::fromUtf8(banner));
        QVERIFY2(m.hasMatch(), banner.constData());
        m_base = QUrl(m.captured(1));
        QVERIFY2(banner.contains("extra key:          accepted"), banner.constData());
        m_runs.append({QStringLiteral("emulator banner"), 0, banner, {}});

        // The workspace: every kind of key, each by reference to its variable.
        const QString base = m_base.toString();
        const auto env_ = [](const QByteArray& var) {
            return QJsonObject{{"env", QString::fromLatin1(var)}};
        };
        const QJsonArray connections{
            QJsonObject{{"id", "canary-aoai"},
                        {"kind", "azure-openai"},
                        {"managementEndpoint", base},
                        {"resourceId", emu::Emulator::accountResourceId()},
                        {"endpoint", base},
                        {"credential", env_(variable("ARM"))},
                        {"inferenceCredential", env_(variable("AZURE_KEY"))}},
            QJsonObject{{"id", "canary-aci"},
                        {"kind", "azure-monitor"},
                        {"managementEndpoint", base},
                        {"resourceId", emu::aciResourceId()},
                        {"credential", env_(variable("ARM"))},
                        {"metrics", QJsonArray{"CpuUsage", "MemoryUsage"}}},
            QJsonObject{{"id", "canary-openai"},
                        {"kind", "openai"},
                        {"endpoint", base + "/providers/openai/v1"},
                        {"credential", env_(variable("OPENAI_ADMIN"))},
                        {"inferenceCredential", env_(variable("OPENAI_KEY"))}},
            QJsonObject{{"id", "canary-anthropic"},
                        {"kind", "anthropic"},
                        {"endpoint", base + "/providers/anthropic/v1"},
                        {"credential", env_(variable("ANTHROPIC_ADMIN"))},
                        {"inferenceCredential", env_(variable("ANTHROPIC_KEY"))}}};
        save("workspace.json",
             QJsonDocument(QJsonObject{{"name", "Canary"}, {"connections", connections}}).toJson());
        QString error;
        QVERIFY2(RoutingPolicy::identity().save(path("policy.json"), &error), qPrintable(error));
    }

    // The scanner itself finds every form it looks for (else a clean result would mean nothing).
    void scannerSeesEveryForm()
    {
        const Canary c{"INFERSCOPE_CANARY_SELFTEST", makeKey("selftest")};
        const QList<QByteArray> needles = needlesFor(c.value);
        QVERIFY(needles.size() >= 10);
        const QList<QByteArray> planted{
            "log: key=" + c.value + "\n",
            "Authorization: Basic " + ("user:" + c.value).toBase64(),
            "x" + ("ab" + c.value).toBase64() + "y",
            QByteArray(reinterpret_cast<const char*>(QString::fromLatin1(c.value).utf16()),
                       c.value.size() * 2),
            "url?key=" + QUrl::toPercentEncoding(QString::fromLatin1(c.value)),
        };
        for (const QByteArray& text : planted)
            QVERIFY2(!findLeaks(text, {c}, QStringLiteral("planted")).isEmpty(), text.constData());
        QVERIFY(findLeaks("nothing to see " + makeKey("other"), {c}, QStringLiteral("clean"))
                    .isEmpty());
    }

    void fullSession()
    {
        const QString db = path("history.sqlite");
        const QString ws = path("workspace.json");

        // Collect: every connection polls with its canary (a refused key would be a 401).
        const Run collect = run(QStringLiteral("collect"), {"collect", "--db", db, "--workspace",
                                                            ws, "--backfill", "2h", "--once"});
        QVERIFY2(collect.exitCode == 0, collect.err.constData());
        QVERIFY2(!collect.err.contains("401"), collect.err.constData());

        // SQLite folds its -wal into the file on close: copy them while a collector writes.
        {
            QProcess live;
            live.setProcessEnvironment(environment());
            QSignalSpy finished(&live, &QProcess::finished);
            live.start(test::inferscopeBinary(), {"collect", "--db", db, "--workspace", ws,
                                                  "--backfill", "2h", "--duration", "20"});
            QVERIFY(live.waitForStarted());
            QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(db + "-wal").size() > 0, 60000);
            QVERIFY(QDir().mkpath(path("wal-snapshot")));
            QFile::copy(db + "-wal", path("wal-snapshot/history.sqlite-wal"));
            QFile::copy(db + "-shm", path("wal-snapshot/history.sqlite-shm"));
            QVERIFY(finished.wait(180000));
            m_runs.append({QStringLiteral("collect --duration"), live.exitCode(),
                           live.readAllStandardOutput(), live.readAllStandardError()});
            QVERIFY(QFileInfo(path("wal-snapshot/history.sqlite-wal")).size() > 0);
        }

        // Exports: what the user writes to files.
        const QStringList window{"--last", "2h", "--step", "5m"};
        const Run csv =
            run(QStringLiteral("query csv"),
                QStringList{"query", "--db", db, "--metric", "AzureOpenAIRequests"} + window);
        QVERIFY2(csv.exitCode == 0, csv.err.constData());
        QVERIFY2(csv.out.count('\n') > 10, csv.out.constData()); // the canary key worked
        save("export.csv", csv.out);
        const Run json = run(QStringLiteral("query json"),
                             QStringList{"query", "--db", db, "--metric", "CpuUsage",
                                         "--aggregation", "average", "--format", "json"} +
                                 window);
        QVERIFY2(json.exitCode == 0, json.err.constData());
        QVERIFY2(!QJsonDocument::fromJson(json.out).object().value("rows").toArray().isEmpty(),
                 json.out.constData());
        save("export.json", json.out);
        const Run tokens =
            run(QStringLiteral("query openai"),
                QStringList{"query", "--db", db, "--metric", "OutputTokens", "--format", "json"} +
                    window);
        QVERIFY2(tokens.exitCode == 0, tokens.err.constData());
        save("export-tokens.json", tokens.out);

        // Prompts with each inference key, recorded in the history.
        const QList<QStringList> targets{{"canary-openai", "--model", "gpt-4o-mini"},
                                         {"canary-anthropic", "--model", "claude-sonnet-4-5"},
                                         {"gpt-4o-mini"}};
        for (const QStringList& t : targets) {
            const QString target = t.first();
            const Run prompt = run(QStringLiteral("prompt %1").arg(target),
                                   QStringList{"prompt", "--workspace", ws, "--target", target,
                                               "--db", db, "--param", "max_tokens=40"} +
                                       t.mid(1) + QStringList{"Say hello in five words."});
            QVERIFY2(prompt.exitCode == 0, (target + ": " + prompt.err).toUtf8().constData());
            QVERIFY2(!prompt.out.trimmed().isEmpty(), qPrintable(target));
        }

        const Run replay =
            run(QStringLiteral("replay"), {"replay", "--db", db, "--policy", path("policy.json"),
                                           "--workspace", ws, "--last", "2h", "--format", "json"});
        QVERIFY2(replay.exitCode == 0, replay.err.constData());
        save("replay.json", replay.out);

        // The window, as the user would open it on this workspace (remembered in QSettings).
        const Run gui = run(QStringLiteral("screenshot"),
                            {"--workspace", ws, "--db", db, "--screenshot", path("shot.png"),
                             "--page", "overview", "--range", "2h"});
        QVERIFY2(gui.exitCode == 0, gui.err.constData());
        QVERIFY(QFile::exists(path("shot.png")));
    }

    // Nothing written anywhere (database, its -wal/-shm, the workspace, exports, settings,
    // anything under HOME) nor printed by any command holds a canary.
    void noCanaryAnywhere()
    {
        QStringList leaks;
        int files = 0;
        bool sawDatabase = false, sawSettings = false;
        QDirIterator it(m_root.path(), QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            QFile f(file);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            ++files;
            sawDatabase = sawDatabase || file.endsWith(QLatin1String("history.sqlite"));
            sawSettings = sawSettings || file.endsWith(QLatin1String(".conf"));
            leaks += findLeaks(f.readAll(), m_canaries, file.mid(m_root.path().size() + 1));
        }
        for (const Run& r : m_runs) {
            leaks += findLeaks(r.out, m_canaries, r.what + QLatin1String(" stdout"));
            leaks += findLeaks(r.err, m_canaries, r.what + QLatin1String(" stderr"));
        }
        QVERIFY2(sawDatabase, "the session wrote its database");
        QVERIFY2(sawSettings, "the session wrote its settings");
        QVERIFY(files >= 8);
        QVERIFY2(m_runs.size() >= 9, "every command ran");
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QLatin1Char('\n'))));
    }

    void cleanupTestCase()
    {
        if (m_emulator.state() != QProcess::NotRunning) {
            m_emulator.terminate();
            if (!m_emulator.waitForFinished(10000)) {
                m_emulator.kill();
                m_emulator.waitForFinished();
            }
        }
        // The emulator's last words are output too.
        const QByteArray tail =
            m_emulator.readAllStandardOutput() + m_emulator.readAllStandardError();
        const QStringList leaks = findLeaks(tail, m_canaries, QStringLiteral("emulator output"));
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(tst_SecretCanary)
#include "tst_secretcanary.moc"
