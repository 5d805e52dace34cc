#include "core/mappingguard.h"

#include <atomic>
#include <csignal>
#include <mutex>

#include <sys/mman.h>
#include <unistd.h>

namespace causeway::detail {

namespace {

constexpr int kSlots = 64;

// A slot is Free, Claimed (being set up or taken down: the handler skips
// it) or Active. `lost` holds 1 + the offset of the first replaced page, 0
// while nothing was replaced.
enum State : int { Free, Claimed, Active };
struct Slot
{
    std::atomic<int> state{Free};
    std::atomic<uintptr_t> begin{0};
    std::atomic<uintptr_t> end{0};
    std::atomic<uint64_t> lost{0};
};
Slot g_slots[kSlots];
uintptr_t g_pageMask = ~uintptr_t(4095);
struct sigaction g_previous{};

void passOn(int sig, siginfo_t *info, void *context)
{
    if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction) {
        g_previous.sa_sigaction(sig, info, context);
        return;
    }
    if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
        g_previous.sa_handler(sig);
        return;
    }
    // The default action (ignoring a SIGBUS from a fault would fault again
    // forever): a fault happens again when the handler returns and ends
    // the process; a signal sent by a process is raised again.
    signal(SIGBUS, SIG_DFL);
    if (info->si_code <= 0)
        raise(SIGBUS);
}

void onSigbus(int sig, siginfo_t *info, void *context)
{
    const auto at = reinterpret_cast<uintptr_t>(info->si_addr);
    for (Slot &slot : g_slots) {
        if (slot.state.load(std::memory_order_acquire) != Active)
            continue;
        const uintptr_t begin = slot.begin.load(std::memory_order_relaxed);
        const uintptr_t end = slot.end.load(std::memory_order_relaxed);
        if (at < begin || at >= end)
            continue;
        // Everything from this page on lies past the file's end as well:
        // one mapping of zero pages for all of it, not a signal per page.
        const uintptr_t page = at & g_pageMask;
        void *zeros = mmap(reinterpret_cast<void *>(page), end - page, PROT_READ,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (zeros == MAP_FAILED)
            break;
        const uint64_t mark = uint64_t(page > begin ? page - begin : 0) + 1;
        uint64_t seen = slot.lost.load(std::memory_order_relaxed);
        while ((seen == 0 || mark < seen) && !slot.lost.compare_exchange_weak(seen, mark, std::memory_order_relaxed)) {
        }
        return;
    }
    passOn(sig, info, context);
}

void install()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const long page = sysconf(_SC_PAGESIZE);
        if (page > 0)
            g_pageMask = ~uintptr_t(page - 1);
        struct sigaction action{};
        action.sa_sigaction = onSigbus;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(SIGBUS, &action, &g_previous);
    });
}

} // namespace

MappingGuard::MappingGuard(const void *begin, size_t size)
{
    if (!begin || size == 0)
        return;
    install();
    for (int i = 0; i < kSlots; ++i) {
        int expected = Free;
        if (!g_slots[i].state.compare_exchange_strong(expected, Claimed, std::memory_order_acquire))
            continue;
        Slot &slot = g_slots[i];
        slot.begin.store(reinterpret_cast<uintptr_t>(begin), std::memory_order_relaxed);
        slot.end.store(reinterpret_cast<uintptr_t>(begin) + size, std::memory_order_relaxed);
        slot.lost.store(0, std::memory_order_relaxed);
        slot.state.store(Active, std::memory_order_release);
        m_slot = i;
        return;
    }
}

MappingGuard::~MappingGuard()
{
    if (m_slot < 0)
        return;
    Slot &slot = g_slots[m_slot];
    slot.state.store(Claimed, std::memory_order_release);
    slot.begin.store(0, std::memory_order_relaxed);
    slot.end.store(0, std::memory_order_relaxed);
    slot.state.store(Free, std::memory_order_release);
}

bool MappingGuard::hit() const
{
    return m_slot >= 0 && g_slots[m_slot].lost.load(std::memory_order_relaxed) != 0;
}

uint64_t MappingGuard::firstLostByte() const
{
    const uint64_t lost = m_slot >= 0 ? g_slots[m_slot].lost.load(std::memory_order_relaxed) : 0;
    return lost ? lost - 1 : 0;
}

} // namespace causeway::detail
