#pragma once

#include "reports/kpifigure.h"

#include <QFrame>

class QLabel;
class QModelIndex;

namespace isc {

/// One headline number: a title, the value with its unit, and the change against the
/// previous window. Fill it from a KpiModel row with setFromIndex(), or with the setters.
class KpiTile : public QFrame
{
    Q_OBJECT
public:
    /// How the value should read at a glance (a coloured accent; the words carry the meaning).
    enum class Status { Normal, Warning, Critical, NoData };
    Q_ENUM(Status)

    explicit KpiTile(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    QString title() const;
    /// The value with its unit, e.g. "1.25k tokens/min".
    void setValueText(const QString& text);
    QString valueText() const;
    /// "+12 % vs previous hour"; `sentiment` +1 good, -1 bad, 0 neutral.
    void setTrend(const QString& text, int sentiment);
    QString trendText() const;
    int trendSentiment() const { return m_sentiment; }
    /// What the value covers, shown as tooltip.
    void setDetail(const QString& detail);
    void setStatus(Status status);
    Status status() const { return m_status; }

    /// Shows a report's figure: title, value, trend, status and detail.
    void setFigure(const KpiFigure& figure);

    /// Reads the KpiModel roles of `index` (title, text, trend, sentiment, status, detail).
    void setFromIndex(const QModelIndex& index);

    QSize sizeHint() const override;

private:
    void updateStyle();
    void updateAccessibility();

    QLabel* m_title = nullptr;
    QLabel* m_value = nullptr;
    QLabel* m_trend = nullptr;
    int m_sentiment = 0;
    Status m_status = Status::NoData;
};

} // namespace isc
