#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace isc {

/// A clear strip across a page: the demo-data notice, or a warning such as a recovered database.
class DemoBanner : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Demo, Warning };
    Q_ENUM(Kind)

    /// A demo-data banner with the standard text.
    explicit DemoBanner(QWidget* parent = nullptr);
    DemoBanner(Kind kind, const QString& text, QWidget* parent = nullptr);

    /// The standard demo notice.
    static QString demoText();

    void setText(const QString& text);
    QString text() const;
    void setKind(Kind kind);
    Kind kind() const { return m_kind; }
    /// Shows a close button; clicking it hides the banner and emits dismissed().
    void setDismissible(bool dismissible);

signals:
    void dismissed();

private:
    void updateStyle();

    Kind m_kind = Kind::Demo;
    QLabel* m_icon = nullptr;
    QLabel* m_text = nullptr;
    QToolButton* m_close = nullptr;
};

} // namespace isc
