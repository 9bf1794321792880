#pragma once

#include <QByteArray>
#include <QString>
#include <QVector>

namespace isc::ollama {

/// One model of /api/ps (loaded) or /api/tags (installed). Pure data.
struct OllamaModel
{
    QString name;             ///< e.g. "llama3.2:3b"
    QString model;            ///< usually equal to name
    qint64 sizeBytes = 0;     ///< ps: memory the loaded model takes; tags: file size
    qint64 sizeVramBytes = 0; ///< ps only: the part in GPU memory (the rest runs on the CPU)
    qint64 expiresAt = 0;     ///< ps only: when it unloads, s UTC (0 when not given)
    QString digest;
    QString family;            ///< details.family, e.g. "llama"
    QString parameterSize;     ///< details.parameter_size, e.g. "3.2B"
    QString quantizationLevel; ///< details.quantization_level, e.g. "Q4_K_M"
};

/// The outcome of parsing /api/ps or /api/tags. Pure data.
struct OllamaModelsResult
{
    bool ok = false;
    QString error; ///< in words when !ok
    QVector<OllamaModel> models;
};

/// Parses `GET /api/ps`: {models:[{name, model, size, size_vram, expires_at, details}]}.
OllamaModelsResult parseOllamaPs(const QByteArray& body);
/// Parses `GET /api/tags`: {models:[{name, model, modified_at, size, digest, details}]}.
OllamaModelsResult parseOllamaTags(const QByteArray& body);
/// Parses `GET /api/version` ({version}); an empty string with `error` set when malformed.
QString parseOllamaVersion(const QByteArray& body, QString* error = nullptr);

} // namespace isc::ollama
