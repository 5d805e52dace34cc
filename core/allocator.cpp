#include "core/allocator.h"

#include "core/hugepages.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <sys/resource.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CAUSEWAY_OWN_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define CAUSEWAY_OWN_MALLOC 0
#endif
#endif
#ifndef CAUSEWAY_OWN_MALLOC
#define CAUSEWAY_OWN_MALLOC 1
#endif

namespace causeway {

namespace {

#if defined(__GLIBC__) && CAUSEWAY_OWN_MALLOC
bool g_applied = false;
size_t g_heapRoom = 0;

// The heap's room: 1 GB, or a quarter of the memory on a smaller machine.
// None where address space is counted against a limit: with strict
// overcommit accounting (vm.overcommit_memory 2) the room would be
// committed memory though never written, and under a limit on the
// process's address space or data (ulimit -v, -d) it would take a share of
// what the process may use.
size_t heapRoom()
{
    if (FILE *f = std::fopen("/proc/sys/vm/overcommit_memory", "r")) {
        int mode = 0;
        const bool read = std::fscanf(f, "%d", &mode) == 1;
        std::fclose(f);
        if (read && mode == 2)
            return 0;
    }
    if (addressSpaceLimit() != UINT64_MAX)
        return 0;
    return size_t(std::min<uint64_t>(uint64_t(1) << 30, physicalMemory() / 4));
}

// Grows the heap by `room` bytes advised as huge pages and hands them back
// to malloc as the heap's free top. False if the heap could not grow.
bool growHugeHeap(size_t room)
{
    // Served from the heap (sbrk), not by a mapping of its own.
    mallopt(M_MMAP_MAX, 0);
    void *block = std::malloc(room);
    mallopt(M_MMAP_MAX, 65536); // glibc's default
    if (!block)
        return false;
    adviseHugePages(block, room);
    std::free(block);
    return true;
}
#endif

} // namespace

uint64_t physicalMemory()
{
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : 0;
}

uint64_t addressSpaceLimit()
{
    uint64_t least = UINT64_MAX;
    for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
        rlimit limit{};
        if (getrlimit(resource, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
            least = std::min<uint64_t>(least, limit.rlim_cur);
    }
    return least;
}

void applyAllocatorPolicy()
{
#if defined(__GLIBC__) && CAUSEWAY_OWN_MALLOC
    if (const char *tunables = std::getenv("GLIBC_TUNABLES"); tunables && std::strstr(tunables, "glibc.malloc."))
        return;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_ARENA_MAX, 1);
    g_applied = true;
    const size_t room = heapRoom();
    // The free top is kept up to the room (and 64 MB more, as before): it
    // stays advised as huge, where a trimmed and regrown heap would not be.
    mallopt(M_TRIM_THRESHOLD, int(room + (size_t(64) << 20)));
    if (room >= (size_t(64) << 20) && growHugeHeap(room))
        g_heapRoom = room;
    else
        mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

void releaseFreeMemory()
{
#if defined(__GLIBC__) && CAUSEWAY_OWN_MALLOC
    if (!g_applied)
        return;
    // One release at a time: two growing the room at once would leave a
    // top above the trim threshold, which the second free would trim away.
    static std::mutex releasing;
    std::lock_guard lock(releasing);
    // Every free page of the heap goes back to the kernel; the top, shrunk
    // to what is in use, is grown and advised again for the next load.
    malloc_trim(0);
    if (g_heapRoom)
        growHugeHeap(g_heapRoom);
#endif
}

size_t allocatorHeapRoom()
{
#if defined(__GLIBC__) && CAUSEWAY_OWN_MALLOC
    return g_heapRoom;
#else
    return 0;
#endif
}

} // namespace causeway
