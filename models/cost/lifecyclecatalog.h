#pragma once

#include "core/deployment.h"

#include <QByteArray>
#include <QDate>
#include <QString>
#include <QVector>
#include <optional>

namespace isc {

/// The lifecycle of one model version (resources/lifecycle/models.json).
struct ModelLifecycle
{
    QString provider;    ///< connection kind, "azure-openai"
    QString model;       ///< e.g. "gpt-4o"
    QString version;     ///< e.g. "2024-11-20"
    QString status;      ///< e.g. "Generally Available", "Preview"
    QDate deprecation;   ///< no new customers from this UTC day; invalid = not announced
    QDate retirement;    ///< deployments stop answering on this UTC day; invalid = not announced
    QString replacement; ///< suggested replacement model, may be empty
    QString source;      ///< URL the dates were read from
    QString asOf;        ///< revision of the source that was read, "YYYY-MM-DD"
    bool confirmed = false;
    QString note;
};

/// How close a deployment is to its model's retirement.
struct LifecycleAssessment
{
    enum class Level {
        Unknown, ///< the catalog does not know this model version
        Ok,      ///< more than the warning window left
        Soon,    ///< within the warning window (60 days by default)
        Retired, ///< past the retirement date
    };
    Level level = Level::Unknown;
    std::optional<ModelLifecycle> entry;
    qint64 daysLeft = 0; ///< UTC days from today to the retirement day (negative when past)
    QString text;        ///< one sentence for the table, e.g. "Retires in 42 days (2026-06-05)."
};

/// Retirement dates of model versions, with sources. Pure; cheap to copy.
class LifecycleCatalog
{
public:
    /// Parses the JSON (see resources/lifecycle/README.md); nullopt and `error` on failure.
    static std::optional<LifecycleCatalog> fromJson(const QByteArray& json, QString* error);
    /// The catalog compiled into the binary (a copy of resources/lifecycle/models.json).
    static LifecycleCatalog builtin();

    /// The entry of provider/model/version, nullopt when unknown.
    std::optional<ModelLifecycle> lookup(const QString& provider, const QString& model,
                                         const QString& version) const;

    /// How `deployment` stands on `today` (a UTC date); `warnDays` is the warning window.
    LifecycleAssessment assess(const Deployment& deployment, const QDate& today,
                               int warnDays = kWarnDays) const;

    const QVector<ModelLifecycle>& entries() const { return m_entries; }
    QString asOf() const { return m_asOf; }

    /// Azure notifies 60 days ahead; Inferscope warns from the same day.
    static constexpr int kWarnDays = 60;

private:
    QVector<ModelLifecycle> m_entries;
    QString m_asOf;
};

} // namespace isc
