#pragma once

#include "emulator/azurereply.h"
#include "emulator/trafficmodel.h"

#include <QHash>
#include <QMap>
#include <utility>

namespace isc::emu::detail {

/// Answers an Azure Monitor metrics query with parameters `q` (keys lower-case) from `traffic`
/// at wall clock `now` (s UTC): Azure's JSON, or its 400 for an invalid query. Minutes newer
/// than two minutes are missing and additive counts fill in over the next three, as on Azure.
/// A metric named in `failing` is answered with that error (code, message) and no values,
/// beside the good ones: Azure's 200 with a failed metric inside.
Reply answerMetrics(const TrafficModel& traffic, const QMap<QString, QString>& q, qint64 now,
                    const QHash<QString, std::pair<QString, QString>>& failing = {});

} // namespace isc::emu::detail
