#include "storeworker.h"

namespace isc {

StoreWorker::StoreWorker() : m_context(new QObject), m_db(std::make_unique<StoreDatabase>())
{
    m_thread.setObjectName(QStringLiteral("inferscope-store"));
    m_context->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

StoreWorker::~StoreWorker()
{
    // Queued after every pending job, so those still run (and their futures finish) first.
    StoreDatabase* db = m_db.get();
    QMetaObject::invokeMethod(
        m_context,
        [db]() {
            db->close();
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_thread.wait();
}

} // namespace isc
