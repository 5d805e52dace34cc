#pragma once

#include <cstddef>
#include <cstdint>

// The process's malloc settings, chosen for loading trace files.
//
// glibc's malloc serves a block above its mmap threshold (128 KB at first)
// with mmap and gives it back with munmap on free; each block freed that
// way raises the threshold, up to 32 MB, and the trim threshold with it, up
// to 64 MB. A load frees and takes again blocks of every size up to tens of
// MB (per-piece models, parser buffers, tables outgrowing their room), and
// before the threshold has risen each one came back as fresh pages, which
// the kernel zeroes and, on a virtual machine, the host faults in again:
// about 3 ms per MB here. Each thread also had an arena of its own, so the
// window's loading thread did not reuse what the command line's main
// thread does.
//
// applyAllocatorPolicy() starts where glibc would end up (mmap threshold
// 32 MB, trim threshold 64 MB) with one arena for all threads (measured in
// bench/README.md: 0.89x the time of a 200 MB document's load, 0.93x a
// 1 GB JSON Lines file's, 0.89x its protobuf copy's; peak RSS 1.05x).
//
// And it grows the heap by 1 GB of address space (a quarter of the memory on
// a machine with less than 4 GB; none under strict overcommit accounting or
// a limit on address space or data) advised as transparent huge pages, left
// free as the heap's top and kept there (trim threshold above it). Nothing
// is resident until written. Each 4 KB page a process writes first is a page
// fault, about 10 us each on a virtual machine (2.5 ms per MB written, a
// quarter of a 200 MB protobuf load's CPU time); a huge page is one fault per 2 MB.
// malloc serves blocks of every size from the top while it lasts, the
// model's pools included (the mmap threshold only applies once the top is
// used up), so what a load frees is taken again without faults.
// bench/README.md has the figures.
//
// Settings the user gives glibc (GLIBC_TUNABLES naming glibc.malloc) are
// left alone, and so is a sanitizer's allocator. Call it first thing in
// main(), before any thread starts.
//
// A long-running process calls releaseFreeMemory() once a load's
// transient memory is freed: free pages go back to the kernel (malloc_trim)
// and the heap's top is grown and advised again.

namespace causeway {

void applyAllocatorPolicy();
void releaseFreeMemory();
// The heap's room applyAllocatorPolicy() set up, in bytes; 0 if none.
size_t allocatorHeapRoom();

// The machine's physical memory in bytes; 0 if unknown.
uint64_t physicalMemory();
// The least of the process's address-space and data limits (ulimit -v,
// -d) in bytes; UINT64_MAX if there is none.
uint64_t addressSpaceLimit();

} // namespace causeway
