#include "pageheader.h"

#include "theme/theme.h"
#include "timerangepicker.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace isc {

PageHeader::PageHeader(const QString& title, QWidget* parent) : QWidget(parent)
{
    m_row = new QHBoxLayout(this);
    m_row->setContentsMargins(0, 0, 0, 0);
    m_titleBox = new QVBoxLayout;
    m_titleBox->setSpacing(0);
    m_title = new QLabel(title, this);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_titleBox->addWidget(m_title);
    // The title column takes the room left over: a long subtitle wraps rather than widening.
    m_row->addLayout(m_titleBox, 1);
}

QLabel* PageHeader::addSubtitle()
{
    auto* l = new QLabel(this);
    watchTheme(l, [l] {
        l->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::MutedText)));
    });
    m_titleBox->addWidget(l);
    return l;
}

void PageHeader::addControl(QWidget* control)
{
    control->setParent(this);
    m_row->addWidget(control);
}

QComboBox* PageHeader::addCombo(const QString& label, const QStringList& items,
                                const QString& accessibleName)
{
    auto* l = new QLabel(label, this);
    auto* box = new QComboBox(this);
    box->addItems(items);
    box->setAccessibleName(accessibleName);
    l->setBuddy(box);
    m_row->addWidget(l);
    m_row->addWidget(box);
    return box;
}

void PageHeader::addSpacing(int px)
{
    m_row->addSpacing(px);
}

TimeRangePicker* PageHeader::addRangePicker()
{
    auto* picker = new TimeRangePicker(this);
    m_row->addWidget(picker);
    return picker;
}

QVBoxLayout* addScrollingColumn(QWidget* page, QVBoxLayout* outer)
{
    auto* scroll = new QScrollArea(page);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    content->setAutoFillBackground(false);
    scroll->setWidget(content);
    scroll->viewport()->setAutoFillBackground(false);
    outer->addWidget(scroll, 1);
    auto* column = new QVBoxLayout(content);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(10);
    return column;
}

} // namespace isc
