#pragma once

// StreamConnection's insides, shared by its files (streamconnection.cpp: the attempt's
// lifecycle: connect, send, time out, retry, fail, finish; streamconnectionresponse.cpp: reading
// the answer: head, body, redirects).

#include "net/streamconnection.h"

#include "net/httpresponsereader.h"
#include "net/streamconnectionpool.h"

#include <QBasicTimer>
#include <QElapsedTimer>
#include <QPointer>

namespace isc {

struct StreamConnection::Private
{
    enum class Phase { Idle, Connecting, Head, Body, Waiting, Done };
    using BodyMode = HttpResponseReader::BodyMode;

    StreamConnection* q = nullptr;
    QPointer<StreamConnectionPool> pool;
    HttpRequest request;
    HttpClient::StreamCallbacks cb;
    StreamRoute route;

    QAbstractSocket* socket = nullptr;
    bool reused = false;
    bool staleRetried = false; // one silent reconnect when a reused connection was already dead
    Phase phase = Phase::Idle;
    quint64 generation = 0; // bumps with every attempt and socket hand-back
    int attempts = 0;
    int redirects = 0;
    bool starting = false;
    bool bodyStarted = false; // a body byte reached onData: no retry after that
    qint64 streamedBytes = 0;
    bool attemptGotBytes = false;

    // The answer of the current attempt.
    QByteArray buf;
    qsizetype pos = 0;
    HttpResponseReader reader; // status, headers and body framing
    QByteArray errorBody;

    QBasicTimer inactivity;
    QBasicTimer connectTimer;
    QBasicTimer retryTimer;
    QBasicTimer firstByteTimer; // the whole budget to the first body byte, retries included
    QElapsedTimer lastActivity;
    QElapsedTimer sinceStart;

    QString where() const { return httpHostPort(request.url); }
    bool is2xx() const { return reader.status >= 200 && reader.status < 300; }
    bool canRetry() const { return attempts <= std::max(0, request.maxRetries) && !bodyStarted; }
    /// True when a retry starting in `delayMs` begins within the first-byte budget.
    bool retryFits(qint64 delayMs) const
    {
        return request.firstByteTimeoutMs <= 0 ||
               sinceStart.elapsed() + delayMs < request.firstByteTimeoutMs;
    }

    void startAttempt(bool counts);
    void attachSocket();
    void onConnected(quint64 gen);
    void sendRequest();
    void onReadyRead(quint64 gen);
    void onClosedOrError(quint64 gen);
    void process(quint64 gen);
    bool parseHead();
    bool deliver(const QByteArray& data, quint64 gen);
    void completeAttempt();
    void followRedirect();
    void transportFailure(HttpError::Kind kind, const QString& message);
    void firstByteBudgetSpent();
    void scheduleRetry(qint64 delayMs);
    void releaseSocket(bool reuse);
    void finish(HttpResponse resp);
    void fail(HttpError::Kind kind, const QString& message);
    HttpResponse answer() const;
};

} // namespace isc
