#pragma once

namespace isc::app {

/// Backs the GUI thread's heap with transparent huge pages where the kernel offers them (THP
/// "madvise" mode, as on Debian) and keeps image-sized buffers on that heap. The first paint of
/// a 1440x900 window touches some 6 MB of fresh memory; at 4 KiB a page that is ~1500 page
/// faults on the GUI thread, at 2 MiB a handful. Call first thing in main(), before Qt
/// allocates. Does nothing where it does not apply.
void tuneGuiHeap();

} // namespace isc::app
