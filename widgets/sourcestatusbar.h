#pragma once

#include "core/sourcehealth.h"

#include <QHash>
#include <QStringList>
#include <QWidget>

class QLabel;
class QMenu;
class QProgressBar;
class QToolButton;

namespace isc {

/// The status-bar strip: a one-line summary of every source ("7 sources: 6 OK, 1 failing") whose
/// tooltip and popup list each source's state, last poll and last error; every failing source
/// spelled out in words beside it; a backfill progress bar shown only while history is fetched.
class SourceStatusBar : public QWidget
{
    Q_OBJECT
public:
    explicit SourceStatusBar(QWidget* parent = nullptr);

    /// Updates (or adds) the entry of `health.source`.
    void setHealth(const isc::SourceHealth& health);
    /// Removes every entry (the sources were replaced).
    void clear();
    /// Backfill progress in chunks; hidden when done >= total.
    void setBackfillProgress(int done, int total);

    /// The full text of a source ("Contoso East: polled 10:02:00, next 10:03:00"), for tests.
    QString entryText(const QString& source) const;
    /// The summary shown in the bar ("7 sources: 7 OK").
    QString summaryText() const;
    /// The full texts of the failing sources shown beside the summary (elided there when long).
    QStringList failingTexts() const;

private:
    void updateView();

    QStringList m_order; ///< connection ids, first seen first
    QHash<QString, SourceHealth> m_health;
    QHash<QString, QLabel*> m_failing;
    QToolButton* m_summary;
    QMenu* m_menu;
    QProgressBar* m_progress;
};

} // namespace isc
