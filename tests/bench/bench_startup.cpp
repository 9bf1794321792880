// (c) Cold start to the first painted Overview on a 30-day database, against a bare Qt Widgets
// window started the same way in the same run. Prints medians of 5 alternating runs.
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMainWindow>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

long residentKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    return 0;
}

int baselineChild(int argc, char** argv)
{
    QApplication app(argc, argv);
    QMainWindow w;
    w.setCentralWidget(new QLabel(QStringLiteral("baseline")));
    w.resize(1440, 900);
    w.show();
    QTimer::singleShot(0, &w, [&w] {
        w.repaint();
        std::printf("inferscope-startup first-paint rss_kb=%ld\n", residentKb());
        std::fflush(stdout);
        QCoreApplication::exit(0);
    });
    return QApplication::exec();
}

struct Sample
{
    double ms = -1;
    long rssKb = 0;
};

Sample timeToFirstPaint(const QString& program, const QStringList& args,
                        const QProcessEnvironment& env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    QByteArray out;
    while (p.waitForReadyRead(60000)) {
        out += p.readAllStandardOutput();
        const int at = out.indexOf("first-paint rss_kb=");
        if (at >= 0 && out.indexOf('\n', at) > 0) {
            Sample s;
            s.ms = t.nsecsElapsed() / 1e6;
            s.rssKb = out.mid(at + 19, out.indexOf('\n', at) - at - 19).toLong();
            p.waitForFinished(30000);
            return s;
        }
    }
    std::fprintf(stderr, "no first paint from %s: %s\n", qPrintable(program),
                 p.readAllStandardError().constData());
    p.kill();
    p.waitForFinished();
    return {};
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? -1 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--baseline-child") == 0)
        return baselineChild(argc, argv);

    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const QString binary = QStringLiteral(INFERSCOPE_BINARY_PATH);
    const QString db = dir.filePath(QStringLiteral("30d.sqlite"));

    std::printf("bench_startup: collecting a 30-day demo database (one-time set-up)...\n");
    std::fflush(stdout);
    QElapsedTimer setup;
    setup.start();
    QProcess collect;
    collect.setProcessEnvironment(env);
    collect.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    collect.start(binary,
                  {QStringLiteral("collect"), QStringLiteral("--db"), db, QStringLiteral("--demo"),
                   QStringLiteral("--backfill"), QStringLiteral("30d"), QStringLiteral("--once")});
    if (!collect.waitForFinished(30 * 60 * 1000) || collect.exitCode() != 0) {
        std::fprintf(stderr, "bench_startup: collect failed\n");
        return 1;
    }
    std::printf("  set-up: 30 days collected through the emulator in %.1f s, database %.1f MB\n",
                setup.elapsed() / 1000.0, QFileInfo(db).size() / 1e6);

    std::vector<double> ours, base, oursRss, baseRss;
    for (int i = 0; i < 5; ++i) {
        const Sample b = timeToFirstPaint(QCoreApplication::applicationFilePath(),
                                          {QStringLiteral("--baseline-child")}, env);
        const Sample o = timeToFirstPaint(binary,
                                          {QStringLiteral("--demo"), QStringLiteral("--db"), db,
                                           QStringLiteral("--range"), QStringLiteral("24h"),
                                           QStringLiteral("--startup-probe")},
                                          env);
        if (o.ms < 0 || b.ms < 0)
            return 1;
        ours.push_back(o.ms);
        base.push_back(b.ms);
        oursRss.push_back(o.rssKb / 1024.0);
        baseRss.push_back(b.rssKb / 1024.0);
    }
    const double o = median(ours), b = median(base);
    std::printf(
        "bench_startup (c): cold start to first painted Overview, 30-day database, median of 5\n");
    std::printf("  inferscope:       %7.1f ms   RSS %6.1f MB   (targets: <= 150 ms, <= 80 MB)\n", o,
                median(oursRss));
    std::printf("  bare Qt window:   %7.1f ms   RSS %6.1f MB   (baseline, same run)\n", b,
                median(baseRss));
    std::printf("  ratio inferscope/baseline: %.2fx time, %.2fx RSS\n", o / b,
                median(oursRss) / median(baseRss));
    return 0;
}
