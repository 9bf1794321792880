#pragma once

#include <QString>

// Internal: the identity of the emulated Azure OpenAI account, shared by every endpoint.
namespace isc::emu::detail {

/// Subscription the demo account lives in.
inline QString demoSubscription()
{
    return QStringLiteral("00000000-0000-0000-0000-00000000demo");
}

/// Region of the demo account (also its metrics' "Region" dimension value).
inline QString demoRegion()
{
    return QStringLiteral("swedencentral");
}

/// ARM resource type of the account, also the metric namespace.
inline QString accountNamespace()
{
    return QStringLiteral("Microsoft.CognitiveServices/accounts");
}

/// ARM resource id of the demo account.
inline QString demoAccountResourceId()
{
    return QStringLiteral("/subscriptions/") + demoSubscription() +
           QStringLiteral("/resourceGroups/rg-inferscope-demo/providers/"
                          "Microsoft.CognitiveServices/accounts/contoso-aoai");
}

} // namespace isc::emu::detail
