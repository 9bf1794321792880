#pragma once

#include "core/metricselector.h"
#include "localservermetrics.h"
#include "prometheusparser.h"

#include <QVector>

namespace isc::prometheus {

/// At most this many stored series per selector and scrape; the others are ignored, with a note.
constexpr int maxSeriesPerSelector = 200;

/// Adds to `out` what `selectors` pick from `scrape` (a generic "prometheus" connection):
/// counters and histograms per raw series (so resets are seen per series) and gauges summed,
/// each stored under the selector's storedName() with the labels its `by` keeps (no model).
/// Implausible samples are refused in `out`; selectors that matched nothing, or more series
/// than maxSeriesPerSelector, are noted. Returns the number of series picked.
int extractSelected(const ExpositionParseResult& scrape, const QVector<MetricSelector>& selectors,
                    LocalScrape* out);

} // namespace isc::prometheus
