#include "ollamaparser.h"

#include "core/timerange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace isc::ollama {
namespace {

// Ollama writes Go's RFC 3339 with nanoseconds ("...:31.837530412-07:00"): keep milliseconds.
std::optional<qint64> parseGoTime(QString text)
{
    static const QRegularExpression fraction(QStringLiteral("(\\.\\d{3})\\d+"));
    text.replace(fraction, QStringLiteral("\\1"));
    return parseIsoUtc(text);
}

OllamaModelsResult parseModels(const QByteArray& body, const char* what, bool ps)
{
    OllamaModelsResult out;
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        out.error = QStringLiteral("Ollama's %1 answer is not JSON (%2)")
                        .arg(QLatin1String(what), pe.errorString());
        return out;
    }
    const QJsonObject root = doc.object();
    if (root.contains(QLatin1String("error"))) {
        out.error = QStringLiteral("Ollama: %1").arg(root.value(QLatin1String("error")).toString());
        return out;
    }
    const QJsonValue models = root.value(QLatin1String("models"));
    if (!models.isArray() && !models.isNull() && !models.isUndefined()) {
        out.error =
            QStringLiteral("Ollama's %1 answer has no \"models\" list").arg(QLatin1String(what));
        return out;
    }
    for (const QJsonValue& v : models.toArray()) {
        const QJsonObject o = v.toObject();
        OllamaModel m;
        m.name = o.value(QLatin1String("name")).toString();
        m.model = o.value(QLatin1String("model")).toString(m.name);
        if (m.name.isEmpty())
            m.name = m.model;
        if (m.name.isEmpty())
            continue;
        m.sizeBytes = static_cast<qint64>(o.value(QLatin1String("size")).toDouble());
        m.digest = o.value(QLatin1String("digest")).toString();
        if (ps) {
            m.sizeVramBytes = static_cast<qint64>(o.value(QLatin1String("size_vram")).toDouble());
            const auto at = parseGoTime(o.value(QLatin1String("expires_at")).toString());
            m.expiresAt = at ? *at : 0;
        }
        const QJsonObject details = o.value(QLatin1String("details")).toObject();
        m.family = details.value(QLatin1String("family")).toString();
        m.parameterSize = details.value(QLatin1String("parameter_size")).toString();
        m.quantizationLevel = details.value(QLatin1String("quantization_level")).toString();
        out.models.append(m);
    }
    out.ok = true;
    return out;
}

} // namespace

OllamaModelsResult parseOllamaPs(const QByteArray& body)
{
    return parseModels(body, "/api/ps", true);
}

OllamaModelsResult parseOllamaTags(const QByteArray& body)
{
    return parseModels(body, "/api/tags", false);
}

QString parseOllamaVersion(const QByteArray& body, QString* error)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString v = o.value(QLatin1String("version")).toString();
    if (v.isEmpty() && error)
        *error = QStringLiteral("Ollama's /api/version answer has no version");
    return v;
}

} // namespace isc::ollama
