#include "lazypage.h"

#include <QLabel>
#include <QStackedWidget>
#include <QtTest/QtTest>

using isc::app::LazyPage;

class TestLazyPage : public QObject
{
    Q_OBJECT

private slots:
    void buildsOnFirstShowOnly()
    {
        int built = 0;
        QStackedWidget stack;
        stack.addWidget(new QLabel(QStringLiteral("first")));
        auto* lazy = new LazyPage([&built] {
            ++built;
            return new QLabel(QStringLiteral("page"));
        });
        stack.addWidget(lazy);
        stack.show();
        QVERIFY(QTest::qWaitForWindowExposed(&stack));
        QCOMPARE(built, 0); // not on screen: not built
        QVERIFY(!lazy->isBuilt());

        stack.setCurrentWidget(lazy);
        QCOMPARE(built, 1);
        QVERIFY(lazy->isBuilt());
        QVERIFY(lazy->page()->isVisible());

        stack.setCurrentIndex(0);
        stack.setCurrentWidget(lazy);
        QCOMPARE(built, 1); // shown again: the same page
    }

    void buildsWhenAskedFor()
    {
        int built = 0;
        LazyPage lazy([&built] {
            ++built;
            return new QLabel(QStringLiteral("page"));
        });
        QWidget* page = lazy.page();
        QVERIFY(page);
        QCOMPARE(page->parentWidget(), &lazy);
        QCOMPARE(lazy.page(), page);
        QCOMPARE(built, 1);
        QVERIFY(!page->isVisible()); // hidden slot: shown with it later
        lazy.show();
        QVERIFY(page->isVisible());
    }
};

QTEST_MAIN(TestLazyPage)
#include "tst_lazypage.moc"
