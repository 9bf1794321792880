#include "testprometheus.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest/QTest>
#include <csignal>
#include <sys/prctl.h>

namespace isc::test {
namespace {

// A port free right now (Prometheus binds it a moment later; start() retries a lost race).
quint16 freeLoopbackPort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

} // namespace

struct TestPrometheus::Private
{
    QTemporaryDir dir;
    QProcess process;
    QNetworkAccessManager nam;
    QUrl url;
    QByteArray log;

    // GET `url`: the status (0 = no answer) and body, the event loop running meanwhile.
    std::pair<int, QByteArray> get(const QUrl& target, int timeoutMs = 10000)
    {
        QNetworkRequest req(target);
        req.setTransferTimeout(timeoutMs);
        QNetworkReply* reply = nam.get(req);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(timeoutMs + 1000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        return {status, body};
    }
    void stop()
    {
        if (process.state() == QProcess::NotRunning)
            return;
        process.terminate();
        if (!process.waitForFinished(15000)) {
            process.kill();
            process.waitForFinished(5000);
        }
        log += process.readAllStandardError();
    }
};

TestPrometheus::TestPrometheus() : d(std::make_unique<Private>())
{
    d->nam.setProxy(QNetworkProxy::NoProxy);
    d->process.setProcessChannelMode(QProcess::SeparateChannels);
    d->process.setStandardOutputFile(QProcess::nullDevice());
    // If the test process dies, its Prometheus goes with it.
    d->process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

TestPrometheus::~TestPrometheus()
{
    d->stop();
}

QString TestPrometheus::binary()
{
    const QString configured = qEnvironmentVariable("INFERSCOPE_PROMETHEUS");
    return configured.isEmpty() ? QStringLiteral("/usr/bin/prometheus") : configured;
}

bool TestPrometheus::start(const QString& target, QString* error, int timeoutMs)
{
    return start(QStringList{target}, error, timeoutMs);
}

bool TestPrometheus::start(const QStringList& targets, QString* error, int timeoutMs)
{
    if (!QFileInfo(binary()).isExecutable()) {
        *error = QStringLiteral("%1 is missing: install Debian's prometheus package (make test "
                                "does: apt-get install prometheus)")
                     .arg(binary());
        return false;
    }
    if (!d->dir.isValid()) {
        *error = QStringLiteral("no temporary directory: %1").arg(d->dir.errorString());
        return false;
    }
    QFile config(d->dir.filePath(QStringLiteral("prometheus.yml")));
    if (!config.open(QIODevice::WriteOnly)) {
        *error = config.errorString();
        return false;
    }
    config.write("global:\n"
                 "  scrape_interval: 1s\n"
                 "  scrape_timeout: 1s\n"
                 "scrape_configs:\n"
                 "  - job_name: inferscope\n"
                 "    metrics_path: /metrics\n"
                 "    static_configs:\n"
                 "      - targets: ['" +
                 targets.join(QStringLiteral("', '")).toUtf8() + "']\n");
    config.close();

    const QDeadlineTimer deadline(timeoutMs);
    for (int attempt = 0; attempt < 3; ++attempt) {
        const quint16 port = freeLoopbackPort();
        d->url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        d->process.start(binary(), {QStringLiteral("--config.file=") + config.fileName(),
                                    QStringLiteral("--storage.tsdb.path=") +
                                        d->dir.filePath(QStringLiteral("data")),
                                    QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
                                    QStringLiteral("--log.level=warn")});
        if (!d->process.waitForStarted(10000)) {
            *error = QStringLiteral("%1 did not start: %2").arg(binary(), d->process.errorString());
            return false;
        }
        while (!deadline.hasExpired() && d->process.state() == QProcess::Running) {
            if (d->get(d->url.resolved(QUrl(QStringLiteral("/-/ready"))), 2000).first == 200)
                return true;
            QTest::qWait(100);
        }
        d->stop();
        if (!d->log.contains("address already in use"))
            break; // not a lost race for the port
    }
    *error = QStringLiteral("Prometheus did not become ready: %1")
                 .arg(QString::fromUtf8(d->log.right(2000)));
    return false;
}

QUrl TestPrometheus::url() const
{
    return d->url;
}

std::optional<QJsonArray> TestPrometheus::query(const QString& promql, double time, QString* error)
{
    QUrl u = d->url.resolved(QUrl(QStringLiteral("/api/v1/query")));
    // Encoded by hand: QUrlQuery would leave a '+' that the server reads as a space.
    u.setQuery(QStringLiteral("query=%1&time=%2")
                   .arg(QString::fromLatin1(QUrl::toPercentEncoding(promql)),
                        QString::number(time, 'f', 3)));
    const auto [status, body] = d->get(u);
    const QJsonObject doc = QJsonDocument::fromJson(body).object();
    if (status != 200 ||
        doc.value(QStringLiteral("status")).toString() != QLatin1String("success")) {
        *error = QStringLiteral("PromQL %1 answered %2: %3")
                     .arg(promql)
                     .arg(status)
                     .arg(QString::fromUtf8(body.left(500)));
        return std::nullopt;
    }
    return doc.value(QStringLiteral("data")).toObject().value(QStringLiteral("result")).toArray();
}

std::optional<QJsonArray> TestPrometheus::waitForResult(const QString& promql, int timeoutMs,
                                                        QString* error)
{
    const QDeadlineTimer deadline(timeoutMs);
    std::optional<QJsonArray> last;
    do {
        last = query(promql, QDateTime::currentMSecsSinceEpoch() / 1000.0, error);
        if (last && !last->isEmpty())
            return last;
        QTest::qWait(200);
    } while (!deadline.hasExpired());
    if (last)
        *error = QStringLiteral("PromQL %1 stayed empty for %2 ms").arg(promql).arg(timeoutMs);
    return std::nullopt;
}

QByteArray TestPrometheus::log() const
{
    return d->log + d->process.readAllStandardError();
}

} // namespace isc::test
