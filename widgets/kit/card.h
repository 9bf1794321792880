#pragma once

#include <QFrame>
#include <QMargins>

class QLabel;
class QVBoxLayout;

namespace isc {

/// One section of a page: a framed face holding a column of parts (heading, table, chart,
/// notes). Every page draws its sections with it.
class Card : public QFrame
{
    Q_OBJECT
public:
    /// `spacing` < 0 keeps the style's spacing between the parts.
    explicit Card(QWidget* parent = nullptr, const QMargins& margins = {8, 6, 8, 8},
                  int spacing = -1);

    /// The column the parts go in.
    QVBoxLayout* body() const { return m_body; }
    /// Adds a heading line; `pixelSize` 0 keeps the font's size.
    QLabel* addHeading(const QString& text, int pixelSize = 0);
    /// Adds a wrapped rich-text note in the note colour.
    QLabel* addNote();
    /// Adds a warning banner: wrapped, hidden until showBanner() has something to say.
    QLabel* addBanner();
    /// Sets `banner` to `text` (plain text) and shows it when `show`.
    static void showBanner(QLabel* banner, const QString& text, bool show);

private:
    QVBoxLayout* m_body = nullptr;
};

} // namespace isc
