#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace isc::app {

/// What the user asked for on the command line, validated. Parsing needs no QCoreApplication.
struct Invocation
{
    enum class Command {
        Gui,
        Collect,
        Query,
        Replay,
        Emulator,
        Prompt,
        Secret,
        Migrate,
        Version,
        Help
    };
    Command command = Command::Gui;

    // Shared
    bool demo = false;
    QString workspacePath;
    QString dbPath;
    quint64 seed = 42;

    // GUI
    QString screenshotPath;
    QString page = QStringLiteral("overview");
    QString theme;             ///< "system", "light", "dark"; empty = the remembered one
    qint64 rangeSeconds = 0;   ///< 0 = the remembered range (screenshots: 24 h)
    bool startupProbe = false; ///< benchmark: print RSS after the first painted page, then exit

    // collect
    qint64 backfillSeconds = -1; ///< -1 = each connection's backfillDays
    bool once = false;
    qint64 durationSeconds = 0;
    /// --listen: PORT (loopback), ADDRESS:PORT or [IPv6]:PORT to serve /metrics and /healthz;
    /// empty = no endpoint. Checked at parse time.
    QString listen;

    // query
    QString metric;
    QString aggregation; ///< stored aggregation; empty = total if present, else average
    QString deployment;
    qint64 last = 24 * 3600;
    qint64 from = 0, to = 0; ///< seconds UTC when --from/--to are given
    qint64 step = 60;
    QString reduce = QStringLiteral("avg");
    QString format = QStringLiteral("csv");

    // replay (also workspacePath, last, from/to, format: text|json)
    QString policyPath;

    // prompt (deployment: Azure deployment URL form with --base-url)
    QString promptText;
    QString target;  ///< --target NAME: a connection or Azure deployment (--workspace / --demo)
    QString baseUrl; ///< --base-url URL, with --dialect
    QString dialect; ///< openai | azure | anthropic
    QString model;
    QString apiKeyEnv; ///< name of the environment variable holding the key
    QString system;
    QStringList params; ///< key=value, checked by ChatRequest::setParam

    // secret set CONNECTION [--workspace FILE] [--inference]: the key comes on stdin
    QString secretAction;      ///< "set"
    QString connectionName;    ///< a connection's id or display name
    bool inferenceKey = false; ///< the playground's inference key instead of the monitoring one

    // migrate --from DB --to DB [--chunk ROWS] [--quiet]
    QString migrateFrom; ///< any --db address: an SQLite file or a postgresql:// URI
    QString migrateTo;
    int chunkRows = 0; ///< rows per destination transaction; 0 = StoreMigration's default
    bool quiet = false;

    // emulator
    quint16 port = 0;

    /// True when the command needs no display (runs on QCoreApplication).
    bool headless() const { return command != Command::Gui; }
};

/// Parses argv (without the program name). On error returns nullopt and a one-line message.
std::optional<Invocation> parseCommandLine(const QStringList& args, QString* error);

/// The --help text.
QString helpText();

} // namespace isc::app
