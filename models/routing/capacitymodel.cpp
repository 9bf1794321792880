#include "routing/capacitymodel.h"

namespace isc {

CapacityModel::CapacityModel(int ptus, PtuSizing sizing) : m_ptus(ptus), m_sizing(sizing) {}

double CapacityModel::utilizationPct(double promptTokens, double outputTokens) const
{
    const double capacity = capacityPerMinute();
    if (capacity <= 0)
        return promptTokens + outputTokens > 0 ? 1e9 : 0;
    return 100.0 * weightedTokens(promptTokens, outputTokens) / capacity;
}

CapacityModel::Minute CapacityModel::apply(double requests, double promptTokens,
                                           double outputTokens) const
{
    Minute m;
    m.utilizationPct = utilizationPct(promptTokens, outputTokens);
    m.overShare = m.utilizationPct > 100.0 ? (m.utilizationPct - 100.0) / m.utilizationPct : 0.0;
    m.rejectedRequests = requests * m.overShare;
    m.servedRequests = requests - m.rejectedRequests;
    return m;
}

} // namespace isc
