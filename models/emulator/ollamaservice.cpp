#include "ollamaservice.h"

#include "core/timerange.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace isc::emu {
namespace {

const QString kOllamaPrefix = QStringLiteral("/local/ollama/");

struct OllamaDemoModel
{
    const char* name;
    const char* digest;
    qint64 fileSize;   ///< /api/tags size
    qint64 loadedSize; ///< /api/ps size (weights + context)
    qint64 loadedVram; ///< /api/ps size_vram
    const char* family;
    const char* parameterSize;
    const char* quantization;
};

const OllamaDemoModel kModels[] = {
    {"llama3.2:3b", "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72", 2019393189,
     4009755648, 3221225472, "llama", "3.2B", "Q4_K_M"},
    {"nomic-embed-text:latest", "0a109f422b47e3a30ba2b10eca18548e944e8a23073ee3f3e947efcf3c45e59f",
     274302450, 849346560, 849346560, "nomic-bert", "137M", "F16"},
    {"qwen2.5-coder:7b", "2b0496514337a3d5901f1d253d01726c890b721e891335a56d6e08cedf3e2cb0",
     4683087332, 0, 0, "qwen2", "7.6B", "Q4_K_M"},
};

// Go's RFC 3339 with nanoseconds, as Ollama writes it.
QString goTime(qint64 t)
{
    return QDateTime::fromSecsSinceEpoch(t, Qt::UTC)
               .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) +
           QStringLiteral(".000000000Z");
}

QJsonObject details(const OllamaDemoModel& m)
{
    return QJsonObject{{QStringLiteral("parent_model"), QString()},
                       {QStringLiteral("format"), QStringLiteral("gguf")},
                       {QStringLiteral("family"), QLatin1String(m.family)},
                       {QStringLiteral("families"), QJsonArray{QLatin1String(m.family)}},
                       {QStringLiteral("parameter_size"), QLatin1String(m.parameterSize)},
                       {QStringLiteral("quantization_level"), QLatin1String(m.quantization)}};
}

} // namespace

OllamaService::OllamaService(const TrafficModel& traffic) : m_seed(traffic.seed()) {}

bool OllamaService::accepts(const HttpServerRequest& req) const
{
    return req.path().startsWith(kOllamaPrefix);
}

bool OllamaService::chatModelLoadedAt(qint64 t)
{
    return TrafficModel::demandEnvelope(floorTo(t, 60), false) > chatLoadThreshold;
}

QByteArray OllamaService::psJson(qint64 t) const
{
    const qint64 minute = floorTo(t, 60);
    QJsonArray models;
    for (const auto& m : kModels) {
        if (m.loadedSize == 0)
            continue;
        const bool chat = QLatin1String(m.name) == QLatin1String("llama3.2:3b");
        if (chat && !chatModelLoadedAt(t))
            continue;
        // The chat model is used every minute it is loaded; the embedder every 10 minutes.
        const qint64 lastUse =
            chat ? minute : floorTo(t, 600) + static_cast<qint64>(m_seed % 7) * 10;
        models.append(QJsonObject{
            {QStringLiteral("name"), QLatin1String(m.name)},
            {QStringLiteral("model"), QLatin1String(m.name)},
            {QStringLiteral("size"), m.loadedSize},
            {QStringLiteral("digest"), QLatin1String(m.digest)},
            {QStringLiteral("details"), details(m)},
            {QStringLiteral("expires_at"), goTime(lastUse + keepAliveSeconds + (chat ? 0 : 600))},
            {QStringLiteral("size_vram"), m.loadedVram},
        });
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("models"), models}})
        .toJson(QJsonDocument::Compact);
}

QByteArray OllamaService::tagsJson() const
{
    QJsonArray models;
    for (const auto& m : kModels) {
        models.append(QJsonObject{
            {QStringLiteral("name"), QLatin1String(m.name)},
            {QStringLiteral("model"), QLatin1String(m.name)},
            {QStringLiteral("modified_at"), QStringLiteral("2025-01-14T09:12:44.518532419Z")},
            {QStringLiteral("size"), m.fileSize},
            {QStringLiteral("digest"), QLatin1String(m.digest)},
            {QStringLiteral("details"), details(m)}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("models"), models}})
        .toJson(QJsonDocument::Compact);
}

void OllamaService::serve(const HttpServerRequest& req, HttpServerResponder& r,
                          const ServiceContext& ctx)
{
    const QString path = req.path();
    if (path == kOllamaPrefix + QLatin1String("api/ps") && req.method == "GET")
        r.respondJson(200, psJson(ctx.nowUtc));
    else if (path == kOllamaPrefix + QLatin1String("api/tags") && req.method == "GET")
        r.respondJson(200, tagsJson());
    else if (path == kOllamaPrefix + QLatin1String("api/version") && req.method == "GET")
        r.respondJson(200, QByteArray("{\"version\":\"") + version + "\"}");
    else
        r.respond(404, {{"Content-Type", "text/plain; charset=utf-8"}}, "404 page not found");
}

} // namespace isc::emu
