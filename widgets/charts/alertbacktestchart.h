#pragma once

#include "alerts/alertbacktest.h"

#include <QTimeZone>
#include <QWidget>
#include <memory>

namespace isc {

/// Draws an alert rule's backtest: the value it compared per instance (the instances that fired
/// most first, at most kMaxLines), the threshold (dashed) and the line it resolves at (dotted),
/// and the periods it would have fired as shaded bands, over local time with the unit on the
/// value axis. QtCharts stays inside the .cpp.
class AlertBacktestChart : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kMaxLines = 8;

    explicit AlertBacktestChart(QWidget* parent = nullptr);
    ~AlertBacktestChart() override;

    /// Draws `result` under `title` (the rule in words); the value axis says "Compared value"
    /// with the rule's unit.
    void setResult(const AlertBacktestResult& result, const QTimeZone& zone,
                   const QString& title = {});
    /// Shown instead of the plot (e.g. "Backtesting…", or why it cannot be backtested).
    void setMessage(const QString& message);

    int lineCount() const;
    int bandCount() const;
    /// The value axis title ("Compared value (%)").
    QString valueAxisTitle() const;
    bool hasThreshold() const;
    QString message() const;

    QSize sizeHint() const override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
