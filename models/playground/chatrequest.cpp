#include "chatrequest.h"

#include <QRegularExpression>

namespace isc {
namespace {

bool parseBool(const QString& value, bool* out)
{
    const QString v = value.trimmed().toLower();
    if (v == QLatin1String("true") || v == QLatin1String("1") || v == QLatin1String("yes")) {
        *out = true;
        return true;
    }
    if (v == QLatin1String("false") || v == QLatin1String("0") || v == QLatin1String("no")) {
        *out = false;
        return true;
    }
    return false;
}

} // namespace

ChatRequest ChatRequest::fromPrompt(const QString& system, const QString& prompt)
{
    ChatRequest r;
    if (!system.isEmpty())
        r.messages.append({QStringLiteral("system"), system});
    r.messages.append({QStringLiteral("user"), prompt});
    return r;
}

QString ChatRequest::systemPrompt() const
{
    for (const ChatMessage& m : messages) {
        if (m.role == QLatin1String("system"))
            return m.content;
    }
    return {};
}

bool ChatRequest::setParam(const QString& key, const QString& value, QString* error)
{
    const QString k = key.trimmed().toLower();
    const auto fail = [&](const QString& expected) {
        if (error)
            *error = QStringLiteral("parameter %1: \"%2\" is not %3").arg(k, value, expected);
        return false;
    };
    bool ok = false;
    if (k == QLatin1String("temperature")) {
        const double v = value.toDouble(&ok);
        if (!ok || v < 0 || v > 2)
            return fail(QStringLiteral("a number between 0 and 2"));
        temperature = v;
        return true;
    }
    if (k == QLatin1String("top_p")) {
        // A probability mass: the APIs reject anything outside 0-1.
        const double v = value.toDouble(&ok);
        if (!ok || v < 0 || v > 1)
            return fail(QStringLiteral("a number between 0 and 1"));
        topP = v;
        return true;
    }
    if (k == QLatin1String("max_tokens")) {
        const int v = value.toInt(&ok);
        if (!ok || v <= 0)
            return fail(QStringLiteral("a positive integer"));
        maxTokens = v;
        return true;
    }
    if (k == QLatin1String("seed")) {
        const qint64 v = value.toLongLong(&ok);
        if (!ok)
            return fail(QStringLiteral("an integer"));
        seed = v;
        return true;
    }
    if (k == QLatin1String("stop")) {
        stop.append(value);
        return true;
    }
    if (k == QLatin1String("response_format")) {
        const QString v = value.trimmed().toLower();
        if (v != QLatin1String("json") && v != QLatin1String("json_object") &&
            v != QLatin1String("text"))
            return fail(QStringLiteral("json or text"));
        jsonResponse = v != QLatin1String("text");
        return true;
    }
    if (k == QLatin1String("stream"))
        return parseBool(value, &stream) || fail(QStringLiteral("true or false"));
    if (k == QLatin1String("include_usage"))
        return parseBool(value, &includeUsage) || fail(QStringLiteral("true or false"));
    if (error)
        *error = QStringLiteral("unknown parameter \"%1\" (known: temperature, top_p, max_tokens, "
                                "stop, seed, response_format, stream, include_usage)")
                     .arg(key);
    return false;
}

QString substituteVariables(const QString& text, const QHash<QString, QString>& vars,
                            QStringList* missing)
{
    static const QRegularExpression re(QStringLiteral("\\{\\{\\s*([^{}]*?)\\s*\\}\\}"));
    QString out;
    qsizetype last = 0;
    auto it = re.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(text).mid(last, m.capturedStart() - last);
        const QString name = m.captured(1);
        const auto found = vars.constFind(name);
        if (found != vars.constEnd()) {
            out += *found;
        } else {
            out += m.captured(0);
            if (missing && !missing->contains(name))
                missing->append(name);
        }
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

} // namespace isc
