// Parses the command line and hands over to the command; nothing else lives here.
#include "commandline.h"
#include "commands/commands.h"
#include "heaptuning.h"

#include <QApplication>
#include <QCoreApplication>
#include <cstdio>
#include <memory>

int main(int argc, char** argv)
{
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args.append(QString::fromLocal8Bit(argv[i]));

    QString error;
    const auto inv = isc::app::parseCommandLine(args, &error);
    if (!inv) {
        std::fprintf(stderr, "inferscope: %s\n", qPrintable(error));
        return 2;
    }
    using Command = isc::app::Invocation::Command;
    if (inv->command == Command::Help) {
        std::fputs(qPrintable(isc::app::helpText()), stdout);
        return 0;
    }
    if (inv->command == Command::Version) {
        std::printf("inferscope %s\n", INFERSCOPE_VERSION);
        return 0;
    }

    QCoreApplication::setOrganizationName(QStringLiteral("Inferscope"));
    QCoreApplication::setApplicationName(QStringLiteral("inferscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(INFERSCOPE_VERSION));

    if (inv->headless()) {
        QCoreApplication app(argc, argv);
        switch (inv->command) {
        case Command::Collect:
            return isc::app::runCollect(*inv);
        case Command::Query:
            return isc::app::runQuery(*inv);
        case Command::Replay:
            return isc::app::runReplay(*inv);
        case Command::Emulator:
            return isc::app::runEmulator(*inv);
        case Command::Prompt:
            return isc::app::runPrompt(*inv);
        case Command::Secret:
            return isc::app::runSecret(*inv);
        case Command::Migrate:
            return isc::app::runMigrate(*inv);
        default:
            return 2;
        }
    }
    // A screenshot renders offscreen: it must work without a display (CI, ssh).
    if (!inv->screenshotPath.isEmpty() || inv->startupProbe)
        qputenv("QT_QPA_PLATFORM", "offscreen");
    else if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
             qEnvironmentVariableIsEmpty("DISPLAY") &&
             qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        std::fprintf(stderr,
                     "inferscope: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). "
                     "Run it in a desktop session, under `xvfb-run`, or render a page with "
                     "--screenshot FILE --page overview.\n");
        return 1;
    }
    isc::app::tuneGuiHeap();
    QApplication app(argc, argv);
    return isc::app::runGui(*inv);
}
