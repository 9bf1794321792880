#include "storeworker.h"

namespace isc {

StoreWorker::StoreWorker() : m_context(new QObject), m_db(makeStoreBackend(QString()))
{
    m_thread.setObjectName(QStringLiteral("inferscope-store"));
    m_context->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

StoreWorker::~StoreWorker()
{
    // Queued after every pending job, so those still run (and their futures finish) first.
    QMetaObject::invokeMethod(
        m_context,
        [this]() {
            m_db->close();
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_thread.wait();
}

void StoreWorker::setHandlers(Handler damage, Handler notice, RemoteWriteHandler remoteWrite)
{
    post<void>([this, damage = std::move(damage), notice = std::move(notice),
                remoteWrite = std::move(remoteWrite)](StoreBackend& db) {
        m_onDamage = damage;
        m_onNotice = notice;
        m_onRemoteWrite = remoteWrite;
        db.setDamageHandler(m_onDamage);
        db.setNoticeHandler(m_onNotice);
        db.setRemoteWriteHandler(m_onRemoteWrite);
    });
}

void StoreWorker::install(std::unique_ptr<StoreBackend> db)
{
    m_db->close();
    m_db = std::move(db);
    m_db->setDamageHandler(m_onDamage);
    m_db->setNoticeHandler(m_onNotice);
    m_db->setRemoteWriteHandler(m_onRemoteWrite);
}

QFuture<OpenReport> StoreWorker::open(const QString& address, const StoreSettings& settings)
{
    return post<OpenReport>([this, address, settings](StoreBackend& current) {
        if (!sameBackendKind(address, m_address))
            install(makeStoreBackend(address));
        else
            current.close();
        m_address = address;
        return m_db->open(address, settings);
    });
}

} // namespace isc
