#pragma once
// A file mapping that survives its file shrinking while it is read.
//
// A read through a file mapping past the file's current end raises SIGBUS,
// which ends the process: a file truncated while Causeway loads it (a
// rotation by `copytruncate`, an exporter starting the file again, a user
// emptying it) took the whole program down, the GUI with the work it held.
// While a MappingGuard is alive, such a read in its range does not: the
// pages from the one read to the end of the range become zero pages
// (mapped over the file's, read-only), the read goes on with zeros, and
// the guard remembers where that started. The loader then drops what it
// built from that file and reports the file as changed (core/load.cpp).
//
// One process-wide SIGBUS handler serves every guard. A SIGBUS outside every
// guarded range goes on to the handler installed before (or to the default
// action, which ends the process as before). The handler uses only atomics
// and mmap.

#include <cstddef>
#include <cstdint>

namespace causeway::detail {

class MappingGuard
{
public:
    // Guards [begin, begin + size), a mapping of a file. Up to 64 ranges are
    // guarded at once; past that a guard guards nothing (guarded() is false)
    // and a read past the end raises SIGBUS as it would without one.
    MappingGuard(const void *begin, size_t size);
    ~MappingGuard();
    MappingGuard(const MappingGuard &) = delete;
    MappingGuard &operator=(const MappingGuard &) = delete;

    bool guarded() const { return m_slot >= 0; }
    // Whether a read met the end of the file.
    bool hit() const;
    // The offset in the range of the first page replaced by zeros (the
    // lowest, when several threads met the end); meaningful when hit().
    uint64_t firstLostByte() const;

private:
    int m_slot = -1;
};

} // namespace causeway::detail
