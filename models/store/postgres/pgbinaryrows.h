#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace isc::pg {

/// Rows in COPY's binary format ("COPY … FROM STDIN (FORMAT binary)"): bigint, double precision
/// and NULL fields, big-endian. The server reads the numbers as they are instead of parsing
/// printed text, and a double arrives bit for bit.
class BinaryRows
{
public:
    /// Starts a row of `fields` fields; exactly that many add…() calls follow.
    void beginRow(int fields);
    void addInt64(qint64 v);
    void addDouble(double v);
    void addNull();

    bool isEmpty() const { return m_rows == 0; }
    int rows() const { return m_rows; }
    /// The whole stream: signature, flags and header extension, the rows, the trailer.
    QByteArray stream() const;

private:
    QByteArray m_data;
    int m_rows = 0;
};

} // namespace isc::pg
