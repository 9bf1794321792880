#include "pages/alertspage.h"

#include "alertruleeditor.h"
#include "alerts/alertbacktest.h"
#include "alerts/alertservice.h"
#include "charts/alertbacktestchart.h"
#include "core/labels.h"
#include "core/timerange.h"
#include "store/samplestore.h"
#include "storetestdata.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

namespace {

const QString kMetric = QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2");

Workspace workspace()
{
    Workspace ws;
    ws.name = QStringLiteral("alerts page");
    Connection c;
    c.id = QStringLiteral("east");
    c.kind = QStringLiteral("azure-openai");
    ws.connections = {c};
    ws.alerts = QJsonObject{{"builtins", false},
                            {"rules", QJsonArray{QJsonObject{{"id", "ptu-hot"},
                                                             {"name", "PTU hot"},
                                                             {"metric", kMetric},
                                                             {"op", ">="},
                                                             {"threshold", 90},
                                                             {"clearMargin", 5},
                                                             {"for", "5m"},
                                                             {"unit", "%"}}}}};
    return ws;
}

} // namespace

class tst_AlertsPage : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SampleStore> m_store;
    std::unique_ptr<AlertService> m_alerts;
    qint64 m_now = 0;
    QVector<SeriesSamples> m_raw; ///< what was stored, for the recomputation

    QTableWidget* table(AlertsPage& page, int index)
    {
        static const char* const names[] = {"alertsNow", "alertsHistory", "alertsSilences",
                                            "alertsRules"};
        return page.findChild<QTableWidget*>(QLatin1String(names[index]));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        m_store = std::make_unique<SampleStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("alerts.sqlite"))).result().usable());
        // Three days of PTU minutes with two hot afternoons and a hot last half hour.
        m_now = nowUtc() / 60 * 60;
        const qint64 from = m_now - 3 * 86400;
        QVector<double> values;
        for (qint64 t = from; t < m_now; t += 60) {
            const qint64 ago = m_now - t;
            const bool hot = (ago > 86400 + 3600 && ago <= 86400 + 3 * 3600) ||
                             (ago > 2 * 86400 + 3600 && ago <= 2 * 86400 + 2 * 3600) ||
                             ago <= 30 * 60;
            values.append(hot ? 97.0 : 40.0);
        }
        const SeriesSamples s =
            series(kMetric, {{"ModelDeploymentName", "gpt-4o-ptu"}}, minutes(from, values),
                   QStringLiteral("east"), QStringLiteral("average"));
        m_raw = {s};
        QVERIFY(m_store->write(batch({s}, {}, QStringLiteral("east"))).result().ok);

        m_alerts = std::make_unique<AlertService>(m_store.get());
        m_alerts->setWorkspace(workspace());
        QSignalSpy evaluated(m_alerts.get(), &AlertService::evaluated);
        m_alerts->setEvaluating(true);
        m_alerts->evaluateSoon();
        QVERIFY(evaluated.wait(20000));
        QCOMPARE(m_alerts->firingCount(), 1);
    }

    void showsWhatFiresNow()
    {
        AlertsPage page(m_alerts.get(), workspace());
        page.resize(1200, 800);
        QCOMPARE(page.report().firing, 1);
        QTableWidget* now = table(page, 0);
        QVERIFY(now);
        QCOMPARE(now->rowCount(), 1);
        QCOMPARE(now->item(0, 0)->text(), QStringLiteral("Firing"));
        QCOMPARE(now->item(0, 1)->text(), QStringLiteral("PTU hot"));
        QCOMPARE(now->item(0, 2)->text(), QStringLiteral("gpt-4o-ptu (east)"));
        QCOMPARE(now->item(0, 4)->text(), QStringLiteral("≥ 90 %"));
        // The history holds its Pending and Firing.
        QTableWidget* history = table(page, 1);
        QVERIFY(history->rowCount() >= 2);
        QCOMPARE(history->item(0, 1)->text(), QStringLiteral("Firing"));
    }

    // The backtest's chart and sentence count what AlertBacktest counts over the raw samples.
    void backtestMatchesARecomputation()
    {
        AlertsPage page(m_alerts.get(), workspace());
        page.showTab(3, QStringLiteral("ptu-hot"));
        QSignalSpy loaded(&page, &AlertsPage::loaded);
        page.refresh();
        QVERIFY(loaded.wait(20000));

        const auto rule = page.editor()->rule(nullptr);
        QVERIFY(rule);
        const qint64 now = QDateTime::currentSecsSinceEpoch() / 60 * 60;
        const AlertBacktestResult expected =
            AlertBacktest::run(*rule, m_raw, TimeRange{now - 7 * 86400, now});
        QCOMPARE(expected.firing.size(), 3);
        QCOMPARE(page.backtestChart()->bandCount(), int(expected.firing.size()));
        QCOMPARE(page.backtestChart()->lineCount(), 1);
        QVERIFY(page.backtestChart()->hasThreshold());
        QCOMPARE(page.backtestChart()->valueAxisTitle(), QStringLiteral("Compared value (%)"));
        const QString summary = page.backtestSummary();
        QVERIFY2(summary.contains(QStringLiteral("fired 3 times")), qPrintable(summary));
        QVERIFY2(
            summary.contains(QStringLiteral("sent %1 notifications").arg(expected.notifications)),
            qPrintable(summary));

        // A higher threshold backtests again: no stretch reaches 98 %.
        auto* threshold = page.editor()->findChild<QDoubleSpinBox*>();
        QVERIFY(threshold);
        QSignalSpy backtested(&page, &AlertsPage::backtested);
        threshold->setValue(98);
        QVERIFY(backtested.wait(20000));
        QCOMPARE(page.backtestChart()->bandCount(), 0);
        QVERIFY2(page.backtestSummary().contains(QLatin1String("would not have fired")),
                 qPrintable(page.backtestSummary()));
    }

    void savesTheEditedRuleIntoTheWorkspace()
    {
        AlertsPage page(m_alerts.get(), workspace());
        page.showTab(3, QStringLiteral("ptu-hot"));
        auto* name = page.editor()->findChild<QLineEdit*>();
        QVERIFY(name);
        name->setText(QStringLiteral("PTU very hot"));
        emit name->textEdited(name->text());
        QSignalSpy changed(&page, &AlertsPage::alertsChanged);
        QVERIFY(page.saveRule());
        QCOMPARE(changed.size(), 1);
        const QJsonArray rules =
            changed.first().at(0).toJsonObject().value(QStringLiteral("rules")).toArray();
        QCOMPARE(rules.size(), 1);
        QCOMPARE(rules.first().toObject().value("name").toString(), QStringLiteral("PTU very hot"));
        QCOMPARE(rules.first().toObject().value("id").toString(), QStringLiteral("ptu-hot"));
        QCOMPARE(changed.first().at(0).toJsonObject().value("builtins").toBool(true), false);
    }

    void aBadFieldIsNamed()
    {
        AlertsPage page(m_alerts.get(), workspace());
        page.showTab(3, QStringLiteral("ptu-hot"));
        auto* metric = page.editor()->findChild<QComboBox*>();
        QVERIFY(metric);
        QCOMPARE(metric->currentText(), kMetric);
        metric->setCurrentText(QString());
        QSignalSpy changed(&page, &AlertsPage::alertsChanged);
        QVERIFY(!page.saveRule());
        QCOMPARE(changed.size(), 0);
        QVERIFY2(page.editorProblem().startsWith(QLatin1String("rule.metric")),
                 qPrintable(page.editorProblem()));
    }

    void silenceAndAcknowledgeTheSelectedAlert()
    {
        AlertsPage page(m_alerts.get(), workspace());
        QTableWidget* now = table(page, 0);
        now->selectRow(0);
        const auto buttons = page.findChildren<QPushButton*>();
        const auto button = [&](const QString& text) -> QPushButton* {
            for (QPushButton* b : buttons)
                if (b->text() == text)
                    return b;
            return nullptr;
        };
        QVERIFY(button(QStringLiteral("&Acknowledge")));
        button(QStringLiteral("&Acknowledge"))->click();
        QVERIFY(m_alerts->active().first().state.acknowledged);
        QVERIFY(!now->item(0, 7)->text().isEmpty());
        // The refresh kept the selection.
        QCOMPARE(now->selectionModel()->selectedRows().size(), 1);

        button(QStringLiteral("Silence &1 h"))->click();
        QCOMPARE(m_alerts->silences().size(), 1);
        const AlertSilence s = m_alerts->silences().first();
        QCOMPARE(s.ruleId, QStringLiteral("ptu-hot"));
        QCOMPARE(s.endsAt - s.startsAt, 3600);
        QVERIFY(s.matches(QStringLiteral("ptu-hot"),
                          {{"ModelDeploymentName", "gpt-4o-ptu"}, {"connection", "east"}},
                          s.startsAt + 60));
        QCOMPARE(table(page, 2)->rowCount(), 1);
        QCOMPARE(table(page, 2)->item(0, 0)->text(), QStringLiteral("PTU hot"));
    }
};

QTEST_MAIN(tst_AlertsPage)
#include "tst_alertspage.moc"
