#pragma once

#include "playground/chatrequest.h"
#include "playground/chattarget.h"
#include "playground/runresult.h"

#include <QObject>
#include <functional>
#include <memory>
#include <optional>

namespace isc {

class HttpClient;

/// Runs one prompt at a time against a ChatTarget through HttpClient::stream(): emits the text
/// as it arrives and, once, the RunResult with timing, usage (or a local estimate, marked),
/// cost (or "no price"), transport facts and errors in words.
class ChatClient : public QObject
{
    Q_OBJECT
public:
    /// The price of a run; nullopt when the catalog has none (shown as "no price", never $0).
    using PriceLookup = std::function<std::optional<Money>(
        const ChatTarget& target, const QString& model, const RunUsage& usage)>;

    explicit ChatClient(HttpClient* http, QObject* parent = nullptr);
    ~ChatClient() override;

    void setPriceLookup(PriceLookup lookup);

    /// Starts a run; false when one is already running. finished() always follows, never from
    /// inside run().
    bool run(const ChatTarget& target, const ChatRequest& request);
    /// Stops the run in flight (the request is aborted); finished() reports Cancelled.
    void cancel();
    bool isRunning() const;

signals:
    /// Text as it arrives (a chunk, not necessarily one token).
    void delta(const QString& text);
    void finished(const isc::RunResult& result);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
