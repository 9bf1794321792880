#pragma once

#include "emulator/azurereply.h"
#include "emulator/trafficmodel.h"

#include <QMap>

namespace isc::emu::detail {

/// Answers an Azure Monitor metrics query with parameters `q` (keys lower-case) from `traffic`
/// at wall clock `now` (s UTC): Azure's JSON, or its 400 for an invalid query. Minutes newer
/// than two minutes are missing and additive counts fill in over the next three, as on Azure.
Reply answerMetrics(const TrafficModel& traffic, const QMap<QString, QString>& q, qint64 now);

} // namespace isc::emu::detail
