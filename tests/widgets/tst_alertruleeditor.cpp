#include "alertruleeditor.h"

#include "alerts/alerttemplates.h"

#include <QComboBox>
#include <QJsonArray>
#include <QLineEdit>
#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;

namespace {

AlertRule parsed(const QJsonObject& json)
{
    QStringList errors;
    const auto rule = AlertRule::parse(json, QStringLiteral("rule"), &errors);
    if (!rule)
        qWarning("%s", qPrintable(errors.join('\n')));
    return rule.value_or(AlertRule());
}

QLineEdit* field(AlertRuleEditor& editor, const QString& accessibleOrPlaceholder)
{
    const auto edits = editor.findChildren<QLineEdit*>();
    for (QLineEdit* e : edits)
        if (e->accessibleName() == accessibleOrPlaceholder ||
            e->placeholderText().startsWith(accessibleOrPlaceholder))
            return e;
    return nullptr;
}

} // namespace

class tst_AlertRuleEditor : public QObject
{
    Q_OBJECT
private slots:
    // What the form shows is what it writes back: the same rule, fields it does not show kept.
    void roundTripsARule()
    {
        const AlertRule rule =
            parsed(QJsonObject{{"id", "gateway-5xx"},
                               {"name", "Gateway 5xx"},
                               {"metric", "GatewayRequests"},
                               {"aggregation", "total"},
                               {"labels", QJsonArray{"code=~\"5..\""}},
                               {"share", QJsonObject{{"minDenominator", 50}}},
                               {"by", QJsonArray{"model"}},
                               {"op", ">"},
                               {"threshold", 1.5},
                               {"clearMargin", 0.5},
                               {"window", "10m"},
                               {"for", "5m"},
                               {"rateLimit", QJsonObject{{"count", 3}, {"per", "1h"}}},
                               {"severity", "critical"},
                               {"unit", "%"}});
        AlertRuleEditor editor;
        editor.setRule(rule, {QStringLiteral("GatewayRequests")});
        QStringList errors;
        const auto back = editor.rule(&errors);
        QVERIFY2(back, qPrintable(errors.join('\n')));
        QCOMPARE(*back, rule);
        QVERIFY(!editor.isNew());
    }

    // A built-in's scope comes from the inventory: saved without it unless narrowed.
    void builtinKeepsItsScope()
    {
        const auto ptu = builtinAlertTemplate(QStringLiteral("ptu-utilization"));
        QVERIFY(ptu);
        AlertRule rule = ptu->rule;
        rule.connections = {QStringLiteral("east")};
        rule.deployments = {QStringLiteral("gpt-4o-ptu")};
        AlertRuleEditor editor;
        editor.setRule(rule, {});
        QJsonObject json = editor.ruleJson();
        QCOMPARE(json.value("template").toString(), QStringLiteral("ptu-utilization"));
        QVERIFY(!json.contains("deployments"));
        QVERIFY(!json.contains("connections"));

        QLineEdit* deployments = field(editor, QStringLiteral("every deployment"));
        QVERIFY(deployments);
        QCOMPARE(deployments->text(), QStringLiteral("gpt-4o-ptu"));
        QSignalSpy edited(&editor, &AlertRuleEditor::edited);
        deployments->setText(QStringLiteral("gpt-4o-ptu, gpt-41-ptu"));
        emit deployments->textEdited(deployments->text());
        QCOMPARE(edited.size(), 1);
        json = editor.ruleJson();
        QCOMPARE(json.value("deployments").toArray(),
                 QJsonArray({QStringLiteral("gpt-4o-ptu"), QStringLiteral("gpt-41-ptu")}));
    }

    // A new rule takes its id from its name; an empty metric is named as in the file.
    void newRuleAndAnError()
    {
        AlertRuleEditor editor;
        editor.newRule({QStringLiteral("AzureOpenAIRequests")});
        QVERIFY(editor.isNew());
        QLineEdit* name = field(editor, QStringLiteral("Rule name"));
        QVERIFY(name);
        name->setText(QStringLiteral("Busy gateway!"));
        emit name->textEdited(name->text());
        QStringList errors;
        auto rule = editor.rule(&errors);
        QVERIFY2(rule, qPrintable(errors.join('\n')));
        QCOMPARE(rule->id, QStringLiteral("busy-gateway"));
        QCOMPARE(rule->metric, QStringLiteral("AzureOpenAIRequests"));

        editor.findChild<QComboBox*>()->setCurrentText(QString());
        errors.clear();
        QVERIFY(!editor.rule(&errors));
        QVERIFY2(!errors.isEmpty() && errors.first().startsWith(QLatin1String("rule.metric")),
                 qPrintable(errors.join('\n')));
    }
};

QTEST_MAIN(tst_AlertRuleEditor)
#include "tst_alertruleeditor.moc"
