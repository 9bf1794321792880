#include "net/azclitokenprovider.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QTimer>

namespace isc {

struct AzCliTokenProvider::Private
{
    QString tenantId;
    QString resource;
    int timeoutMs = kTimeoutMs;
    QPointer<QProcess> process;
};

AzCliTokenProvider::AzCliTokenProvider(QString tenantId, QObject* parent)
    : TokenProvider(parent), d(std::make_unique<Private>())
{
    d->tenantId = std::move(tenantId);
}

AzCliTokenProvider::AzCliTokenProvider(QString tenantId, QString resource, QObject* parent)
    : AzCliTokenProvider(std::move(tenantId), parent)
{
    d->resource = std::move(resource);
}

AzCliTokenProvider::~AzCliTokenProvider()
{
    if (d->process) {
        d->process->disconnect(this);
        d->process->kill();
        d->process->waitForFinished(1000);
    }
}

QStringList AzCliTokenProvider::arguments() const
{
    QStringList args{QStringLiteral("account"), QStringLiteral("get-access-token"),
                     QStringLiteral("--output"), QStringLiteral("json")};
    if (!d->tenantId.isEmpty())
        args << QStringLiteral("--tenant") << d->tenantId;
    if (!d->resource.isEmpty())
        args << QStringLiteral("--resource") << d->resource;
    return args;
}

void AzCliTokenProvider::setTimeoutMs(int ms)
{
    d->timeoutMs = ms;
}

std::optional<AccessToken> AzCliTokenProvider::parseOutput(const QByteArray& json, QString* error)
{
    const auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return fail(QStringLiteral("az printed something that is not a token (expected JSON)"));
    const QJsonObject o = doc.object();
    const QString token = o.value(QLatin1String("accessToken")).toString();
    if (token.isEmpty())
        return fail(QStringLiteral("az printed no accessToken"));
    qint64 expires = 0;
    const QJsonValue epoch = o.value(QLatin1String("expires_on"));
    if (epoch.isDouble())
        expires = static_cast<qint64>(epoch.toDouble());
    else if (epoch.isString())
        expires = epoch.toString().toLongLong();
    if (expires <= 0) {
        // Older CLIs: local time without a zone, with microseconds.
        QString local = o.value(QLatin1String("expiresOn")).toString().trimmed();
        local = local.section(QLatin1Char('.'), 0, 0);
        QDateTime at = QDateTime::fromString(local, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        if (!at.isValid())
            at = QDateTime::fromString(local, Qt::ISODate);
        if (at.isValid()) {
            at.setTimeSpec(Qt::LocalTime);
            expires = at.toSecsSinceEpoch();
        }
    }
    if (expires <= 0)
        return fail(QStringLiteral("az printed no readable expiry (expires_on / expiresOn)"));
    return AccessToken{token, expires};
}

QString AzCliTokenProvider::describeFailure(int exitCode, const QByteArray& stderrText)
{
    const QString text = QString::fromLocal8Bit(stderrText).trimmed();
    const QString lower = text.toLower();
    if (lower.contains(QLatin1String("az login")) || lower.contains(QLatin1String("not logged in")))
        return QStringLiteral("az login needed: run `az login` in a terminal, then try again");
    QString first = text.section(QLatin1Char('\n'), 0, 0).trimmed();
    if (first.startsWith(QLatin1String("ERROR:")))
        first = first.mid(6).trimmed();
    if (first.size() > 300)
        first = first.left(299) + QChar(0x2026);
    return first.isEmpty()
               ? QStringLiteral("az account get-access-token failed (exit code %1)").arg(exitCode)
               : QStringLiteral("az account get-access-token failed: %1").arg(first);
}

void AzCliTokenProvider::startFetch()
{
    auto* process = new QProcess(this);
    d->process = process;
    // No shell: the program and the arguments are passed as they are.
    process->setProgram(QStringLiteral("az"));
    process->setArguments(arguments());
    process->setProcessChannelMode(QProcess::SeparateChannels);
    auto* timer = new QTimer(process);
    timer->setSingleShot(true);
    auto finished = std::make_shared<bool>(false);
    const auto end = [this, process, finished](const AccessToken& token, const QString& error) {
        if (*finished)
            return;
        *finished = true;
        process->disconnect(this);
        process->deleteLater();
        finishFetch(token, error);
    };
    connect(timer, &QTimer::timeout, this, [this, process, end] {
        process->kill();
        end({}, QStringLiteral("az did not answer within %1 s; is it waiting for a login prompt? "
                               "Run `az login` in a terminal")
                    .arg(d->timeoutMs / 1000.0, 0, 'g', 3));
    });
    connect(process, &QProcess::errorOccurred, this, [end](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            end({}, QStringLiteral("az is not installed (the Azure CLI was not found on PATH); "
                                   "install it or use another sign-in method"));
    });
    connect(process, &QProcess::finished, this,
            [process, end](int exitCode, QProcess::ExitStatus status) {
                const QByteArray out = process->readAllStandardOutput();
                const QByteArray err = process->readAllStandardError();
                if (status != QProcess::NormalExit || exitCode != 0) {
                    end({}, describeFailure(exitCode, err));
                    return;
                }
                QString why;
                if (auto token = parseOutput(out, &why))
                    end(*token, QString());
                else
                    end({}, why);
            });
    timer->start(d->timeoutMs);
    process->start(QIODevice::ReadOnly);
}

} // namespace isc
