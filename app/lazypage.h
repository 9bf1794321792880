#pragma once

#include <QWidget>
#include <functional>

namespace isc::app {

/// A page slot that builds its page the first time it is shown or asked for: start-up pays
/// only for the page on screen, and the other pages' first queries wait until they are opened.
class LazyPage : public QWidget
{
    Q_OBJECT
public:
    explicit LazyPage(std::function<QWidget*()> factory, QWidget* parent = nullptr);

    /// The page, built now if it was not yet.
    QWidget* page();
    bool isBuilt() const { return m_page != nullptr; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    std::function<QWidget*()> m_factory;
    QWidget* m_page = nullptr;
};

} // namespace isc::app
