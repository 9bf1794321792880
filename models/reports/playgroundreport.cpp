#include "playgroundreport.h"

#include "core/units.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace isc {

RunHistoryRow PlaygroundReport::historyRow(const StoredRun& r)
{
    const QJsonObject m = QJsonDocument::fromJson(r.metricsJson.toUtf8()).object();
    const auto ms = [](const QJsonValue& v) {
        return v.isDouble() ? formatDurationMs(v.toDouble()) : QStringLiteral("–");
    };
    RunHistoryRow row;
    row.id = r.id;
    const QJsonValue out = m.value(QLatin1String("tokens_out"));
    QString summary;
    if (!r.error.isEmpty()) {
        summary = r.error;
        row.summary = RunHistoryRow::Summary::Error;
    } else if (r.redacted) {
        summary = tr("(stored without prompt and answer)");
        row.summary = RunHistoryRow::Summary::Redacted;
    } else {
        summary = r.output.simplified();
    }
    row.columns = QStringList{
        r.starred ? QStringLiteral("★") : QString(),
        QDateTime::fromMSecsSinceEpoch(r.createdAtMs)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
        r.target,
        m.value(QLatin1String("model")).toString(r.model),
        ms(m.value(QLatin1String("ttft_ms"))),
        ms(m.value(QLatin1String("total_ms"))),
        out.isDouble()
            ? QString::number(out.toInteger()) +
                  (m.value(QLatin1String("tokens_estimated")).toBool() ? tr(" (est.)") : QString())
            : QStringLiteral("–"),
        m.value(QLatin1String("cost")).toString(tr("no price")),
        summary.left(300),
    };
    row.summaryToolTip = r.redacted ? summary : r.output.left(2000);
    return row;
}

RunHistoryActions PlaygroundReport::historyActions(const QVector<StoredRun>& sel)
{
    RunHistoryActions a;
    const bool one = sel.size() == 1;
    const bool text = one && !sel.first().redacted;
    a.star = !sel.isEmpty();
    a.starText = !sel.isEmpty() && sel.first().starred ? tr("Unstar") : tr("Star");
    a.rerun = text;
    a.copyCurl = text;
    a.exportJson = one;
    a.remove = !sel.isEmpty();
    a.diff = sel.size() == 2 && !sel[0].redacted && !sel[1].redacted;
    a.rerunToolTip = one && !text ? tr("This run was stored without its prompt and answer")
                                  : tr("Load the run and run it on its target");
    return a;
}

PaneLaunch PlaygroundReport::launch(const QString& selected, bool isAuto,
                                    const QString& modelOverride, const ChatRequest& request,
                                    const QJsonObject& policy, AutoInputs live,
                                    const QVector<PlaygroundTarget>& targets, int minuteOfDay)
{
    PaneLaunch out;
    out.request = request;
    auto find = [&](const QString& id) -> std::optional<PlaygroundTarget> {
        for (const PlaygroundTarget& t : targets) {
            if (t.id == id)
                return t;
        }
        return std::nullopt;
    };
    if (isAuto) {
        // In an Auto pane the model field names what the request asks for, not what is sent.
        live.requested = modelOverride;
        const AutoChoice choice = chooseAutoTarget(policy, request, live, targets, minuteOfDay);
        if (!choice.ok) {
            out.problem = choice.reason;
            return out;
        }
        out.target = find(choice.targetId);
        if (!choice.model.isEmpty())
            out.request.model = choice.model;
        if (out.target)
            out.note = autoNote(choice, out.target->chat.name);
    } else {
        out.target = find(selected);
        if (out.target && !modelOverride.isEmpty())
            out.request.model = modelOverride;
    }
    if (!out.target)
        out.problem = tr("Pick a target for this pane.");
    return out;
}

QString PlaygroundReport::autoNote(const AutoChoice& choice, const QString& targetName)
{
    return choice.ruleName.isEmpty()
               ? tr("Auto chose %1 (the policy's fallback): %2").arg(targetName, choice.reason)
               : tr("Auto chose %1 by rule \"%2\": %3")
                     .arg(targetName, choice.ruleName, choice.reason);
}

QString PlaygroundReport::runningStatus(int started, bool keepText)
{
    return keepText ? tr("Running on %n target(s)…", nullptr, started)
                    : tr("Running on %n target(s)… (history keeps metrics only)", nullptr, started);
}

PlaygroundDraft PlaygroundReport::demoDraft(PlaygroundDraft d)
{
    d.system = QStringLiteral("You are a concise assistant for an SRE team.");
    d.turns = {{QStringLiteral("user"),
                QStringLiteral("In three sentences, explain why time to first token rises when a "
                               "{{deployment_kind}} deployment runs near capacity.")}};
    d.variables = {{QStringLiteral("deployment_kind"), QStringLiteral("provisioned (PTU)")}};
    d.maxTokens = 160;
    d.temperature = 0.3;
    return d;
}

QStringList PlaygroundReport::demoTargets(const QVector<PlaygroundTarget>& targets,
                                          const Deployments& inventory, int max)
{
    QStringList ids;
    QStringList kinds;
    for (const PlaygroundTarget& t : targets) {
        const QString kind = t.provider;
        if (kinds.contains(kind))
            continue;
        if (kind == QLatin1String("azure-openai")) {
            const auto dep = std::find_if(inventory.begin(), inventory.end(), [&](const auto& d) {
                return d.source == t.connection && d.name == t.chat.deployment;
            });
            if (dep != inventory.end() && dep->isProvisioned())
                continue;
        }
        kinds << kind;
        ids << t.id;
    }
    return ids.mid(0, max);
}

} // namespace isc
