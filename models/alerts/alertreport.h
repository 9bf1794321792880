#pragma once

#include "alerts/alertbacktest.h"
#include "alerts/alertoutputs.h"
#include "alerts/alertrule.h"
#include "alerts/alerttypes.h"
#include "core/timerange.h"

#include <QStringList>
#include <QTimeZone>
#include <QVector>

namespace isc {

/// What the Alerts page shows, as words and numbers a test can read without widgets: the
/// alerts pending and firing now, the history with durations, the silences and the rules with
/// the workspace's rule errors. Built from AlertService's state by build().
struct AlertReport
{
    struct NowRow
    {
        QString ruleId;
        QString instance; ///< canonical instance labels (the key for acknowledge/silence)
        QList<Label> labels;
        bool firing = false;
        QString state;     ///< "Firing" / "Pending"
        QString rule;      ///< the rule's name
        QString target;    ///< "gpt-4o-ptu (east)"
        QString value;     ///< the newest value, with its unit
        QString condition; ///< "≥ 90 %"
        QString since;     ///< local time the episode started
        QString duration;  ///< how long it has lasted, in words
        qint64 activeSince = 0;
        QString acknowledged; ///< "by NAME" when acknowledged, else empty
    };
    struct HistoryRow
    {
        qint64 at = 0;      ///< s UTC
        QString time;       ///< local time
        QString transition; ///< "Firing", "Resolved", "Pending", "Cancelled"
        QString rule;
        QString target;
        QString value;
        QString duration; ///< a resolve's or cancel's episode length; empty otherwise
        QString delivery; ///< "notified", or why not
        QString ruleId;
    };
    struct SilenceRow
    {
        QString id;
        QString rule;    ///< the rule's name, or "every rule"
        QString matches; ///< "deployment = gpt-4o-ptu", or "every instance"
        QString ends;    ///< local time
        QString remaining;
        QString by;
        QString comment;
        bool active = false; ///< not yet ended
    };
    struct RuleRow
    {
        QString id;
        QString name;
        QString condition; ///< "average of AzureOpenAIRequests ≥ 90 % over 5 min, for 5 min"
        QString severity;
        QString origin; ///< "built-in", "from a built-in" or "custom"
        bool enabled = true;
        int firing = 0;
    };

    QVector<NowRow> now;          ///< firing first, then pending; each by start
    QVector<HistoryRow> history;  ///< newest first
    QVector<SilenceRow> silences; ///< active first, each by end
    QVector<RuleRow> rules;       ///< by name
    QStringList configErrors;
    int firing = 0;
    int pending = 0;

    /// "2 firing, 1 pending", or "Nothing is firing".
    QString summary() const;

    static AlertReport build(const QVector<AlertRule>& rules, const QVector<ActiveAlert>& active,
                             const QVector<AlertTransition>& history,
                             const QVector<AlertSilence>& silences, const QStringList& configErrors,
                             qint64 now, const QTimeZone& zone = QTimeZone::systemTimeZone());

    /// The comparison in words: "≥ 90 %", "< 5 days".
    static QString condition(const AlertRule& rule);
    /// The whole rule in a line: what is read, how it is reduced, the window and `for`.
    static QString ruleLine(const AlertRule& rule);
    /// When anything fired, as the union of every instance's firing periods (Firing to its
    /// Resolved, or to `now` while it fires), sorted: the bands the pages' charts draw.
    static QVector<TimeRange> firingBands(const QVector<AlertTransition>& history,
                                          const QVector<ActiveAlert>& active, qint64 now);
    /// A backtest in a sentence: "Over the last 7 days it would have fired 4 times on 2
    /// deployments (9 h 20 min in all) and sent 8 notifications."; `span` names the range.
    static QString backtestSummary(const AlertBacktestResult& result, const QString& span);
    /// `value` in the rule's unit ("97.3 %", "1,250 ms"); "—" when not a number.
    static QString quantity(const AlertRule& rule, double value);
};

} // namespace isc
