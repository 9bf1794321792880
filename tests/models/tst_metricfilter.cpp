#include "emulator/metricfilter.h"

#include <QtTest/QtTest>

using namespace isc::emu::detail;

namespace {

// "A=x|A=y;B=*": terms of a group joined by '|', groups by ';'.
QString describe(const ParsedFilter& f)
{
    QStringList groups;
    for (const auto& group : f.clauses) {
        QStringList terms;
        for (const auto& t : group)
            terms << t.dim + QLatin1Char('=') + t.value;
        groups << terms.join(QLatin1Char('|'));
    }
    return groups.join(QLatin1Char(';'));
}

// "1:*" or "0:x|y": dimension index, then '*' for a split or the allowed values.
QString describe(const QVector<FilterClause>& clauses)
{
    QStringList out;
    for (const auto& c : clauses) {
        QStringList parts = c.values;
        if (c.split)
            parts.prepend(QStringLiteral("*"));
        out << QString::number(c.dim) + QLatin1Char(':') + parts.join(QLatin1Char('|'));
    }
    return out.join(QLatin1Char(';'));
}

const QString kUseClauses = QStringLiteral("Use clauses like \"Dimension eq 'value'\" joined by "
                                           "'and'; 'or' only inside parentheses.");

QString invalid(const QString& text, const QString& why)
{
    return QStringLiteral("Invalid $filter: '") + text + QStringLiteral("'. ") + why;
}

} // namespace

