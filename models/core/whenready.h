#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <utility>

namespace isc {

/// Calls `f(result)` on `context`'s thread when `future` has a result; never after `context`
/// is destroyed. (Qt 6.4's QFuture::then(context, …) asserts when the context dies first.)
template <typename T, typename F> void whenReady(QObject* context, const QFuture<T>& future, F&& f)
{
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, f = std::forward<F>(f)]() mutable {
                         watcher->deleteLater();
                         if (watcher->future().resultCount() > 0)
                             f(watcher->result());
                     });
    watcher->setFuture(future);
}

/// The same for a future without a result: `f()` runs when it finished and was not cancelled.
template <typename F> void whenReady(QObject* context, const QFuture<void>& future, F&& f)
{
    auto* watcher = new QFutureWatcher<void>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, f = std::forward<F>(f)]() mutable {
                         watcher->deleteLater();
                         if (!watcher->isCanceled())
                             f();
                     });
    watcher->setFuture(future);
}

} // namespace isc
