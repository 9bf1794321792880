#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <memory>
#include <optional>

namespace isc::test {

/// A real Prometheus server of the test's own (Debian's /usr/bin/prometheus, never its system
/// service): a temporary config and TSDB, a free loopback port, scraping one target every
/// second. Stopped (SIGTERM, then SIGKILL) and its files removed when destroyed, so a failed
/// test leaves nothing behind; it also dies with the test process.
class TestPrometheus
{
public:
    TestPrometheus();
    ~TestPrometheus();
    TestPrometheus(const TestPrometheus&) = delete;
    TestPrometheus& operator=(const TestPrometheus&) = delete;

    /// The binary: $INFERSCOPE_PROMETHEUS, else /usr/bin/prometheus.
    static QString binary();

    /// Starts scraping `target` ("127.0.0.1:PORT", path /metrics) every second and waits until
    /// the server is ready. False with `error` in words (missing binary, failed start, ...).
    bool start(const QString& target, QString* error, int timeoutMs = 60000);
    /// The same with several targets in the one job (each an `instance` label).
    bool start(const QStringList& targets, QString* error, int timeoutMs = 60000);
    /// "http://127.0.0.1:PORT" of the server's API.
    QUrl url() const;

    /// An instant PromQL query at `time` (Unix seconds): its result vector, or nullopt with
    /// `error` (the API's own error, or the transport's).
    std::optional<QJsonArray> query(const QString& promql, double time, QString* error);
    /// Repeats query() at the current time, the event loop running, until the vector is not
    /// empty or `timeoutMs` passed.
    std::optional<QJsonArray> waitForResult(const QString& promql, int timeoutMs, QString* error);

    /// What the server wrote to stderr so far (for failure messages).
    QByteArray log() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc::test