class tst_MetricFilter : public QObject
{
    Q_OBJECT
private slots:
    void parsesValidFilters_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("clauses");
        QTest::newRow("equality") << "ModelDeploymentName eq 'gpt-4o'"
                                  << "ModelDeploymentName=gpt-4o";
        QTest::newRow("split") << "StatusCode eq '*'"
                               << "StatusCode=*";
        QTest::newRow("and") << "ModelName eq 'gpt-4o' and StatusCode eq '*'"
                             << "ModelName=gpt-4o;StatusCode=*";
        QTest::newRow("or group")
            << "(StatusCode eq '429' or StatusCode eq '500') and Region eq '*'"
            << "StatusCode=429|StatusCode=500;Region=*";
        QTest::newRow("single-term group") << "(A eq 'x')"
                                           << "A=x";
        QTest::newRow("keywords any case") << "A EQ 'x' AND (B Eq 'y' OR B eQ 'z')"
                                           << "A=x;B=y|B=z";
        QTest::newRow("or group names any case") << "(StatusCode eq '1' or statuscode eq '2')"
                                                 << "StatusCode=1|statuscode=2";
        QTest::newRow("value case kept") << "A eq 'GPT-4o-Mini'"
                                         << "A=GPT-4o-Mini";
        QTest::newRow("doubled quote") << "A eq 'it''s'"
                                       << "A=it's";
        QTest::newRow("spaces in value") << "A eq ' two  words '"
                                         << "A= two  words ";
        QTest::newRow("empty value") << "A eq ''"
                                     << "A=";
        QTest::newRow("extra whitespace") << "  A   eq\t'x'  and\nB eq 'y'  "
                                          << "A=x;B=y";
        QTest::newRow("tight parentheses") << "(A eq 'x' or A eq 'y')and B eq 'z'"
                                           << "A=x|A=y;B=z";
        QTest::newRow("no space before quote") << "A eq'x'"
                                               << "A=x";
    }
    void parsesValidFilters()
    {
        QFETCH(QString, text);
        QFETCH(QString, clauses);
        const ParsedFilter f = parseFilter(text);
        QCOMPARE(f.error, QString());
        QCOMPARE(describe(f), clauses);
    }

    void rejectsMalformedFilters_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        const auto row = [](const char* name, const QString& text, const QString& why) {
            QTest::newRow(name) << text << invalid(text, why);
        };
        row("empty", QString(), kUseClauses);
        row("blank", QStringLiteral("   "), kUseClauses);
        row("unquoted value", QStringLiteral("A eq x"), kUseClauses);
        row("other operator", QStringLiteral("A ne 'x'"), kUseClauses);
        row("unterminated quote", QStringLiteral("A eq 'x"), kUseClauses);
        row("missing dimension", QStringLiteral("eq 'x'"), kUseClauses);
        row("dangling and", QStringLiteral("A eq 'x' and"), kUseClauses);
        row("unclosed group", QStringLiteral("(A eq 'x' or A eq 'y'"), kUseClauses);
        row("and inside group", QStringLiteral("(A eq 'x' and A eq 'y')"), kUseClauses);
        row("empty group", QStringLiteral("()"), kUseClauses);
        row("or across dimensions", QStringLiteral("(A eq 'x' or B eq 'y')"),
            QStringLiteral("An 'or' group must test a single dimension."));
        row("or outside parentheses", QStringLiteral("A eq 'x' or A eq 'y'"),
            QStringLiteral("Expected 'and' at position 11."));
        row("missing and", QStringLiteral("A eq 'x' B eq 'y'"),
            QStringLiteral("Expected 'and' at position 10."));
        row("dangling or in group", QStringLiteral("(A eq 'x' or )"),
            QStringLiteral("Expected 'and' at position 13."));
        row("percent signs echoed", QStringLiteral("A eq '%1' or %2"),
            QStringLiteral("Expected 'and' at position 12."));
    }
    void rejectsMalformedFilters()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        const ParsedFilter f = parseFilter(text);
        QCOMPARE(f.error, error);
        QVERIFY(f.clauses.isEmpty());
    }

    void bindsToDimensions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("bound");
        QTest::addColumn<QString>("unknown");
        QTest::newRow("value") << "ModelName eq 'gpt-4o'"
                               << "1:gpt-4o" << QString();
        QTest::newRow("split") << "StatusCode eq '*'"
                               << "2:*" << QString();
        QTest::newRow("names any case") << "MODELDEPLOYMENTNAME eq 'a' and statuscode eq '*'"
                                        << "0:a;2:*" << QString();
        QTest::newRow("or group") << "(StatusCode eq '429' or StatusCode eq '500')"
                                  << "2:429|500" << QString();
        QTest::newRow("split and values") << "(StatusCode eq '*' or StatusCode eq '500')"
                                          << "2:*|500" << QString();
        QTest::newRow("unknown dimension")
            << "ModelName eq 'x' and Region eq '*'" << QString() << "Region";
    }
    void bindsToDimensions()
    {
        QFETCH(QString, text);
        QFETCH(QString, bound);
        QFETCH(QString, unknown);
        const QStringList dims = {QStringLiteral("ModelDeploymentName"),
                                  QStringLiteral("ModelName"), QStringLiteral("StatusCode")};
        const ParsedFilter f = parseFilter(text);
        QCOMPARE(f.error, QString());
        QString missing;
        const auto clauses = bindFilter(f, dims, &missing);
        QCOMPARE(clauses.has_value(), unknown.isEmpty());
        QCOMPARE(missing, unknown);
        if (clauses)
            QCOMPARE(describe(*clauses), bound);
    }

    void matchesValues_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<bool>("matches");
        const QStringList cell = {QStringLiteral("gpt-4o-ptu"), QStringLiteral("gpt-4o"),
                                  QStringLiteral("429")};
        QTest::newRow("equal") << "ModelName eq 'gpt-4o'" << cell << true;
        QTest::newRow("values any case") << "ModelName eq 'GPT-4O'" << cell << true;
        QTest::newRow("different") << "ModelName eq 'gpt-4.1'" << cell << false;
        QTest::newRow("split only") << "StatusCode eq '*'" << cell << true;
        QTest::newRow("one of group")
            << "(StatusCode eq '200' or StatusCode eq '429')" << cell << true;
        QTest::newRow("none of group")
            << "(StatusCode eq '200' or StatusCode eq '500')" << cell << false;
        QTest::newRow("all clauses")
            << "ModelName eq 'gpt-4o' and StatusCode eq '200'" << cell << false;
    }
    void matchesValues()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, values);
        QFETCH(bool, matches);
        const QStringList dims = {QStringLiteral("ModelDeploymentName"),
                                  QStringLiteral("ModelName"), QStringLiteral("StatusCode")};
        QString unknown;
        const auto clauses = bindFilter(parseFilter(text), dims, &unknown);
        QVERIFY(clauses);
        QCOMPARE(matchesFilter(*clauses, values), matches);
    }
};

QTEST_GUILESS_MAIN(tst_MetricFilter)
#include "tst_metricfilter.moc"
