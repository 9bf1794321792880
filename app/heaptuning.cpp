#include "heaptuning.h"

#include <cstdint>
#include <cstdlib> // defines __GLIBC__ on glibc

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace isc::app {

void tuneGuiHeap()
{
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHuge = 2u << 20;
    constexpr int kStep = 32 << 20;
    // Buffers below 32 MiB (window backing stores, chart images) come from the heap, where
    // freed memory is reused, instead of fresh mappings faulted in page by page each time; the
    // heap grows in 32 MiB steps and is not handed back below 64 MiB of free space.
    mallopt(M_MMAP_THRESHOLD, kStep);
    mallopt(M_TOP_PAD, kStep);
    mallopt(M_TRIM_THRESHOLD, 2 * kStep);
    // Grow the heap now and advise the new part for huge pages (memory is only made resident
    // where it is touched, 2 MiB at a time).
    const auto before = reinterpret_cast<std::uintptr_t>(sbrk(0));
    void* volatile block = std::malloc(kStep / 2); // volatile: the pair must not be elided
    const auto after = reinterpret_cast<std::uintptr_t>(sbrk(0));
    const std::uintptr_t begin = (before + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t end = after & ~(kHuge - 1);
    if (block && end > begin)
        madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    std::free(block);
#endif
}

} // namespace isc::app
