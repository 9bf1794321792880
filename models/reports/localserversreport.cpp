#include "localserversreport.h"

#include "core/timerange.h"
#include "core/units.h"

#include <QDateTime>
#include <QLocale>
#include <QSet>
#include <algorithm>

namespace isc {
namespace {

using Kind = LocalServerKind;

constexpr qint64 kFreshSeconds = 5 * 60; // without live health: data this recent means "up"

LocalFigure known(double value, const QString& text)
{
    return {value, text, QString()};
}

LocalFigure missing(const QString& text, const QString& why)
{
    return {std::nan(""), text, why};
}

LocalFigure notExposed(Kind kind, const QString& why)
{
    return missing(
        LocalServersReport::tr("not exposed by %1").arg(LocalServersReport::kindName(kind)), why);
}

// A gauge's newest value, or why there is none.
LocalFigure gaugeFigure(const LatestValue& v, const LocalServerReading& r, Unit unit)
{
    if (v.known())
        return known(v.value, formatQuantity(v.value, unit));
    if (r.newestData <= 0)
        return missing(LocalServersReport::tr("no data in this range"),
                       LocalServersReport::tr("Nothing was stored for this server in the range."));
    return missing(LocalServersReport::tr("no scrape in the last 15 min"),
                   LocalServersReport::tr("No value stored in the 15 minutes before the newest "
                                          "data of the range."));
}

QString ollamaWhy()
{
    return LocalServersReport::tr("no /metrics; it says only which models are loaded and where "
                                  "(/api/ps).");
}

void fillFigures(LocalServerStatus& s, const LocalServerReading& r)
{
    if (s.kind == Kind::Ollama) {
        const QString why = ollamaWhy();
        s.running = s.waiting = s.kvCache = s.preemptions = s.tokensPerSecond =
            notExposed(Kind::Ollama, why);
        return;
    }
    s.running = gaugeFigure(r.running, r, Unit::Count);
    s.waiting = gaugeFigure(r.waiting, r, Unit::Count);
    s.kvCache = gaugeFigure(r.kvCachePercent, r, Unit::Percent);
    if (!r.kvCachePercent.known() && s.kind == Kind::LlamaCpp)
        s.kvCache = notExposed(
            Kind::LlamaCpp, LocalServersReport::tr("current llama-server has no KV-cache metric "
                                                   "(kv_cache_usage_ratio was removed upstream); "
                                                   "running and deferred requests show its load."));
    else if (!r.kvCachePercent.known() && s.kind == Kind::Tgi)
        s.kvCache = notExposed(Kind::Tgi, LocalServersReport::tr("its /metrics has no KV-cache "
                                                                 "gauge."));
    if (!std::isnan(r.preemptions))
        s.preemptions = known(r.preemptions, formatCompact(r.preemptions));
    else if (s.kind == Kind::LlamaCpp || s.kind == Kind::Tgi)
        s.preemptions = notExposed(s.kind, LocalServersReport::tr("only vLLM counts preemptions "
                                                                  "(vllm:num_preemptions_total)."));
    else if (r.newestData > 0)
        s.preemptions = missing(LocalServersReport::tr("not exposed by this server"),
                                LocalServersReport::tr("its scrape has no "
                                                       "vllm:num_preemptions_total."));
    else
        s.preemptions = gaugeFigure({}, r, Unit::Count);
    if (!std::isnan(r.recentTokensPerSecond))
        s.tokensPerSecond = known(r.recentTokensPerSecond,
                                  formatQuantity(r.recentTokensPerSecond, Unit::TokensPerSecond));
    else if (r.newestData > 0)
        s.tokensPerSecond = missing(
            LocalServersReport::tr("no output tokens stored"),
            LocalServersReport::tr("No output-token counter was stored in the 5 minutes before "
                                   "the newest data."));
    else
        s.tokensPerSecond = gaugeFigure({}, r, Unit::TokensPerSecond);
}

QString joinNames(const QStringList& names)
{
    return names.join(QStringLiteral(", "));
}

TableCell figureCell(const LocalFigure& f)
{
    if (f.known())
        return TableCell::number(f.text, f.value);
    TableCell c = TableCell::plain(f.text, f.why);
    c.numeric = false;
    return c;
}

// "12 / 3": running and waiting side by side, one column less to scroll past.
TableCell requestsCell(const LocalFigure& running, const LocalFigure& waiting)
{
    if (!running.known())
        return figureCell(running);
    return TableCell::number(QStringLiteral("%1 / %2").arg(running.text, waiting.known()
                                                                             ? waiting.text
                                                                             : QStringLiteral("–")),
                             running.value, waiting.known() ? QString() : waiting.why);
}

QVector<KpiFigure> tilesOf(const QVector<LocalServerStatus>& servers,
                           const QVector<LocalServerReading>& readings)
{
    using Status = KpiFigure::Status;
    using R = LocalServersReport;
    QVector<KpiFigure> tiles;

    KpiFigure up;
    up.title = R::tr("Servers up");
    QStringList down;
    int answering = 0;
    for (const auto& s : servers) {
        if (s.up)
            ++answering;
        else
            down << QStringLiteral("%1 (%2)").arg(s.name, s.status);
    }
    if (!servers.isEmpty()) {
        up.value = R::tr("%1 of %2").arg(answering).arg(servers.size());
        up.status = down.isEmpty() ? Status::Normal : Status::Critical;
        up.trend = down.isEmpty() ? R::tr("all answering") : R::tr("down: %1").arg(joinNames(down));
        up.sentiment = down.isEmpty() ? 0 : -1;
    } else {
        up.value = QStringLiteral("–");
        up.trend = R::tr("no local server configured");
    }
    up.detail = R::tr("vLLM, llama.cpp, TGI and Ollama connections whose last poll answered");
    tiles << up;

    auto sum = [&](auto member, const QString& title, Unit unit, const QString& noneWhy) {
        KpiFigure f;
        f.title = title;
        double total = 0;
        int n = 0;
        for (const auto& s : servers) {
            const LocalFigure& v = s.*member;
            if (v.known()) {
                total += v.value;
                ++n;
            }
        }
        f.value = n > 0 ? formatQuantity(total, unit) : QStringLiteral("–");
        f.status = n > 0 ? Status::Normal : Status::NoData;
        if (n == 0)
            f.trend = noneWhy;
        return std::make_pair(f, n > 0 ? total : std::nan(""));
    };
    auto [running, runningTotal] = sum(&LocalServerStatus::running, R::tr("Running now"),
                                       Unit::Count, R::tr("no server reports it"));
    Q_UNUSED(runningTotal)
    auto [waiting, waitingTotal] = sum(&LocalServerStatus::waiting, QString(), Unit::Count, {});
    if (!std::isnan(waitingTotal)) {
        running.trend = R::tr("%1 waiting").arg(formatCompact(waitingTotal));
        running.sentiment = waitingTotal > 0 ? -1 : 0;
        running.status = waitingTotal > 0 ? Status::Warning : running.status;
    }
    Q_UNUSED(waiting)
    running.detail = R::tr("Requests in the servers' batches in the newest minute, summed");
    tiles << running;

    KpiFigure kv;
    kv.title = R::tr("KV cache");
    const LocalServerStatus* fullest = nullptr;
    for (const auto& s : servers) {
        if (s.kvCache.known() && (!fullest || s.kvCache.value > fullest->kvCache.value))
            fullest = &s;
    }
    if (fullest) {
        kv.value = fullest->kvCache.text;
        kv.trend = R::tr("fullest: %1").arg(fullest->name);
        kv.status = fullest->kvCache.value >= 90 ? Status::Warning : Status::Normal;
    } else {
        kv.value = QStringLiteral("–");
        kv.trend = R::tr("exposed by vLLM only");
    }
    kv.detail = R::tr("KV-cache use of the fullest server in the newest minute; near 100 %, "
                      "vLLM preempts requests");
    tiles << kv;

    auto [tps, tpsTotal] = sum(&LocalServerStatus::tokensPerSecond, R::tr("Output tokens/s"),
                               Unit::TokensPerSecond, R::tr("no token counters stored"));
    Q_UNUSED(tpsTotal)
    if (tps.status != Status::NoData)
        tps.trend = R::tr("over the newest 5 minutes");
    tps.detail = R::tr("Generated tokens per second of every server, summed");
    tiles << tps;

    auto [pre, preTotal] = sum(&LocalServerStatus::preemptions, R::tr("Preemptions"), Unit::Count,
                               R::tr("counted by vLLM only"));
    if (!std::isnan(preTotal)) {
        pre.trend = preTotal > 0 ? R::tr("in range: KV cache ran full") : R::tr("none in range");
        pre.sentiment = preTotal > 0 ? -1 : 0;
        pre.status = preTotal > 0 ? Status::Warning : Status::Normal;
    }
    pre.detail = R::tr("Requests evicted from the batch for KV-cache room and recomputed later");
    tiles << pre;

    KpiFigure vram;
    vram.title = R::tr("Model VRAM");
    double inVram = 0, onCpu = 0;
    int loaded = 0;
    for (const auto& r : readings) {
        for (const auto& m : r.loaded) {
            inVram += m.vramBytes;
            onCpu += std::max(0.0, m.sizeBytes - m.vramBytes);
            ++loaded;
        }
    }
    if (loaded > 0) {
        vram.value = R::bytes(inVram);
        const QString models =
            loaded == 1 ? R::tr("1 model loaded") : R::tr("%1 models loaded").arg(loaded);
        vram.trend = onCpu > 0 ? R::tr("%1, %2 on the CPU").arg(models, R::bytes(onCpu))
                               : R::tr("%1, all in VRAM").arg(models);
        vram.sentiment = onCpu > 0 ? -1 : 0;
        vram.status = onCpu > 0 ? Status::Warning : Status::Normal;
    } else {
        vram.value = QStringLiteral("–");
        vram.trend = R::tr("Ollama only (/api/ps): none loaded");
    }
    vram.detail = R::tr("GPU memory of the models Ollama has loaded; the rest runs on the CPU");
    tiles << vram;
    return tiles;
}

ReportTable modelsTable(const QVector<LocalServerStatus>& servers,
                        const QVector<LocalServerReading>& readings)
{
    using R = LocalServersReport;
    ReportTable t;
    t.headers = {R::tr("Server"),  R::tr("Model"),  R::tr("Memory"),
                 R::tr("In VRAM"), R::tr("On CPU"), R::tr("Unloads in")};
    for (int i = 0; i < servers.size() && i < readings.size(); ++i) {
        const LocalServerStatus& s = servers[i];
        if (s.kind == Kind::Ollama) {
            for (const auto& m : readings[i].loaded) {
                const double cpu = std::max(0.0, m.sizeBytes - m.vramBytes);
                TableCell cpuCell = TableCell::number(
                    cpu > 0 ? R::tr("%1 (%2 %)")
                                  .arg(R::bytes(cpu))
                                  .arg(std::lround(100.0 * cpu / std::max(1.0, m.sizeBytes)))
                            : R::bytes(0),
                    cpu);
                cpuCell.warning = cpu > 0;
                cpuCell.toolTip = cpu > 0 ? R::tr("Part of the model runs on the CPU: slower "
                                                  "tokens. Free VRAM or pick a smaller "
                                                  "quantization.")
                                          : QString();
                t.rows.append(
                    {TableCell::plain(s.name), TableCell::plain(m.name),
                     TableCell::number(R::bytes(m.sizeBytes), m.sizeBytes),
                     TableCell::number(R::bytes(m.vramBytes), m.vramBytes), cpuCell,
                     m.expiresInSeconds < 0
                         ? TableCell::plain(QStringLiteral("–"))
                         : TableCell::number(R::duration(m.expiresInSeconds), m.expiresInSeconds)});
            }
            continue;
        }
        const QString why = R::tr("%1's metrics say nothing of memory: only Ollama reports VRAM.")
                                .arg(R::kindName(s.kind));
        for (const QString& model : s.models) {
            const TableCell none =
                TableCell::plain(R::tr("not exposed by %1").arg(R::kindName(s.kind)), why);
            t.rows.append({TableCell::plain(s.name), TableCell::plain(model), none, none, none,
                           TableCell::plain(R::tr("served while up"))});
        }
    }
    return t;
}

} // namespace

QString LocalServersReport::kindName(LocalServerKind kind)
{
    switch (kind) {
    case Kind::Vllm:
        return QStringLiteral("vLLM");
    case Kind::LlamaCpp:
        return QStringLiteral("llama.cpp");
    case Kind::Tgi:
        return QStringLiteral("TGI");
    case Kind::Ollama:
        return QStringLiteral("Ollama");
    case Kind::Unknown:
        break;
    }
    return tr("unknown");
}

LocalServerKind LocalServersReport::kindOf(const Connection& c, const Deployments& inventory)
{
    if (c.kind == QLatin1String("ollama"))
        return Kind::Ollama;
    for (const Deployment& d : inventory) {
        for (Kind k : {Kind::Vllm, Kind::LlamaCpp, Kind::Tgi}) {
            if (d.sku == kindName(k))
                return k;
        }
    }
    return Kind::Unknown;
}

QString LocalServersReport::when(qint64 t, qint64 nowUtc)
{
    const QDateTime at = QDateTime::fromSecsSinceEpoch(t);
    const bool today = at.date() == QDateTime::fromSecsSinceEpoch(nowUtc).date();
    return QLocale().toString(at, today ? QStringLiteral("HH:mm") : QStringLiteral("d MMM, HH:mm"));
}

QString LocalServersReport::duration(double seconds)
{
    if (seconds < 90)
        return tr("%1 s").arg(std::lround(seconds));
    return tr("%1 min").arg(std::lround(seconds / 60));
}

QString LocalServersReport::bytes(double value)
{
    return QLocale().formattedDataSize(qint64(std::llround(value)), 1, QLocale::DataSizeIecFormat);
}

LocalServerStatus LocalServersReport::statusOf(const Connection& c, const LocalServerReading& r,
                                               const SourceHealth* h, qint64 nowUtc)
{
    LocalServerStatus s;
    s.source = c.id;
    s.name = c.displayName.isEmpty() ? c.id : c.displayName;
    s.kind = kindOf(c, r.inventory);
    if (h && h->state == SourceHealth::State::Standby) {
        s.up = h->collectorLastPoll >= nowUtc - kFreshSeconds;
        s.status =
            tr("Collected by %1, last poll %2")
                .arg(h->collectedBy,
                     h->collectorLastPoll > 0 ? when(h->collectorLastPoll, nowUtc) : tr("never"));
    } else if (h && !h->lastError.isEmpty()) {
        s.lastError = h->lastError;
        // The first failed poll after the last good one, when its gap marker is in the range.
        const qint64 lastGood = floorTo(h->lastSuccess, 60);
        qint64 since = 0;
        for (const GapMarker& g : r.gaps) {
            if (g.window.from >= lastGood && g.metric.isEmpty()) {
                since = g.window.from;
                break;
            }
        }
        if (since > 0)
            s.status = tr("Down since %1").arg(when(since, nowUtc));
        else if (h->lastSuccess > 0)
            s.status = tr("Down, no answer since %1").arg(when(h->lastSuccess, nowUtc));
        else
            s.status = tr("Down, never answered");
    } else if (h && h->lastSuccess > 0) {
        s.up = true;
        qint64 since = 0;
        for (const GapMarker& g : r.gaps) {
            if (g.metric.isEmpty() && g.window.to <= h->lastSuccess)
                since = std::max(since, g.window.to);
        }
        s.status =
            since > 0 ? tr("Up since %1").arg(when(since, nowUtc)) : tr("Up, no failure in range");
    } else if (h) {
        s.status = h->state == SourceHealth::State::Idle ? tr("Not polled yet") : tr("Connecting…");
    } else if (r.newestData > 0) {
        // Polled by no collector of this window (e.g. a shared database): judge by the data.
        s.up = r.newestData >= nowUtc - kFreshSeconds;
        s.status = s.up ? tr("Answering, data until %1").arg(when(r.newestData + 60, nowUtc))
                        : tr("No data since %1").arg(when(r.newestData + 60, nowUtc));
    } else {
        s.status = tr("No data in this range");
    }
    for (const Deployment& d : r.inventory) {
        if (s.kind != Kind::Ollama)
            s.models << d.name;
    }
    for (const auto& m : r.loaded)
        s.models << m.name;
    return s;
}

LocalServersReport LocalServersReport::build(const LocalServersReportInput& in)
{
    LocalServersReport out;
    out.error = in.result.error;
    QVector<LocalServerReading> readings;
    for (const Connection& c : in.connections) {
        if (!LocalServersQuery::isLocal(c))
            continue;
        LocalServerReading r;
        r.source = c.id;
        for (const auto& s : in.result.servers) {
            if (s.source == c.id)
                r = s;
        }
        const auto h = in.health.constFind(c.id);
        LocalServerStatus s =
            statusOf(c, r, h == in.health.cend() ? nullptr : &h.value(), in.nowUtc);
        fillFigures(s, r);
        out.servers.append(s);
        readings.append(r);
    }
    out.tiles = tilesOf(out.servers, readings);
    out.models = modelsTable(out.servers, readings);

    out.table.headers = {tr("Server"),   tr("Kind"),        tr("Status"),   tr("Running / waiting"),
                         tr("KV cache"), tr("Preemptions"), tr("Tokens/s"), tr("Last error")};
    QStringList reasons;
    QSet<QString> said;
    for (const LocalServerStatus& s : out.servers) {
        TableCell status = TableCell::plain(s.status, s.lastError);
        status.warning = !s.up;
        out.table.rows.append(
            {TableCell::plain(s.name, s.source), TableCell::plain(kindName(s.kind)), status,
             requestsCell(s.running, s.waiting), figureCell(s.kvCache), figureCell(s.preemptions),
             figureCell(s.tokensPerSecond),
             TableCell::plain(s.lastError.isEmpty() ? QStringLiteral("–") : s.lastError)});
        for (const LocalFigure* f : {&s.running, &s.kvCache, &s.preemptions, &s.tokensPerSecond}) {
            const QString line = f->known() || f->why.isEmpty()
                                     ? QString()
                                     : QStringLiteral("%1: %2").arg(kindName(s.kind), f->why);
            if (!line.isEmpty() && !said.contains(line)) {
                said.insert(line);
                reasons << line;
            }
        }
    }
    if (out.servers.isEmpty())
        out.note = tr("No local server is configured: add a vLLM, llama.cpp or TGI /metrics "
                      "endpoint (kind \"prometheus\") or an Ollama server on the Connections "
                      "page.");
    else
        out.note = reasons.join(QLatin1Char('\n'));
    return out;
}

} // namespace isc
