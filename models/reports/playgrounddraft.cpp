#include "playgrounddraft.h"

#include <QRegularExpression>

namespace isc {

std::optional<ChatRequest> PlaygroundDraft::request(QString* error) const
{
    QStringList missing;
    ChatRequest r;
    const QString sys = substituteVariables(system, variables, &missing).trimmed();
    if (!sys.isEmpty())
        r.messages.append({QStringLiteral("system"), sys});
    for (const ChatMessage& t : turns) {
        const QString text = substituteVariables(t.content, variables, &missing);
        if (!text.trimmed().isEmpty())
            r.messages.append({t.role, text});
    }
    missing.removeDuplicates();
    if (!missing.isEmpty()) {
        *error = tr("Give a value to {{%1}} in the Variables table first.")
                     .arg(missing.join(QStringLiteral("}}, {{")));
        return std::nullopt;
    }
    if (r.messages.isEmpty() || r.messages.last().role == QLatin1String("system")) {
        *error = tr("Write a message to send first.");
        return std::nullopt;
    }
    r.temperature = temperature;
    r.topP = topP;
    r.maxTokens = maxTokens;
    for (const QString& s : stop.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!s.trimmed().isEmpty())
            r.stop << s.trimmed();
    }
    if (!seed.isEmpty() && seed != QLatin1String("-"))
        r.seed = seed.toLongLong();
    r.jsonResponse = jsonResponse;
    return r;
}

PlaygroundDraft PlaygroundDraft::fromRequest(const ChatRequest& request)
{
    PlaygroundDraft d;
    d.system = request.systemPrompt();
    for (const ChatMessage& m : request.messages) {
        if (m.role != QLatin1String("system"))
            d.turns << m;
    }
    d.temperature = request.temperature;
    d.topP = request.topP;
    d.maxTokens = request.maxTokens;
    d.stop = request.stop.join(QStringLiteral(", "));
    d.seed = request.seed ? QString::number(*request.seed) : QString();
    d.jsonResponse = request.jsonResponse;
    return d;
}

QStringList PlaygroundDraft::variableNames(const QStringList& texts)
{
    static const QRegularExpression re(QStringLiteral("\\{\\{\\s*([^{}]+?)\\s*\\}\\}"));
    QStringList names;
    for (const QString& text : texts) {
        auto it = re.globalMatch(text);
        while (it.hasNext()) {
            const QString n = it.next().captured(1).trimmed();
            if (!names.contains(n))
                names << n;
        }
    }
    return names;
}

} // namespace isc
