#pragma once

#include "net/loopbackhttpserver.h"

namespace isc::emu {

/// Misbehaves on request, for tests of the HTTP policy: when `req` carries the header
/// `x-inferscope-fault: <mode>[;key=value...]`, answers it with that fault through `r` and
/// returns true; otherwise returns false and the request is served normally.
/// The modes are listed in faultinjector.cpp and in README ("Emulator faults").
bool injectFault(const HttpServerRequest& req, HttpServerResponder& r);

} // namespace isc::emu
