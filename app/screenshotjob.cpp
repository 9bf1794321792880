#include "screenshotjob.h"

#include "commands/commands.h"
#include "mainwindow.h"
#include "session.h"

#include "itemmodels/chartmodel.h"
#include "itemmodels/kpimodel.h"
#include "pages/overviewpage.h"
#include "sources/collector.h"

#include "core/timerange.h"

#include <QCoreApplication>
#include <QImage>
#include <QPixmap>
#include <QTimer>
#include <cstdio>

namespace isc::app {

ScreenshotJob::ScreenshotJob(Session* session, MainWindow* window, QString path, int timeoutSeconds,
                             QObject* parent)
    : QObject(parent), m_session(session), m_window(window), m_path(std::move(path)),
      m_timeout(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    m_timeout->setInterval(timeoutSeconds * 1000);
    connect(m_timeout, &QTimer::timeout, this, [this, timeoutSeconds] {
        fail(QStringLiteral("the page did not finish loading within %1 s").arg(timeoutSeconds));
    });
}

void ScreenshotJob::start(qint64 rangeSeconds)
{
    m_timeout->start();
    Collector* collector = m_session->collector();
    if (m_window->currentPage() != QLatin1String("overview")) {
        startGeneric(collector);
        collector->start(rangeSeconds);
        return;
    }
    OverviewPage* page = m_window->overviewPage();
    connect(collector, &Collector::backfillProgress, this, [](int done, int total) {
        std::fprintf(stderr, "\rcollecting history: %d/%d chunks", done, total);
        if (done >= total)
            std::fputc('\n', stderr);
    });
    // Once the range is in the store, reload the page; capture when every chart and the KPIs
    // have delivered a result of that reload.
    connect(collector, &Collector::backfillFinished, this, [this, page] {
        const QVector<ChartModel*> charts = page->chartModels();
        m_pending = int(charts.size()) + 1;
        for (ChartModel* model : charts)
            connect(model, &ChartModel::changed, this, &ScreenshotJob::settleOne,
                    Qt::SingleShotConnection);
        connect(page->kpiModel(), &KpiModel::updated, this, &ScreenshotJob::settleOne,
                Qt::SingleShotConnection);
        page->refresh();
    });
    collector->start(rangeSeconds);
}

void ScreenshotJob::startGeneric(Collector* collector)
{
    // Any other page follows one protocol: a `refresh()` slot that re-reads the store, and a
    // `loaded()` signal once that read has landed. Pages without one are captured once the
    // history is in and every source has answered a poll.
    QWidget* page = m_window->pageWidget(m_window->currentPage());
    connect(collector, &Collector::backfillFinished, this, [this, page, collector] {
        const QMetaObject* meta = page ? page->metaObject() : nullptr;
        if (meta && meta->indexOfSignal("loaded()") >= 0 && meta->indexOfMethod("refresh()") >= 0) {
            m_pending = 1;
            connect(page, SIGNAL(loaded()), this, SLOT(settleOneSlot()));
            QMetaObject::invokeMethod(page, "refresh");
            return;
        }
        m_pending = 1;
        connect(collector, &Collector::pollCycleFinished, this, &ScreenshotJob::settleOne,
                Qt::SingleShotConnection);
        collector->pollNow();
    });
}

void ScreenshotJob::settleOneSlot()
{
    if (m_pending > 0)
        settleOne();
}

void ScreenshotJob::settleOne()
{
    if (--m_pending == 0)
        QTimer::singleShot(0, this, &ScreenshotJob::capture);
}

namespace {
constexpr int kLayoutPasses = 8; // deeper than any page's nesting of layouts
} // namespace

void ScreenshotJob::capture()
{
    if (m_done)
        return;
    // The PNG says what it shows: the page, and the status bar's words (which also name who
    // collects, in a viewer window), in its text chunks.
    // Layouts settle through posted requests, each of which may post its parent's: let every
    // one run, or the picture shows a card squeezed as no window on screen would.
    for (int i = 0; i < kLayoutPasses; ++i)
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QImage image = m_window->grab().toImage();
    const QString status = m_window->statusSummary();
    image.setText(QStringLiteral("Title"),
                  QStringLiteral("Inferscope: %1 page").arg(m_window->currentPage()));
    image.setText(QStringLiteral("Description"), status);
    image.setText(QStringLiteral("Creation Time"), formatIsoUtc(nowUtc()));
    if (image.isNull() || !image.save(m_path, "PNG")) {
        fail(QStringLiteral("could not write %1").arg(m_path));
        return;
    }
    m_done = true;
    m_session->collector()->stop();
    std::fprintf(stderr, "wrote %s (%dx%d)\nstatus: %s\n", qPrintable(m_path), image.width(),
                 image.height(), qPrintable(status));
    emit finished(0);
}

void ScreenshotJob::fail(const QString& message)
{
    if (m_done)
        return;
    m_done = true;
    printError(QStringLiteral("screenshot failed: %1").arg(message));
    emit finished(1);
}

} // namespace isc::app
