#pragma once

#include "sources/pollingsource.h"

#include <QObject>
#include <functional>
#include <memory>

namespace isc {
class HttpClient;
}

namespace isc::ollama {

/// Polls one Ollama server (no /metrics): /api/ps for the loaded models and how much of each
/// sits in VRAM versus CPU memory, /api/tags for the installed ones, /api/version once. Stores
/// per model and minute ModelLoaded (1/0), ModelSizeBytes, ModelVramBytes and
/// ModelExpiresInSeconds (aggregation "average"). Nothing to backfill.
class OllamaSource : public PollingSource
{
    Q_OBJECT
public:
    OllamaSource(Connection connection, HttpClient* http, SecretProvider secret,
                 QObject* parent = nullptr);
    ~OllamaSource() override;

    /// The server's version from /api/version, empty until known.
    QString serverVersion() const;

    /// Shortest poll interval in seconds.
    static constexpr int minimumPollSeconds = 15;

protected:
    void runPoll() override;
    void cancelWork() override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc::ollama
