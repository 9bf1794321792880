#include "kit/pageheader.h"
#include "timerangepicker.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QtTest/QtTest>

using namespace isc;

class tst_PageHeader : public QObject
{
    Q_OBJECT
private slots:
    void parts()
    {
        PageHeader header(QStringLiteral("Capacity"));
        QCOMPARE(header.titleLabel()->text(), QStringLiteral("Capacity"));
        QVERIFY(header.titleLabel()->font().bold());
        QLabel* range = header.addSubtitle();
        QCOMPARE(range->styleSheet(), QStringLiteral("color: #606060;"));
        QComboBox* box = header.addCombo(QStringLiteral("&Target:"),
                                         {QStringLiteral("60 %"), QStringLiteral("80 %")},
                                         QStringLiteral("Target utilization"));
        QCOMPARE(box->count(), 2);
        QCOMPARE(box->accessibleName(), QStringLiteral("Target utilization"));
        // The label is the combo's buddy: its mnemonic moves the focus there.
        bool buddied = false;
        for (QLabel* l : header.findChildren<QLabel*>())
            buddied = buddied || (l->text() == QLatin1String("&Target:") && l->buddy() == box);
        QVERIFY(buddied);
        auto* button = new QPushButton(QStringLiteral("Export"));
        header.addControl(button);
        QCOMPARE(button->parentWidget(), &header);
        TimeRangePicker* picker = header.addRangePicker();
        QCOMPARE(picker->parentWidget(), &header);
        QVERIFY(picker->range().isValid());
    }
};

QTEST_MAIN(tst_PageHeader)
#include "tst_pageheader.moc"
