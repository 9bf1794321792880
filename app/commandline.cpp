#include "commandline.h"

#include "core/timerange.h"
#include "exposition/metricsserver.h"

#include <QCommandLineParser>

namespace isc::app {
namespace {

const QStringList kPages = {
    QStringLiteral("overview"),   QStringLiteral("latency"),     QStringLiteral("local"),
    QStringLiteral("capacity"),   QStringLiteral("cost"),        QStringLiteral("connections"),
    QStringLiteral("playground"), QStringLiteral("routing"),     QStringLiteral("replay"),
    QStringLiteral("alerts"),     QStringLiteral("alerts-rules")};

QCommandLineOption opt(const QString& name, const QString& help, const QString& value = {})
{
    return value.isEmpty() ? QCommandLineOption(name, help) : QCommandLineOption(name, help, value);
}

bool parseDurationOption(const QCommandLineParser& p, const QString& name, qint64* out,
                         QString* error)
{
    if (!p.isSet(name))
        return true;
    const auto d = parseDuration(p.value(name));
    if (!d) {
        *error = QStringLiteral("--%1: \"%2\" is not a duration (examples: 90s, 5m, 24h, 30d)")
                     .arg(name, p.value(name));
        return false;
    }
    *out = *d;
    return true;
}

bool parseReplay(const QCommandLineParser& p, Invocation* inv, QString* error)
{
    inv->policyPath = p.value(QStringLiteral("policy"));
    inv->workspacePath = p.value(QStringLiteral("workspace"));
    if (inv->dbPath.isEmpty() || inv->policyPath.isEmpty()) {
        *error = QStringLiteral("replay needs --db DB and --policy FILE");
        return false;
    }
    inv->last = 30 * 86400;
    if (!parseDurationOption(p, QStringLiteral("last"), &inv->last, error))
        return false;
    const bool hasFrom = p.isSet(QStringLiteral("from")), hasTo = p.isSet(QStringLiteral("to"));
    if (hasFrom != hasTo || (hasFrom && p.isSet(QStringLiteral("last")))) {
        *error = QStringLiteral("replay takes --last DURATION or --from ISO --to ISO");
        return false;
    }
    if (hasFrom) {
        const auto f = parseIsoUtc(p.value(QStringLiteral("from")));
        const auto t = parseIsoUtc(p.value(QStringLiteral("to")));
        if (!f || !t || *t <= *f) {
            *error = QStringLiteral("--from/--to must be ISO-8601 times, --to after --from");
            return false;
        }
        inv->from = *f;
        inv->to = *t;
    }
    inv->format = p.isSet(QStringLiteral("format")) ? p.value(QStringLiteral("format")).toLower()
                                                    : QStringLiteral("text");
    if (inv->format != QLatin1String("text") && inv->format != QLatin1String("json")) {
        *error = QStringLiteral("--format: \"%1\" is not text or json").arg(inv->format);
        return false;
    }
    return true;
}

bool parsePrompt(const QCommandLineParser& p, Invocation* inv, QString* error)
{
    if (p.isSet(QStringLiteral("help")) || p.isSet(QStringLiteral("version")))
        return true;
    const QStringList words = p.positionalArguments();
    if (words.size() != 1 || words.first().isEmpty()) {
        *error = QStringLiteral("prompt needs exactly one prompt text (quote it)");
        return false;
    }
    inv->promptText = words.first();
    inv->demo = p.isSet(QStringLiteral("demo"));
    inv->workspacePath = p.value(QStringLiteral("workspace"));
    inv->target = p.value(QStringLiteral("target"));
    inv->baseUrl = p.value(QStringLiteral("base-url"));
    inv->dialect = p.value(QStringLiteral("dialect")).toLower();
    inv->model = p.value(QStringLiteral("model"));
    inv->apiKeyEnv = p.value(QStringLiteral("api-key-env"));
    inv->system = p.value(QStringLiteral("system"));
    inv->params = p.values(QStringLiteral("param"));
    inv->deployment = p.value(QStringLiteral("deployment"));
    const bool named = !inv->target.isEmpty();
    const bool direct = !inv->baseUrl.isEmpty();
    if (named == direct || (named && inv->demo == !inv->workspacePath.isEmpty())) {
        *error = QStringLiteral("prompt needs --target NAME with --workspace FILE or --demo, or "
                                "--base-url URL --dialect openai|azure|anthropic");
        return false;
    }
    if (direct && !QStringList{"openai", "azure", "anthropic"}.contains(inv->dialect)) {
        *error =
            QStringLiteral("--dialect: \"%1\" is not openai, azure or anthropic").arg(inv->dialect);
        return false;
    }
    for (const QString& param : inv->params) {
        if (!param.contains(QLatin1Char('='))) {
            *error = QStringLiteral("--param: \"%1\" is not key=value").arg(param);
            return false;
        }
    }
    return true;
}

bool parseMigrate(const QCommandLineParser& p, Invocation* inv, QString* error)
{
    inv->migrateFrom = p.value(QStringLiteral("from"));
    inv->migrateTo = p.value(QStringLiteral("to"));
    if (inv->migrateFrom.isEmpty() || inv->migrateTo.isEmpty()) {
        *error = QStringLiteral("migrate needs --from DB and --to DB");
        return false;
    }
    if (!inv->dbPath.isEmpty()) {
        *error = QStringLiteral("migrate takes --from and --to, not --db");
        return false;
    }
    inv->quiet = p.isSet(QStringLiteral("quiet"));
    if (p.isSet(QStringLiteral("chunk"))) {
        bool ok = false;
        inv->chunkRows = p.value(QStringLiteral("chunk")).toInt(&ok);
        if (!ok || inv->chunkRows <= 0) {
            *error = QStringLiteral("--chunk: \"%1\" is not a positive number of rows")
                         .arg(p.value(QStringLiteral("chunk")));
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<Invocation> parseCommandLine(const QStringList& args, QString* error)
{
    Invocation inv;
    QStringList rest = args;
    if (!rest.isEmpty() && !rest.first().startsWith(QLatin1Char('-'))) {
        const QString cmd = rest.takeFirst();
        if (cmd == QLatin1String("collect"))
            inv.command = Invocation::Command::Collect;
        else if (cmd == QLatin1String("query"))
            inv.command = Invocation::Command::Query;
        else if (cmd == QLatin1String("replay"))
            inv.command = Invocation::Command::Replay;
        else if (cmd == QLatin1String("emulator"))
            inv.command = Invocation::Command::Emulator;
        else if (cmd == QLatin1String("prompt"))
            inv.command = Invocation::Command::Prompt;
        else if (cmd == QLatin1String("secret"))
            inv.command = Invocation::Command::Secret;
        else if (cmd == QLatin1String("migrate"))
            inv.command = Invocation::Command::Migrate;
        else if (cmd == QLatin1String("help"))
            inv.command = Invocation::Command::Help;
        else {
            *error = QStringLiteral(
                         "unknown command \"%1\" (commands: collect, query, replay, emulator, "
                         "prompt, secret, migrate; see --help)")
                         .arg(cmd);
            return std::nullopt;
        }
    }

    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addOption(opt(QStringLiteral("help"), QStringLiteral("help")));
    p.addOption(opt(QStringLiteral("version"), QStringLiteral("version")));
    // --database is the long spelling of --db ("secret set --database ADDRESS" reads better)
    p.addOption(QCommandLineOption({QStringLiteral("db"), QStringLiteral("database")},
                                   QStringLiteral("database"), QStringLiteral("FILE")));
    p.addOption(opt(QStringLiteral("seed"), QStringLiteral("seed"), QStringLiteral("N")));
    using C = Invocation::Command;
    switch (inv.command) {
    case C::Gui:
        p.addOption(opt(QStringLiteral("demo"), QStringLiteral("demo")));
        p.addOption(opt(QStringLiteral("workspace"), QStringLiteral("ws"), QStringLiteral("FILE")));
        p.addOption(
            opt(QStringLiteral("screenshot"), QStringLiteral("png"), QStringLiteral("FILE")));
        p.addOption(opt(QStringLiteral("page"), QStringLiteral("page"), QStringLiteral("NAME")));
        p.addOption(
            opt(QStringLiteral("range"), QStringLiteral("range"), QStringLiteral("DURATION")));
        p.addOption(opt(QStringLiteral("theme"), QStringLiteral("theme"), QStringLiteral("MODE")));
        p.addOption(opt(QStringLiteral("startup-probe"), QStringLiteral("benchmark")));
        break;
    case C::Collect:
        p.addOption(opt(QStringLiteral("demo"), QStringLiteral("demo")));
        p.addOption(opt(QStringLiteral("workspace"), QStringLiteral("ws"), QStringLiteral("FILE")));
        p.addOption(opt(QStringLiteral("backfill"), QStringLiteral("backfill"),
                        QStringLiteral("DURATION")));
        p.addOption(opt(QStringLiteral("once"), QStringLiteral("once")));
        p.addOption(
            opt(QStringLiteral("duration"), QStringLiteral("duration"), QStringLiteral("SECONDS")));
        p.addOption(
            opt(QStringLiteral("listen"), QStringLiteral("listen"), QStringLiteral("ADDRESS")));
        break;
    case C::Query:
        for (const char* name :
             {"metric", "aggregation", "deployment", "last", "from", "to", "step", "agg", "format"})
            p.addOption(opt(QLatin1String(name), QLatin1String(name), QStringLiteral("VALUE")));
        break;
    case C::Replay:
        for (const char* name : {"policy", "workspace", "last", "from", "to", "format"})
            p.addOption(opt(QLatin1String(name), QLatin1String(name), QStringLiteral("VALUE")));
        break;
    case C::Prompt:
        p.addOption(opt(QStringLiteral("demo"), QStringLiteral("demo")));
        for (const char* name : {"workspace", "target", "base-url", "dialect", "model",
                                 "api-key-env", "system", "param", "deployment"})
            p.addOption(opt(QLatin1String(name), QLatin1String(name), QStringLiteral("VALUE")));
        break;
    case C::Emulator:
        p.addOption(opt(QStringLiteral("port"), QStringLiteral("port"), QStringLiteral("N")));
        break;
    case C::Secret:
        p.addOption(opt(QStringLiteral("workspace"), QStringLiteral("ws"), QStringLiteral("FILE")));
        p.addOption(opt(QStringLiteral("inference"), QStringLiteral("inference")));
        break;
    case C::Migrate:
        for (const char* name : {"from", "to", "chunk"})
            p.addOption(opt(QLatin1String(name), QLatin1String(name), QStringLiteral("VALUE")));
        p.addOption(opt(QStringLiteral("quiet"), QStringLiteral("quiet")));
        break;
    case C::Version:
    case C::Help:
        break;
    }

    if (!p.parse(QStringList{QStringLiteral("inferscope")} + rest)) {
        *error = p.errorText();
        return std::nullopt;
    }
    if (inv.command == C::Prompt && !parsePrompt(p, &inv, error))
        return std::nullopt;
    if (inv.command == C::Secret && !p.isSet(QStringLiteral("help"))) {
        const QStringList words = p.positionalArguments();
        const bool database = p.isSet(QStringLiteral("db"));
        if (words.size() != (database ? 1 : 2) || words.first() != QLatin1String("set")) {
            *error = database ? QStringLiteral("secret set --database ADDRESS takes no "
                                               "connection (the password is read from standard "
                                               "input)")
                              : QStringLiteral("secret needs: secret set CONNECTION, or secret "
                                               "set --database ADDRESS (the key or password is "
                                               "read from standard input)");
            return std::nullopt;
        }
        if (database && p.isSet(QStringLiteral("inference"))) {
            *error = QStringLiteral("--inference is for a connection's key, not --database");
            return std::nullopt;
        }
        inv.secretAction = words.at(0);
        inv.connectionName = words.value(1);
        inv.workspacePath = p.value(QStringLiteral("workspace"));
        inv.inferenceKey = p.isSet(QStringLiteral("inference"));
    }
    if (!p.positionalArguments().isEmpty() && inv.command != C::Prompt &&
        inv.command != C::Secret) {
        *error = QStringLiteral("unexpected argument \"%1\"").arg(p.positionalArguments().first());
        return std::nullopt;
    }
    if (p.isSet(QStringLiteral("help")) || inv.command == C::Help) {
        inv.command = C::Help;
        return inv;
    }
    if (p.isSet(QStringLiteral("version"))) {
        inv.command = C::Version;
        return inv;
    }

    inv.dbPath = p.value(QStringLiteral("db"));
    if (p.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        inv.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok) {
            *error = QStringLiteral("--seed: \"%1\" is not a non-negative integer")
                         .arg(p.value(QStringLiteral("seed")));
            return std::nullopt;
        }
    }

    if (inv.command == C::Gui || inv.command == C::Collect) {
        inv.demo = p.isSet(QStringLiteral("demo"));
        inv.workspacePath = p.value(QStringLiteral("workspace"));
        if (inv.demo && !inv.workspacePath.isEmpty()) {
            *error = QStringLiteral("--demo and --workspace exclude each other");
            return std::nullopt;
        }
    }

    switch (inv.command) {
    case C::Gui:
        inv.screenshotPath = p.value(QStringLiteral("screenshot"));
        inv.startupProbe = p.isSet(QStringLiteral("startup-probe"));
        if (inv.startupProbe && !inv.screenshotPath.isEmpty()) {
            *error = QStringLiteral("--startup-probe excludes --screenshot");
            return std::nullopt;
        }
        if (p.isSet(QStringLiteral("page"))) {
            inv.page = p.value(QStringLiteral("page")).toLower();
            if (!kPages.contains(inv.page)) {
                *error =
                    QStringLiteral("--page: unknown page \"%1\" (pages: %2)")
                        .arg(p.value(QStringLiteral("page")), kPages.join(QStringLiteral(", ")));
                return std::nullopt;
            }
        }
        if (!parseDurationOption(p, QStringLiteral("range"), &inv.rangeSeconds, error))
            return std::nullopt;
        if (p.isSet(QStringLiteral("theme"))) {
            inv.theme = p.value(QStringLiteral("theme")).trimmed().toLower();
            if (inv.theme != QLatin1String("system") && inv.theme != QLatin1String("light") &&
                inv.theme != QLatin1String("dark")) {
                *error = QStringLiteral("--theme: unknown theme \"%1\" (themes: system, light, "
                                        "dark)")
                             .arg(p.value(QStringLiteral("theme")));
                return std::nullopt;
            }
        }
        break;
    case C::Collect:
        if (inv.dbPath.isEmpty()) {
            *error = QStringLiteral("collect needs --db DB");
            return std::nullopt;
        }
        if (!inv.demo && inv.workspacePath.isEmpty()) {
            *error = QStringLiteral("collect needs --demo or --workspace FILE");
            return std::nullopt;
        }
        if (!parseDurationOption(p, QStringLiteral("backfill"), &inv.backfillSeconds, error))
            return std::nullopt;
        inv.once = p.isSet(QStringLiteral("once"));
        if (p.isSet(QStringLiteral("duration"))) {
            bool ok = false;
            inv.durationSeconds = p.value(QStringLiteral("duration")).toLongLong(&ok);
            if (!ok || inv.durationSeconds <= 0) {
                *error = QStringLiteral("--duration: \"%1\" is not a positive number of seconds")
                             .arg(p.value(QStringLiteral("duration")));
                return std::nullopt;
            }
        }
        if (inv.once && inv.durationSeconds > 0) {
            *error = QStringLiteral("collect takes --once or --duration SECONDS, not both");
            return std::nullopt;
        }
        if (p.isSet(QStringLiteral("listen"))) {
            inv.listen = p.value(QStringLiteral("listen"));
            if (!MetricsServer::parseListenAddress(inv.listen, error))
                return std::nullopt;
        }
        break;
    case C::Query: {
        if (inv.dbPath.isEmpty()) {
            *error = QStringLiteral("query needs --db DB");
            return std::nullopt;
        }
        inv.metric = p.value(QStringLiteral("metric"));
        if (inv.metric.isEmpty()) {
            *error = QStringLiteral("query needs --metric NAME");
            return std::nullopt;
        }
        inv.aggregation = p.value(QStringLiteral("aggregation")).toLower();
        inv.deployment = p.value(QStringLiteral("deployment"));
        if (!parseDurationOption(p, QStringLiteral("last"), &inv.last, error))
            return std::nullopt;
        const bool hasFrom = p.isSet(QStringLiteral("from")), hasTo = p.isSet(QStringLiteral("to"));
        if (hasFrom != hasTo) {
            *error = QStringLiteral("--from and --to go together");
            return std::nullopt;
        }
        if (hasFrom && p.isSet(QStringLiteral("last"))) {
            *error = QStringLiteral("--last excludes --from/--to");
            return std::nullopt;
        }
        if (hasFrom) {
            const auto f = parseIsoUtc(p.value(QStringLiteral("from")));
            const auto t = parseIsoUtc(p.value(QStringLiteral("to")));
            if (!f || !t) {
                *error =
                    QStringLiteral("--from/--to must be ISO-8601 times, e.g. 2026-09-01T00:00:00Z");
                return std::nullopt;
            }
            if (*t <= *f) {
                *error = QStringLiteral("--to must be after --from");
                return std::nullopt;
            }
            inv.from = *f;
            inv.to = *t;
        }
        if (p.isSet(QStringLiteral("step"))) {
            const QString s = p.value(QStringLiteral("step"));
            const auto d = parseDuration(s);
            if (!d || (*d != 60 && *d != 300 && *d != 3600)) {
                *error = QStringLiteral("--step: \"%1\" is not one of 1m, 5m, 1h").arg(s);
                return std::nullopt;
            }
            inv.step = *d;
        }
        if (p.isSet(QStringLiteral("agg"))) {
            inv.reduce = p.value(QStringLiteral("agg")).toLower();
            if (!QStringList{"avg", "min", "max", "sum"}.contains(inv.reduce)) {
                *error = QStringLiteral("--agg: \"%1\" is not one of avg, min, max, sum")
                             .arg(p.value(QStringLiteral("agg")));
                return std::nullopt;
            }
        }
        if (p.isSet(QStringLiteral("format"))) {
            inv.format = p.value(QStringLiteral("format")).toLower();
            if (inv.format != QLatin1String("csv") && inv.format != QLatin1String("json")) {
                *error = QStringLiteral("--format: \"%1\" is not csv or json")
                             .arg(p.value(QStringLiteral("format")));
                return std::nullopt;
            }
        }
        break;
    }
    case C::Replay:
        if (!parseReplay(p, &inv, error))
            return std::nullopt;
        break;
    case C::Emulator:
        if (p.isSet(QStringLiteral("port"))) {
            bool ok = false;
            const uint port = p.value(QStringLiteral("port")).toUInt(&ok);
            if (!ok || port > 65535) {
                *error = QStringLiteral("--port: \"%1\" is not a port number (0-65535)")
                             .arg(p.value(QStringLiteral("port")));
                return std::nullopt;
            }
            inv.port = static_cast<quint16>(port);
        }
        break;
    case C::Migrate:
        if (!parseMigrate(p, &inv, error))
            return std::nullopt;
        break;
    case C::Prompt: // parsePrompt() did it
    case C::Secret: // read with the positional arguments
    case C::Version:
    case C::Help:
        break;
    }
    return inv;
}

QString helpText()
{
    return QStringLiteral(
               "Inferscope %1 - observability console for LLM deployments\n"
               "\n"
               "Usage:\n"
               "  inferscope [--demo | --workspace FILE] [--db DB]\n"
               "             [--screenshot FILE --page NAME [--range 30d]]\n"
               "             [--theme system|light|dark]\n"
               "      Opens the window (on the demo workspace when none is configured). With\n"
               "      --screenshot, renders the page offscreen at 1440x900 once its data is\n"
               "      loaded, writes the PNG and exits. Pages: overview, latency, capacity,\n"
               "      cost, connections, playground, routing, replay, alerts, alerts-rules.\n"
               "      --theme forces light or dark (default: View > Theme, else the\n"
               "      desktop's).\n"
               "  inferscope collect --db DB (--demo | --workspace FILE) [--backfill 30d]\n"
               "             [--once | --duration SECONDS] [--listen [ADDRESS:]PORT]\n"
               "      Headless poller: backfills, then polls every connection until stopped\n"
               "      (SIGTERM, Ctrl+C), one round (--once) or SECONDS. --listen serves\n"
               "      /metrics (Prometheus) and /healthz, on 127.0.0.1 unless ADDRESS is named.\n"
               "  inferscope query --db DB --metric NAME [--deployment NAME]\n"
               "             [--last 24h | --from ISO --to ISO] [--step 1m|5m|1h]\n"
               "             [--agg avg|min|max|sum] [--aggregation "
               "total|average|maximum|minimum]\n"
               "             [--format csv|json]\n"
               "      Prints one row per step, time in ISO-8601 UTC.\n"
               "  inferscope replay --db DB --policy FILE [--workspace FILE]\n"
               "             [--last 30d | --from ISO --to ISO] [--format text|json]\n"
               "      Replays the recorded traffic through a routing policy and prints the\n"
               "      projected cost, 429s, spillover and latency per route beside the actual.\n"
               "  inferscope emulator [--port N] [--seed S]\n"
               "      Runs the demo fleet emulator on 127.0.0.1 until interrupted.\n"
               "  inferscope prompt (--target NAME (--workspace FILE | --demo) |\n"
               "             --base-url URL --dialect openai|azure|anthropic [--deployment D])\n"
               "             [--model M] [--api-key-env VAR] [--system TEXT]\n"
               "             [--param key=value]... \"prompt\"\n"
               "      Streams the answer to stdout; prints one JSON line of metrics to stderr.\n"
               "  inferscope secret set CONNECTION [--workspace FILE] [--inference]\n"
               "  inferscope secret set --database ADDRESS   (a PostgreSQL password)\n"
               "      Reads a key from standard input and stores it in the OS keychain under\n"
               "      the connection's keychain entry (--inference: its inference key), or a\n"
               "      database's password (asked without echo on a terminal) under\n"
               "      postgresql://USER@HOST:PORT/DBNAME, read before PGPASSWORD and ~/.pgpass.\n"
               "  inferscope migrate --from DB --to DB [--chunk ROWS] [--quiet]\n"
               "      Copies a whole history (series, samples, rollups, gaps, inventory, runs)\n"
               "      between an SQLite file and a postgresql:// database, either way, into an\n"
               "      empty destination; prints progress to stderr and verifies every table's\n"
               "      counts and sums at the end (exit 3 on a difference). Run it again after\n"
               "      an interruption: it continues where it stopped.\n"
               "  inferscope --version | --help\n"
               "\n"
               "Common options: --db DB (history database: an SQLite file or a postgresql:// URI), "
               "--seed N (demo emulator seed, "
               "default 42).\n")
        .arg(QStringLiteral(INFERSCOPE_VERSION));
}

} // namespace isc::app
