#pragma once

#include "core/sourcehealth.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace isc {

/// The status-bar strip: one entry per source (state, last poll, last error in words) and a
/// backfill progress bar shown only while history is being fetched.
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

    /// The text shown for a source, for tests.
    QString entryText(const QString& source) const;

private:
    QHash<QString, SourceHealth> m_health;
    QHash<QString, QLabel*> m_labels;
    QProgressBar* m_progress;
};

} // namespace isc
