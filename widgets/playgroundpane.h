#pragma once

#include "playground/chatrequest.h"
#include "playground/playgroundtargets.h"
#include "playground/runresult.h"

#include <QFrame>
#include <memory>

class QComboBox;

namespace isc {

class HttpClient;

/// One column of the Playground: a target picker (or Auto), the answer streaming in, and the
/// run's numbers (TTFT, time between tokens, total, tokens/s, tokens, cost, HTTP facts).
class PlaygroundPane : public QFrame
{
    Q_OBJECT
public:
    /// The picker entry that routes by the workspace policy.
    static inline const QString kAuto = QStringLiteral("auto");

    explicit PlaygroundPane(HttpClient* http, QWidget* parent = nullptr);
    ~PlaygroundPane() override;

    /// Fills the picker; keeps the current choice when it is still offered. `autoReason` empty
    /// = Auto is available, else it is disabled with this tooltip.
    void setTargets(const QVector<PlaygroundTarget>& targets, const QString& autoReason);
    /// Selects a target id (or kAuto); false when the picker has no such entry.
    bool selectTarget(const QString& id);
    QString selectedTarget() const;
    /// The model typed over the target's default; empty = the default.
    QString modelOverride() const;

    /// Runs `request` on `target` (Auto already resolved: `autoNote` says what it chose).
    void run(const PlaygroundTarget& target, const ChatRequest& request,
             const ChatClient::PriceLookup& price, const QString& autoNote);
    /// Shows that the run could not start (e.g. Auto found no target).
    void showProblem(const QString& words);
    void cancel();
    bool isRunning() const;

    /// The answer so far and the last result (empty before the first run ends).
    QString text() const;
    const RunResult& lastResult() const;
    const PlaygroundTarget& lastTarget() const;
    const ChatRequest& lastRequest() const;

signals:
    void finished(const isc::RunResult& result);
    void closeRequested();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
