#pragma once

#include "net/tokenprovider.h"

#include <QByteArray>
#include <QStringList>
#include <optional>

namespace isc {

/// Reuses the Azure CLI login: runs `az account get-access-token --output json` (a fixed
/// program and argument list, no shell) with a 13 s limit. Tokens stay in memory.
class AzCliTokenProvider : public TokenProvider
{
    Q_OBJECT
public:
    /// `tenantId` (optional) is passed as `--tenant`; `resource` (optional, e.g.
    /// azureResource() of the management endpoint) as `--resource`.
    explicit AzCliTokenProvider(QString tenantId = {}, QObject* parent = nullptr);
    AzCliTokenProvider(QString tenantId, QString resource, QObject* parent = nullptr);
    ~AzCliTokenProvider() override;

    /// How long one `az` run may take before it is killed, in ms.
    static constexpr int kTimeoutMs = 13000;

    /// The arguments given to `az` (fixed; the tenant is one separate argument).
    QStringList arguments() const;

    /// Reads `az account get-access-token --output json`: `accessToken` and `expires_on` (epoch
    /// seconds, newer CLIs) or `expiresOn` (local time "2026-09-01 12:34:56.000000").
    static std::optional<AccessToken> parseOutput(const QByteArray& json, QString* error);

    /// Words for a failed run from its stderr: "az login needed" when the CLI says so.
    static QString describeFailure(int exitCode, const QByteArray& stderrText);

    /// Overrides the timeout, for tests (ms).
    void setTimeoutMs(int ms);

protected:
    void startFetch() override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
