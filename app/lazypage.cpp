#include "lazypage.h"

#include <QVBoxLayout>

namespace isc::app {

LazyPage::LazyPage(std::function<QWidget*()> factory, QWidget* parent)
    : QWidget(parent), m_factory(std::move(factory))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

QWidget* LazyPage::page()
{
    if (!m_page && m_factory) {
        m_page = m_factory();
        m_factory = nullptr;
        layout()->addWidget(m_page);
        if (isVisible())
            m_page->show(); // now, not on the next turn of the event loop
    }
    return m_page;
}

void LazyPage::showEvent(QShowEvent* event)
{
    page();
    QWidget::showEvent(event);
}

} // namespace isc::app
