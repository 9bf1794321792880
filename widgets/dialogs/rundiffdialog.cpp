#include "rundiffdialog.h"

#include "playground/textdiff.h"
#include "theme/theme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace isc {

RunDiffDialog::RunDiffDialog(QString beforeTitle, QString before, QString afterTitle, QString after,
                             QWidget* parent)
    : QDialog(parent), m_beforeTitle(std::move(beforeTitle)), m_before(std::move(before)),
      m_afterTitle(std::move(afterTitle)), m_after(std::move(after)), m_mode(new QComboBox),
      m_view(new QTextBrowser)
{
    setWindowTitle(tr("Compare answers"));
    resize(820, 560);
    m_mode->addItem(tr("Words"));
    m_mode->addItem(tr("Lines"));
    auto* legend = new QLabel;
    legend->setTextFormat(Qt::RichText);
    watchTheme(legend, [legend, older = m_beforeTitle.toHtmlEscaped(),
                        newer = m_afterTitle.toHtmlEscaped()] {
        legend->setText(tr("<span style='background:%3; color:%4; text-decoration:line-through'>"
                           "only in %1</span> &nbsp; <span style='background:%5; color:%6'>only "
                           "in %2</span>")
                            .arg(older, newer, themeCss(ThemeColor::RemovedBackground),
                                 themeCss(ThemeColor::RemovedText),
                                 themeCss(ThemeColor::AddedBackground),
                                 themeCss(ThemeColor::AddedText)));
    });
    auto* top = new QHBoxLayout;
    top->addWidget(legend, 1);
    top->addWidget(new QLabel(tr("Compare by")));
    top->addWidget(m_mode);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &RunDiffDialog::render);
    watchTheme(this, [this] { render(); }); // the diff's colours follow a light/dark switch
}

void RunDiffDialog::render()
{
    const QVector<DiffPiece> pieces =
        m_mode->currentIndex() == 0 ? diffWords(m_before, m_after) : diffLines(m_before, m_after);
    const QString removedBackground = themeCss(ThemeColor::RemovedBackground);
    const QString removedText = themeCss(ThemeColor::RemovedText);
    const QString addedBackground = themeCss(ThemeColor::AddedBackground);
    const QString addedText = themeCss(ThemeColor::AddedText);
    QString html = QStringLiteral("<div style='white-space:pre-wrap; font-family:monospace'>");
    for (const DiffPiece& p : pieces) {
        const QString text = p.text.toHtmlEscaped();
        switch (p.kind) {
        case DiffPiece::Kind::Same:
            html += text;
            break;
        case DiffPiece::Kind::Removed:
            html += QStringLiteral("<span style='background:%2; color:%3; "
                                   "text-decoration:line-through'>%1</span>")
                        .arg(text, removedBackground, removedText);
            break;
        case DiffPiece::Kind::Added:
            html += QStringLiteral("<span style='background:%2; color:%3'>%1</span>")
                        .arg(text, addedBackground, addedText);
            break;
        }
    }
    if (pieces.isEmpty())
        html += tr("Both answers are empty.");
    html += QStringLiteral("</div>");
    m_view->setHtml(html);
}

QString RunDiffDialog::html() const
{
    return m_view->toHtml();
}

} // namespace isc
