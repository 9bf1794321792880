#include "rundiffdialog.h"

#include "playground/textdiff.h"

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
    auto* legend = new QLabel(
        tr("<span style='background:#fee2e2;text-decoration:line-through'>only in %1</span> "
           "&nbsp; <span style='background:#dcfce7'>only in %2</span>")
            .arg(m_beforeTitle.toHtmlEscaped(), m_afterTitle.toHtmlEscaped()));
    legend->setTextFormat(Qt::RichText);
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
    render();
}

void RunDiffDialog::render()
{
    const QVector<DiffPiece> pieces =
        m_mode->currentIndex() == 0 ? diffWords(m_before, m_after) : diffLines(m_before, m_after);
    QString html = QStringLiteral("<div style='white-space:pre-wrap; font-family:monospace'>");
    for (const DiffPiece& p : pieces) {
        const QString text = p.text.toHtmlEscaped();
        switch (p.kind) {
        case DiffPiece::Kind::Same:
            html += text;
            break;
        case DiffPiece::Kind::Removed:
            html += QStringLiteral("<span style='background:#fee2e2; color:#991b1b; "
                                   "text-decoration:line-through'>%1</span>")
                        .arg(text);
            break;
        case DiffPiece::Kind::Added:
            html += QStringLiteral("<span style='background:#dcfce7; color:#166534'>%1</span>")
                        .arg(text);
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
