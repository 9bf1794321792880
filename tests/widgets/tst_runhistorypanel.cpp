#include "runhistorypanel.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeWidget>
#include <QtTest/QtTest>

using namespace isc;

namespace {

StoredRun run(qint64 id, bool redacted = false)
{
    StoredRun r;
    r.id = id;
    r.createdAtMs = 1767225600000 + id;
    r.target = QStringLiteral("t%1").arg(id);
    r.redacted = redacted;
    r.output = redacted ? QString() : QStringLiteral("answer %1").arg(id);
    r.metricsJson = QStringLiteral("{}");
    return r;
}

QPushButton* button(const RunHistoryPanel& panel, const QString& text)
{
    for (QPushButton* b : panel.findChildren<QPushButton*>()) {
        if (b->text() == text)
            return b;
    }
    return nullptr;
}

} // namespace

class tst_RunHistoryPanel : public QObject
{
    Q_OBJECT
private slots:
    // A reload keeps the selection; the buttons follow what is selected.
    void selectionSurvivesReload()
    {
        RunHistoryPanel panel;
        panel.setRuns({run(1), run(2), run(3, true)});
        QCOMPARE(panel.view()->topLevelItemCount(), 3);
        QVERIFY(!button(panel, QStringLiteral("Re-run"))->isEnabled());
        panel.view()->topLevelItem(1)->setSelected(true);
        QVERIFY(button(panel, QStringLiteral("Re-run"))->isEnabled());
        panel.setRuns({run(4), run(2)});
        QCOMPARE(panel.selectedRuns().size(), 1);
        QCOMPARE(panel.selectedRuns().first().id, qint64(2));
        QVERIFY(panel.view()->topLevelItem(1)->isSelected());
        QVERIFY(button(panel, QStringLiteral("Re-run"))->isEnabled());
        panel.setRuns({run(3, true)});
        QVERIFY(panel.selectedRuns().isEmpty());
        QVERIFY(!button(panel, QStringLiteral("Delete"))->isEnabled());
    }

    void filter()
    {
        RunHistoryPanel panel;
        QSignalSpy changed(&panel, &RunHistoryPanel::filterChanged);
        panel.setTargetNames({QStringLiteral("gpt-4o"), QStringLiteral("claude")});
        QCOMPARE(changed.count(), 0); // offering names is no change of filter
        QVERIFY(panel.filter().target.isEmpty());
        auto* search = panel.findChild<QLineEdit*>();
        search->setText(QStringLiteral("  timeout "));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(panel.filter().search, QStringLiteral("timeout"));
        auto* targets = panel.findChild<QComboBox*>();
        targets->setCurrentIndex(2);
        QCOMPARE(panel.filter().target, QStringLiteral("claude"));
        // Offered again, the chosen target stays chosen.
        panel.setTargetNames({QStringLiteral("claude")});
        QCOMPARE(panel.filter().target, QStringLiteral("claude"));
    }

    void starAsksForTheFlip()
    {
        RunHistoryPanel panel;
        StoredRun starred = run(1);
        starred.starred = true;
        panel.setRuns({starred});
        panel.view()->topLevelItem(0)->setSelected(true);
        QSignalSpy star(&panel, &RunHistoryPanel::starRequested);
        QPushButton* b = button(panel, QStringLiteral("Unstar"));
        QVERIFY(b);
        b->click();
        QCOMPARE(star.count(), 1);
        QCOMPARE(star.first().first().toBool(), false);
    }
};

QTEST_MAIN(tst_RunHistoryPanel)
#include "tst_runhistorypanel.moc"
