#pragma once

#include "core/sourcehealth.h"
#include "core/timerange.h"
#include "core/workspace.h"

#include <QVector>
#include <QWidget>
#include <functional>
#include <memory>

namespace isc {

class ChartModel;
class CostTableModel;
class KpiTile;
class SampleStore;
class TimeRangePicker;
class TimeSeriesChart;
struct LocalServersReport;

/// The Local servers page: per vLLM, llama.cpp, TGI and Ollama server whether it answers (since
/// when, and the last error), running and waiting requests, KV-cache use, preemptions and
/// tokens/s (or why a figure is missing), the models served or loaded with their VRAM
/// (Ollama), and charts of running/waiting requests, KV cache and tokens/s over the range.
class LocalServersPage : public QWidget
{
    Q_OBJECT
public:
    LocalServersPage(SampleStore* store, Workspace workspace, QWidget* parent = nullptr);
    ~LocalServersPage() override;

    /// Follows an edited workspace (its local connections); refreshes.
    void setWorkspace(const Workspace& workspace);
    /// The newest health of a source (the collector's healthChanged); other kinds are ignored.
    void setHealth(const SourceHealth& health);
    /// Forgets every health (the collector was replaced).
    void clearHealth();

    void setTimeRange(TimeRange range);
    TimeRange timeRange() const;
    /// Replaces the clock (s UTC) that "now" and "since" are worded against, for tests.
    void setClock(std::function<qint64()> nowUtc);

    bool isLoaded() const;
    /// The report shown (empty before the first load).
    const LocalServersReport& report() const;

    // The parts, for tests and the screenshot command.
    TimeRangePicker* rangePicker() const;
    CostTableModel* serversModel() const;
    CostTableModel* modelsModel() const;
    QVector<KpiTile*> tiles() const;
    /// Running/waiting requests, KV cache, output tokens/s.
    QVector<TimeSeriesChart*> charts() const;
    QVector<ChartModel*> chartModels() const;
    /// The banner naming the servers that are down, empty when hidden.
    QString bannerText() const;
    QString noteText() const;

public slots:
    /// Re-reads the store (coalesced); loaded() follows when the result landed.
    void refresh();

signals:
    /// A report landed (every refresh).
    void loaded();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
