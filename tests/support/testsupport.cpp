#include "testsupport.h"

#include <QFile>
#include <QtTest/QTest>

namespace isc::test {

QString fixturePath(const QString& name)
{
    return QStringLiteral(INFERSCOPE_TEST_DATA "/") + name;
}

QByteArray readFixture(const QString& name)
{
    QFile f(fixturePath(name));
    if (!f.open(QIODevice::ReadOnly)) {
        qWarning("fixture missing: %s", qPrintable(f.fileName()));
        return {};
    }
    return f.readAll();
}

QString inferscopeBinary()
{
    return qEnvironmentVariable("INFERSCOPE_BINARY");
}

} // namespace isc::test
