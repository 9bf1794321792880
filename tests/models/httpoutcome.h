#pragma once

#include "net/httpclient.h"

#include <QObject>
#include <memory>

namespace isc::test {

/// What one HttpClient request ended with, filled in by its callback (QTRY_VERIFY on done).
struct Outcome
{
    bool done = false;
    HttpResponse response;
};

/// Sends `req` through `client` on behalf of `context`; the outcome fills in when it ends.
inline std::shared_ptr<Outcome> send(HttpClient& client, const HttpRequest& req, QObject* context)
{
    auto out = std::make_shared<Outcome>();
    client.send(req, context, [out](const HttpResponse& r) {
        out->done = true;
        out->response = r;
    });
    return out;
}

} // namespace isc::test
