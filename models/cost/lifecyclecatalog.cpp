#include "cost/lifecyclecatalog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace isc {
namespace detail {
// Generated at configure time from resources/lifecycle/models.json (builtinlifecycle.cpp.in).
extern const unsigned char kBuiltinLifecycle[];
extern const int kBuiltinLifecycleSize;
} // namespace detail

namespace {

bool parseDate(const QJsonObject& o, const char* key, QDate* out, QString* error)
{
    const QString text = o.value(QLatin1String(key)).toString();
    if (text.isEmpty())
        return true;
    *out = QDate::fromString(text, Qt::ISODate);
    if (!out->isValid()) {
        *error = QStringLiteral("lifecycle catalog: \"%1\" of %2 %3 is not a date (YYYY-MM-DD)")
                     .arg(QLatin1String(key), o.value(QLatin1String("model")).toString(),
                          o.value(QLatin1String("version")).toString());
        return false;
    }
    return true;
}

} // namespace

std::optional<LifecycleCatalog> LifecycleCatalog::fromJson(const QByteArray& json, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("lifecycle catalog: not a JSON object (%1)").arg(pe.errorString());
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("schema")).toInt() != 1) {
        *error = QStringLiteral("lifecycle catalog: unknown schema (expected 1)");
        return std::nullopt;
    }
    LifecycleCatalog c;
    c.m_asOf = root.value(QLatin1String("asOf")).toString();
    const QJsonArray entries = root.value(QLatin1String("entries")).toArray();
    for (const QJsonValue& v : entries) {
        const QJsonObject o = v.toObject();
        ModelLifecycle e;
        e.provider = o.value(QLatin1String("provider")).toString();
        e.model = o.value(QLatin1String("model")).toString();
        e.version = o.value(QLatin1String("version")).toString();
        if (e.provider.isEmpty() || e.model.isEmpty()) {
            *error = QStringLiteral("lifecycle catalog: an entry lacks provider or model");
            return std::nullopt;
        }
        e.status = o.value(QLatin1String("status")).toString();
        if (!parseDate(o, "deprecation", &e.deprecation, error) ||
            !parseDate(o, "retirement", &e.retirement, error))
            return std::nullopt;
        e.replacement = o.value(QLatin1String("replacement")).toString();
        e.source = o.value(QLatin1String("source")).toString();
        e.asOf = o.value(QLatin1String("asOf")).toString();
        e.confirmed = o.value(QLatin1String("confirmed")).toBool();
        e.note = o.value(QLatin1String("note")).toString();
        c.m_entries.append(e);
    }
    return c;
}

LifecycleCatalog LifecycleCatalog::builtin()
{
    static const LifecycleCatalog catalog = [] {
        QString error;
        const QByteArray bytes =
            QByteArray::fromRawData(reinterpret_cast<const char*>(detail::kBuiltinLifecycle),
                                    detail::kBuiltinLifecycleSize);
        const auto c = fromJson(bytes, &error);
        Q_ASSERT_X(c.has_value(), "LifecycleCatalog::builtin", qPrintable(error));
        return c.value_or(LifecycleCatalog{});
    }();
    return catalog;
}

std::optional<ModelLifecycle> LifecycleCatalog::lookup(const QString& provider,
                                                       const QString& model,
                                                       const QString& version) const
{
    for (const ModelLifecycle& e : m_entries) {
        if (e.provider.compare(provider, Qt::CaseInsensitive) == 0 &&
            e.model.compare(model, Qt::CaseInsensitive) == 0 && e.version == version)
            return e;
    }
    return std::nullopt;
}

LifecycleAssessment LifecycleCatalog::assess(const Deployment& deployment, const QDate& today,
                                             int warnDays) const
{
    LifecycleAssessment a;
    a.entry = lookup(QStringLiteral("azure-openai"), deployment.model, deployment.version);
    if (!a.entry) {
        a.text = QStringLiteral("Not in the lifecycle catalog: check Microsoft's retirement "
                                "table for %1 %2.")
                     .arg(deployment.model, deployment.version);
        return a;
    }
    if (!a.entry->retirement.isValid()) {
        a.level = LifecycleAssessment::Level::Ok;
        a.text = QStringLiteral("No retirement date announced.");
        return a;
    }
    const QString date = a.entry->retirement.toString(Qt::ISODate);
    a.daysLeft = today.daysTo(a.entry->retirement);
    const QString unconfirmed =
        a.entry->confirmed ? QString() : QStringLiteral(" (date not confirmed as current)");
    if (a.daysLeft <= 0) {
        a.level = LifecycleAssessment::Level::Retired;
        a.text = QStringLiteral("Past its retirement date %1%2: migrate to %3.")
                     .arg(date, unconfirmed,
                          a.entry->replacement.isEmpty() ? QStringLiteral("a newer version")
                                                         : a.entry->replacement);
    } else if (a.daysLeft <= warnDays) {
        a.level = LifecycleAssessment::Level::Soon;
        a.text = QStringLiteral("Retires in %1 day%2 (%3)%4.")
                     .arg(a.daysLeft)
                     .arg(a.daysLeft == 1 ? QString() : QStringLiteral("s"), date, unconfirmed);
    } else {
        a.level = LifecycleAssessment::Level::Ok;
        a.text = QStringLiteral("Retires %1%2.").arg(date, unconfirmed);
    }
    return a;
}

} // namespace isc
