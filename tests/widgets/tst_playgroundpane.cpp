#include "testsupport.h"

#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "playgroundpane.h"

#include <QLabel>
#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;

class tst_PlaygroundPane : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void showsReasoningTokensAndRecordedHeaders()
    {
        const QByteArray fixture = test::readFixture("playground/openai_stream_reasoning.sse");
        LoopbackHttpServer server;
        server.setHandler([fixture](const HttpServerRequest&, HttpServerResponder& r) {
            r.beginStream(200, {{"Content-Type", "text/event-stream"},
                                {"x-ms-region", "East US"},
                                {"azure-openai-deployment-utilization", "87.5%"},
                                {"set-cookie", "sid=SECRET"}});
            r.writeChunk(fixture);
            r.endStream();
        });
        QVERIFY(server.listen());
        HttpClient http;
        PlaygroundPane pane(&http);
        PlaygroundTarget target;
        target.id = target.label = QStringLiteral("fixture");
        target.chat.name = QStringLiteral("fixture");
        target.chat.baseUrl = server.serverUrl().resolved(QUrl(QStringLiteral("/v1")));
        target.chat.model = QStringLiteral("o4-mini");
        QSignalSpy finished(&pane, &PlaygroundPane::finished);
        pane.run(target, ChatRequest::fromPrompt({}, QStringLiteral("x")), {}, {});
        QVERIFY(finished.wait(10000));
        QVERIFY2(pane.lastResult().ok(), qPrintable(pane.lastResult().error));

        QLabel* stats = nullptr;
        for (QLabel* label : pane.findChildren<QLabel*>()) {
            if (label->text().contains(QLatin1String("Tokens")))
                stats = label;
        }
        QVERIFY(stats);
        QVERIFY2(stats->text().contains(QLatin1String("198 out (192 reasoning)")),
                 qPrintable(stats->text()));
        QVERIFY2(stats->text().contains(QLatin1String("utilization 87.5%")),
                 qPrintable(stats->text()));
        QVERIFY2(stats->toolTip().contains(QLatin1String("x-ms-region: East US")),
                 qPrintable(stats->toolTip()));
        QVERIFY(!stats->toolTip().contains(QLatin1String("SECRET")));
    }
};

QTEST_MAIN(tst_PlaygroundPane)
#include "tst_playgroundpane.moc"
