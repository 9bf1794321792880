#pragma once

#include "alerts/alertrule.h"
#include "core/deployment.h"
#include "core/workspace.h"

#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace isc {

/// A built-in rule with sensible defaults the user can change (workspace `alerts.rules`
/// entries naming it as "template"), and what a workspace needs for it to apply.
struct AlertTemplate
{
    AlertRule rule;               ///< the defaults; rule.templateId == rule.id
    QString description;          ///< one or two sentences for the rule editor
    QStringList kinds;            ///< connection kinds it reads; empty = every polled kind
    bool provisionedOnly = false; ///< only for provisioned (PTU) deployments of the inventory
    bool spilloverOnly = false;   ///< only where a deployment spills over to another
    bool needsBudget = false;     ///< only with a monthly budget (Workspace::budget monthlyUsd)
};

/// Every built-in template, in the order the rule editor lists them: PTU utilization, 429
/// share, spillover share, TTFT and TTLT (Azure's average, local servers' p95), spend today and
/// forecast against the budget, stale source, quota use, retirement, local queue and KV cache.
const QVector<AlertTemplate>& builtinAlertTemplates();

/// The template called `id`, nullopt when none.
std::optional<AlertTemplate> builtinAlertTemplate(const QString& id);

/// The built-in rules that apply to `workspace` with its stored `inventory`: each template
/// whose connection kinds the workspace has, restricted to those connections (and, for the PTU
/// template, to the provisioned deployments). Templates that read nothing here are left out.
QVector<AlertRule> applicableBuiltinRules(const Workspace& workspace, const Deployments& inventory);

} // namespace isc
