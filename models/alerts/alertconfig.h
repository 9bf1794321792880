#pragma once

#include "alerts/alertrule.h"
#include "core/deployment.h"
#include "core/workspace.h"

#include <QJsonObject>
#include <QStringList>
#include <QVector>

namespace isc {

/// The `alerts` section of a workspace (docs/alerts-format.md):
/// {"builtins": true, "rules": [{"template": "ptu-utilization", "threshold": 85}, {custom}]}.
struct AlertConfig
{
    /// The applicable built-in templates are evaluated (each unless a rule overrides it).
    bool builtins = true;
    /// The rules read, valid ones only, in file order: template overrides (templateId set,
    /// the template's defaults under the fields written) and custom rules.
    QVector<AlertRule> rules;
    /// One sentence per bad field, each naming its path, e.g.
    /// `alerts.rules[2].for: "5x" is not a duration (use 30s, 5m, 1h)`. A rule with an error
    /// is not evaluated, and its error stays here for the UI and `collect` to show.
    QStringList errors;

    /// Reads Workspace::alerts (an empty object: the defaults). Never fails as a whole.
    static AlertConfig fromJson(const QJsonObject& alerts);
    /// The section as written (fromJson() reads it back equal, errors aside).
    QJsonObject toJson() const;

    /// What collection evaluates: the applicable built-ins (applicableBuiltinRules()), each
    /// replaced by the rule overriding it (which keeps the built-in's connections and
    /// deployments unless it names its own), then the other rules. Disabled rules included.
    QVector<AlertRule> effectiveRules(const Workspace& workspace,
                                      const Deployments& inventory) const;
};

} // namespace isc
