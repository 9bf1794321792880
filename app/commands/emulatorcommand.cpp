#include "commands.h"

#include "emulator/emulator.h"
#include "emulator/emulatorkeys.h"

#include <QCoreApplication>
#include <cstdio>

namespace isc::app {

int runEmulator(const Invocation& inv)
{
    emu::Emulator emulator(inv.seed);
    // A key of the user's (e.g. a test's canary) accepted besides the demo token; never printed.
    emu::setExtraAcceptedKey(qEnvironmentVariable("INFERSCOPE_EMULATOR_EXTRA_KEY"));
    QString error;
    if (!emulator.listen(QHostAddress::LocalHost, inv.port, &error)) {
        printError(QStringLiteral("could not listen on 127.0.0.1:%1: %2").arg(inv.port).arg(error));
        return 1;
    }
    std::printf(
        "Inferscope demo emulator (seed %llu) listening on %s\n"
        "  managementEndpoint: %s\n"
        "  resourceId:         %s\n"
        "  bearer token:       %s (demo only)\n",
        static_cast<unsigned long long>(inv.seed), qPrintable(emulator.baseUrl().toString()),
        qPrintable(emulator.baseUrl().toString()), qPrintable(emu::Emulator::accountResourceId()),
        qPrintable(emu::Emulator::demoToken()));
    if (emu::hasExtraAcceptedKey())
        std::printf("  extra key:          accepted (from INFERSCOPE_EMULATOR_EXTRA_KEY)\n");
    std::printf("Press Ctrl+C to stop.\n");
    std::fflush(stdout);
    return QCoreApplication::exec();
}

} // namespace isc::app
