#pragma once

#include "routing/replayengine.h"

#include <QWidget>

namespace isc {

/// A Sankey-style picture of a window's requests: demand on the left, split into route classes,
/// then into deployments; spillover drawn as a separate orange band from a provisioned
/// deployment to the one that served its overflow. Band widths are proportional to requests.
class RouteFlowDiagram : public QWidget
{
    Q_OBJECT
public:
    explicit RouteFlowDiagram(QWidget* parent = nullptr);

    void setSummary(const ReplaySummary& summary);
    void clear(const QString& message);

    /// Nodes drawn per column (demand, routes, deployments), for tests.
    int routeNodeCount() const;
    int deploymentNodeCount() const;
    int spilloverBandCount() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    ReplaySummary m_summary;
    bool m_hasData = false;
    QString m_message;
};

} // namespace isc
