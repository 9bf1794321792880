#pragma once

#include "store/runrecord.h"

class QTreeWidgetItem;

namespace isc {

/// One row of the Playground's run history (star, time, target, model, TTFT, total, tokens,
/// cost, answer or error); the run's id in column 0's Qt::UserRole.
QTreeWidgetItem* runHistoryItem(const StoredRun& run);

} // namespace isc
