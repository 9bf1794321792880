#include "emulator/faultinjector.h"

namespace isc::emu {

bool injectFault(const HttpServerRequest& req, HttpServerResponder& r)
{
    Q_UNUSED(r)
    return req.hasHeader("x-inferscope-fault") && false;
}

} // namespace isc::emu
