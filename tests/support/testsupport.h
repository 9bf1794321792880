#pragma once

#include <QByteArray>
#include <QString>

namespace isc::test {

/// Absolute path of a fixture under tests/data/.
QString fixturePath(const QString& name);

/// The bytes of a fixture under tests/data/; fails the current test (QFAIL-style warning)
/// and returns empty when missing.
QByteArray readFixture(const QString& name);

/// Path of the built `inferscope` binary (from INFERSCOPE_BINARY), for end-to-end tests.
QString inferscopeBinary();

} // namespace isc::test
