#include "heaptuning.h"
#include "sanitizers.h"

#include <QFile>
#include <QtTest/QtTest>
#include <cstdint>
#include <cstdlib>
#include <unistd.h>

namespace {

/// The VmFlags of the mapping holding `address`, from /proc/self/smaps.
QByteArray vmFlagsOf(const void* address)
{
    QFile f(QStringLiteral("/proc/self/smaps"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const auto a = reinterpret_cast<std::uintptr_t>(address);
    bool inside = false;
    for (const QByteArray& line : f.readAll().split('\n')) {
        const int dash = line.indexOf('-');
        const int space = line.indexOf(' ');
        // A mapping's first line: "start-end perms offset dev inode path".
        if (dash > 0 && space > dash && line.split(' ').value(1).size() == 4) {
            const std::uintptr_t start = line.left(dash).toULongLong(nullptr, 16);
            const std::uintptr_t end =
                line.mid(dash + 1, space - dash - 1).toULongLong(nullptr, 16);
            inside = a >= start && a < end;
        } else if (inside && line.startsWith("VmFlags:")) {
            return line.mid(8).trimmed();
        }
    }
    return {};
}

bool thpAvailable()
{
    QFile f(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled"));
    return f.open(QIODevice::ReadOnly) && !f.readAll().contains("[never]");
}

} // namespace

class TestHeapTuning : public QObject
{
    Q_OBJECT
private slots:
    // After tuning, an image-sized buffer comes from the heap (reused when freed, not a fresh
    // mapping), and that heap is advised for transparent huge pages.
    void imageBuffersComeFromAHugePageHeap()
    {
#if !defined(__linux__) || !defined(__GLIBC__)
        QSKIP("glibc on Linux only");
#else
        if (isc::test::kAddressSanitizer)
            QSKIP("AddressSanitizer replaces glibc malloc: its heap and mallopt tunables are not "
                  "used");
        isc::app::tuneGuiHeap();
        const std::size_t size = 1440 * 900 * 4; // a window's backing store
        void* buffer = std::malloc(size);
        QVERIFY(buffer);
        const auto address = reinterpret_cast<std::uintptr_t>(buffer);
        const auto brk = reinterpret_cast<std::uintptr_t>(sbrk(0));
        QVERIFY2(address < brk, "a 5 MB buffer should come from the heap, not from mmap");
        const QByteArray flags = vmFlagsOf(static_cast<char*>(buffer) + size / 2);
        std::free(buffer);
        QVERIFY2(!flags.isEmpty(), "no mapping found in /proc/self/smaps");
        if (!thpAvailable())
            QSKIP("transparent huge pages are off on this machine");
        QVERIFY2(flags.split(' ').contains("hg"), flags.constData());
#endif
    }
};

QTEST_APPLESS_MAIN(TestHeapTuning)
#include "tst_heaptuning.moc"
