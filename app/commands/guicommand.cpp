#include "commands.h"
#include "mainwindow.h"
#include "screenshotjob.h"
#include "session.h"

#include "dialogs/databasepassworddialog.h"
#include "net/secretstore.h"
#include "pages/overviewpage.h"
#include "sources/collector.h"
#include "theme/theme.h"
#include "timerangelink.h"

#include <QApplication>
#include <QFile>
#include <QIcon>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>
#include <cstdio>

namespace isc::app {
namespace {

/// Resident set size of this process in kB (Linux), 0 when unknown.
long residentKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray& line : lines) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    }
    return 0;
}

} // namespace

void printError(const QString& message)
{
    std::fprintf(stderr, "inferscope: %s\n", qPrintable(message));
}

int runGui(const Invocation& inv)
{
    const bool screenshot = !inv.screenshotPath.isEmpty();
    // The installed hicolor icon (packaging/icons); the desktop entry names the app on Wayland.
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.inferscope.inferscope")));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.inferscope.inferscope"));
    Session session;
    QString error;
    if (!session.open(Session::optionsFor(inv), &error)) {
        // A refused database password is asked for (and may be remembered in the keychain).
        const bool ask = !screenshot && !inv.startupProbe && session.openReport().passwordRefused;
        const QString address = session.openReport().path;
        const bool canRemember = !SecretStore::shared()->isSessionOnly();
        if (!ask || !session.openAskingPassword(
                        [address, canRemember](
                            const QString& why) -> std::optional<DatabasePassword::Answer> {
                            DatabasePasswordDialog dialog(address, why, canRemember);
                            if (dialog.exec() != QDialog::Accepted)
                                return std::nullopt;
                            return DatabasePassword::Answer{dialog.password(), dialog.remember()};
                        },
                        &error)) {
            printError(error);
            if (!screenshot)
                QMessageBox::critical(nullptr, QObject::tr("Inferscope"), error);
            return 1;
        }
    }
    if (!inv.workspacePath.isEmpty())
        rememberWorkspace(session.workspacePath());

    // The theme before the first widget: --theme, else (not for a rendering, which must not
    // depend on this desktop's choices) what View > Theme remembered, else the desktop's palette.
    ThemeMode theme = ThemeMode::System;
    if (!parseThemeMode(inv.theme, &theme) && !screenshot)
        parseThemeMode(QSettings().value(QStringLiteral("view/theme")).toString(), &theme);
    Theme::instance()->apply(theme);

    MainWindow window(&session);
    // A rendering or a probe shows alerts but tells nobody about them.
    window.setAlertDelivery(!screenshot && !inv.startupProbe);
    // An explicit --range wins over the remembered one; a screenshot without it shows 24 h.
    const qint64 range = inv.rangeSeconds > 0 ? inv.rangeSeconds : (screenshot ? 24 * 3600 : 0);
    if (range > 0)
        window.timeRange()->setLength(range, nowUtc()); // every page's range
    if (screenshot) {
        window.overviewPage()->setDeployment(QString()); // reproducible: not the remembered filter
        window.resize(1440, 900);
        window.showPage(inv.page);
        window.show();
        ScreenshotJob job(&session, &window, inv.screenshotPath);
        QObject::connect(&job, &ScreenshotJob::finished, qApp, &QCoreApplication::exit);
        job.start(range);
        return QApplication::exec();
    }
    if (inv.startupProbe) {
        // tests/bench/bench_startup: the page has its data and has painted once, then exit.
        QObject::connect(
            window.overviewPage(), &OverviewPage::loaded, &window,
            [&window] {
                window.repaint();
                std::printf("inferscope-startup first-paint rss_kb=%ld\n", residentKb());
                std::fflush(stdout);
                QTimer::singleShot(0, qApp, [] { QCoreApplication::exit(0); });
            },
            Qt::SingleShotConnection);
    }
    window.show();
    // What is stored paints first; backfill and polling start right after (or after 2 s at most).
    Collector* collector = session.collector();
    const auto startCollecting = [collector] {
        if (!collector->isRunning())
            collector->start();
    };
    QObject::connect(window.overviewPage(), &OverviewPage::loaded, collector, startCollecting,
                     Qt::SingleShotConnection);
    QTimer::singleShot(2000, collector, startCollecting);
    return QApplication::exec();
}

} // namespace isc::app
