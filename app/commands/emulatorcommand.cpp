#include "commands.h"

#include "emulator/emulator.h"

#include <QCoreApplication>
#include <cstdio>

namespace isc::app {

int runEmulator(const Invocation& inv)
{
    emu::Emulator emulator(inv.seed);
    QString error;
    if (!emulator.listen(QHostAddress::LocalHost, inv.port, &error)) {
        printError(QStringLiteral("could not listen on 127.0.0.1:%1: %2").arg(inv.port).arg(error));
        return 1;
    }
    std::printf(
        "Inferscope demo emulator (seed %llu) listening on %s\n"
        "  managementEndpoint: %s\n"
        "  resourceId:         %s\n"
        "  bearer token:       %s (demo only)\n"
        "Press Ctrl+C to stop.\n",
        static_cast<unsigned long long>(inv.seed), qPrintable(emulator.baseUrl().toString()),
        qPrintable(emulator.baseUrl().toString()), qPrintable(emu::Emulator::accountResourceId()),
        qPrintable(emu::Emulator::demoToken()));
    std::fflush(stdout);
    return QCoreApplication::exec();
}

} // namespace isc::app
