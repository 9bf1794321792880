#include "dialogs/connectiondialog.h"
#include "emulator/emulator.h"
#include "itemmodels/connectionsmodel.h"
#include "pages/connectionspage.h"

#include <QApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;

class tst_ConnectionsPage : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<emu::Emulator> m_emu;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_emu = std::make_unique<emu::Emulator>(7);
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    }

    void testConnectionAnswersInWords_data()
    {
        QTest::addColumn<bool>("goodResource");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("reachable") << true << true << "Connected in";
        QTest::newRow("unknown resource") << false << false << "Unknown resource (HTTP 404)";
    }

    void testConnectionAnswersInWords()
    {
        QFETCH(bool, goodResource);
        QFETCH(bool, ok);
        QFETCH(QString, mentions);
        Workspace ws =
            Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
        if (!goodResource)
            ws.connections[0].resourceId += QStringLiteral("-missing");
        ConnectionsPage page(ws, QString());
        QCOMPARE(page.model()->rowCount(), ws.connections.size());
        QSignalSpy finished(&page, &ConnectionsPage::testFinished);
        page.testConnection(0);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.at(0).at(0).toString(), ws.connections[0].id);
        QCOMPARE(finished.at(0).at(1).toBool(), ok);
        QVERIFY2(finished.at(0).at(2).toString().contains(mentions),
                 qPrintable(finished.at(0).at(2).toString()));
    }

    // The Cost page saves prices and the budget into the same workspace file: a later save on
    // this page must keep them, and a workspace applied meanwhile must keep unsaved edits.
    void savingKeepsWhatOtherPagesSaved()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("workspace.json"));
        Workspace ws =
            Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
        ws.demo = false;
        QString error;
        QVERIFY2(ws.save(path, &error), qPrintable(error));
        ConnectionsPage page(ws, path);

        auto* table = page.findChild<QTableView*>();
        QVERIFY(table);
        const int last = page.model()->rowCount() - 1;
        const QString removedId = page.model()->connections().at(last).id;
        table->setCurrentIndex(page.model()->index(last, 0));
        QPushButton* remove = nullptr;
        QPushButton* save = nullptr;
        for (QPushButton* b : page.findChildren<QPushButton*>()) {
            if (b->text().contains(QStringLiteral("Remove")))
                remove = b;
            if (b->text().contains(QStringLiteral("Save")))
                save = b;
        }
        QVERIFY(remove && save);
        QTimer::singleShot(0, this, [] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (box)
                box->button(QMessageBox::Yes)->click();
        });
        remove->click();
        QCOMPARE(page.model()->rowCount(), last);

        Workspace latest = ws;
        latest.budget = QJsonObject{{QStringLiteral("monthlyUsd"), 1500}};
        page.setWorkspace(latest, path);
        QCOMPARE(page.model()->rowCount(), last); // the unsaved removal survives

        QSignalSpy saved(&page, &ConnectionsPage::workspaceSaved);
        save->click();
        QCOMPARE(saved.size(), 1);
        const auto reread = Workspace::load(path, &error);
        QVERIFY2(reread, qPrintable(error));
        QCOMPARE(reread->budget, latest.budget);
        QCOMPARE(reread->connections.size(), last);
        for (const Connection& c : reread->connections)
            QVERIFY(c.id != removedId);
    }

    void dialogValidatesWithTheWorkspaceRules_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("error");
        QTest::newRow("valid prometheus") << "prometheus"
                                          << "gpu"
                                          << "http://gpu:8000/metrics"
                                          << "";
        QTest::newRow("no endpoint") << "ollama"
                                     << "o"
                                     << ""
                                     << "endpoint";
        QTest::newRow("no id") << "openai"
                               << ""
                               << "https://api.openai.com/v1"
                               << "\"id\"";
        QTest::newRow("taken id") << "openai"
                                  << "taken"
                                  << "https://api.openai.com/v1"
                                  << "already used";
    }

    void dialogValidatesWithTheWorkspaceRules()
    {
        QFETCH(QString, kind);
        QFETCH(QString, id);
        QFETCH(QString, endpoint);
        QFETCH(QString, error);
        Connection c;
        c.kind = kind;
        c.id = id;
        c.endpoint = QUrl(endpoint);
        ConnectionDialog dlg(c, {QStringLiteral("taken")});
        const QString got = dlg.validationError();
        if (error.isEmpty())
            QVERIFY2(got.isEmpty(), qPrintable(got));
        else
            QVERIFY2(got.contains(error), qPrintable(got));
        QCOMPARE(dlg.connection().kind, kind);
    }
};

QTEST_MAIN(tst_ConnectionsPage)
#include "tst_connectionspage.moc"
