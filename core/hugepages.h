#pragma once
// Transparent huge pages for the large buffers a load fills.
//
// A buffer reserved for the rest of a large input (a model's pools, the
// string index, the string pool's text chunks) is filled page by page; with
// 4 KB pages that is one page fault per 4 KB, and the faults were a fifth of
// a protobuf load's time on a virtual machine. Advised as huge, filling it
// takes one fault per 2 MB. Only whole 2 MB blocks inside [begin, begin +
// bytes) are advised, so capacity that is never written beyond the block
// its end falls in stays address space.
//
// That goes for the tables a load derives and the copies it makes as much
// as for the pools: with glibc's malloc advising every large block huge
// (GLIBC_TUNABLES=glibc.malloc.hugetlb=1), a 1 GB JSON Lines load took half
// the page faults and 0.88x the time, the faults left being the mapped
// file's; reserveHuge() and shrinkHuge() give the same to the places that
// write fresh memory in bulk (bench/README.md).

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <sys/mman.h>

namespace causeway {

inline void adviseHugePages(const void *begin, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    constexpr uintptr_t kHuge = uintptr_t(2) << 20;
    const auto b = reinterpret_cast<uintptr_t>(begin);
    const uintptr_t first = (b + kHuge - 1) & ~(kHuge - 1), last = (b + bytes) & ~(kHuge - 1);
    if (last > first)
        madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);
#else
    (void)begin;
    (void)bytes;
#endif
}

namespace detail {
// madvise(advice) over the whole pages inside [begin, begin + bytes), or
// with `touched` over every page the range touches; true if there are none.
inline bool advisePages(const void *begin, size_t bytes, int advice, bool touched)
{
    constexpr uintptr_t kPage = 4096;
    const auto b = reinterpret_cast<uintptr_t>(begin), e = b + bytes;
    const uintptr_t first = touched ? b & ~(kPage - 1) : (b + kPage - 1) & ~(kPage - 1);
    const uintptr_t last = touched ? (e + kPage - 1) & ~(kPage - 1) : e & ~(kPage - 1);
    if (last <= first)
        return true;
    return madvise(reinterpret_cast<void *>(first), last - first, advice) == 0;
}
} // namespace detail

// Faults in the pages of [begin, begin + bytes) for writing, without
// changing what they hold (MADV_POPULATE_WRITE, Linux 5.14): another thread
// can take the page faults, and the kernel's zeroing of fresh pages, off the
// thread that will write them. Only whole pages inside the range are faulted
// in. False where the kernel lacks it or the range is not (all) mapped
// writable; nothing is changed then, and the pages fault in when written.
inline bool prefaultForWrite(const void *begin, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    return detail::advisePages(begin, bytes, MADV_POPULATE_WRITE, false);
#else
    (void)begin;
    (void)bytes;
    return false;
#endif
}

// Maps the pages of [begin, begin + bytes) in for reading, in one call
// (MADV_POPULATE_READ, Linux 5.14), before a reader goes through them: on a
// file mapping each fault maps 64 KB, and each is an exception, which on a
// virtual machine costs several microseconds more than the mapping itself;
// a 1 GB JSON Lines file took ~16,000 of them, a quarter of the load's
// system time. Only a hint: never changes what the pages hold; false where
// the kernel lacks it or the range is not (all) mapped readable, and the
// pages then fault in as they are read.
inline bool prefaultForRead(const void *begin, size_t bytes)
{
#ifdef MADV_POPULATE_READ
    return detail::advisePages(begin, bytes, MADV_POPULATE_READ, true);
#else
    (void)begin;
    (void)bytes;
    return false;
#endif
}

// The unused capacity of a vector just reserved.
template<typename Vector>
void adviseHugeCapacity(const Vector &v)
{
    adviseHugePages(v.data() + v.size(), (v.capacity() - v.size()) * sizeof(v[0]));
}

namespace detail {
// v's elements moved into fresh storage for `capacity` of them, advised as
// huge before they are copied in.
template<typename Vector>
void moveToHuge(Vector &v, size_t capacity)
{
    Vector fresh;
    fresh.reserve(capacity);
    adviseHugeCapacity(fresh);
    fresh.insert(fresh.end(), v.begin(), v.end());
    v.swap(fresh);
}
} // namespace detail

// Room for `extra` more elements, growing geometrically (merging fragments
// one after another, or appending batch after batch, must not copy the
// pools every time). New storage is advised as huge before anything is
// written: a model that keeps growing is filled a batch at a time for as
// long as data arrives, and with 4 KB pages every batch took hundreds of
// page faults.
template<typename Vector>
void reserveMore(Vector &v, size_t extra)
{
    if (v.size() + extra > v.capacity())
        detail::moveToHuge(v, std::max(v.size() + extra, v.capacity() * 2));
}

// Room for at least `n` elements: when that moves the elements, the new
// storage is advised as huge before they are copied in. For a table that is
// about to be filled whole (assign, resize), so it comes in by huge pages.
template<typename Vector>
void reserveHuge(Vector &v, size_t n)
{
    if (n > v.capacity())
        detail::moveToHuge(v, n);
}

// shrink_to_fit(), with the copy written into storage advised as huge; only
// where more than an eighth of the capacity is unused (each shrink copies).
// shrinkHugeBytes() is what it would copy: nothing, or the elements.
template<typename Vector>
size_t shrinkHugeBytes(const Vector &v)
{
    return v.capacity() - v.size() > v.capacity() / 8 ? v.size() * sizeof(v[0]) : 0;
}

template<typename Vector>
void shrinkHuge(Vector &v)
{
    if (shrinkHugeBytes(v))
        detail::moveToHuge(v, v.size());
}

} // namespace causeway
