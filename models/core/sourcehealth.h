#pragma once

#include <QMetaType>
#include <QString>

namespace isc {

/// How one source is doing, for the status bar and the Connections page.
struct SourceHealth
{
    /// Standby: another collector writes this source into the shared database.
    enum class State { Idle, Connecting, Backfilling, Polling, Failing, Standby };

    QString source;      ///< connection id
    QString displayName; ///< what the user calls it
    State state = State::Idle;
    qint64 lastSuccess = 0;       ///< seconds UTC of the last good poll, 0 = never
    qint64 lastAttempt = 0;       ///< seconds UTC
    qint64 nextPoll = 0;          ///< seconds UTC
    QString lastError;            ///< in words, empty when the last poll succeeded
    int backfillDone = 0;         ///< chunks done
    int backfillTotal = 0;        ///< chunks planned, 0 when not backfilling
    qint64 latencyMs = -1;        ///< response time of the last answered request, -1 = none yet
    QString warning;              ///< a standing problem that does not stop polling, in words
    QString collectedBy;          ///< Standby: the collector writing it, "HOST (pid N)"
    qint64 collectorLastPoll = 0; ///< Standby: when that collector's last poll landed, s UTC
    qint64 throttledUntil =
        0; ///< seconds UTC: the server asked for no request before then; 0 = none
};

/// A short word for the state, for labels ("polling", "failing", ...).
QString stateName(SourceHealth::State state);

} // namespace isc

Q_DECLARE_METATYPE(isc::SourceHealth)
