#include "core/poolprefault.h"

#include "core/hugepages.h"
#include "core/model.h"

#include <algorithm>
#include <cstdint>

namespace causeway {

namespace {
// Steps of a huge page, aligned to one, so a step advised huge
// (adviseHugePages) comes in as whole huge pages; small enough that the
// pools advance together.
constexpr uintptr_t kStep = uintptr_t(2) << 20;
}

void PoolPrefaulter::track(const Model &model)
{
    std::lock_guard lock(m_mutex);
    m_rooms.clear();
    m_unsupported = false;
    m_allowed.store(0.0, std::memory_order_relaxed);
    auto add = [this](const auto &v) {
        const size_t room = (v.capacity() - v.size()) * sizeof(v[0]);
        if (room >= kStep)
            m_rooms.push_back({reinterpret_cast<const char *>(v.data() + v.size()), room, 0});
    };
    add(model.resources);
    add(model.scopes);
    add(model.hot);
    add(model.cold);
    add(model.events);
    add(model.links);
    add(model.attributes);
    add(model.values);
}

void PoolPrefaulter::clear()
{
    std::lock_guard lock(m_mutex);
    m_rooms.clear();
    m_allowed.store(0.0, std::memory_order_relaxed);
}

void PoolPrefaulter::allow(double fraction)
{
    m_allowed.store(std::clamp(fraction, 0.0, 1.0), std::memory_order_release);
}

void PoolPrefaulter::run()
{
    std::unique_lock lock(m_mutex, std::try_to_lock);
    if (!lock.owns_lock() || m_unsupported || m_rooms.empty())
        return;
    const double allowed = m_allowed.load(std::memory_order_acquire);
    // Round robin, a step per pool at a time: the merges fill all pools at
    // once, so each should be ahead of them, not one pool far ahead.
    for (bool more = true; more;) {
        more = false;
        for (Room &r : m_rooms) {
            const auto want = size_t(double(r.bytes) * allowed);
            if (r.done >= want)
                continue;
            const auto at = reinterpret_cast<uintptr_t>(r.begin) + r.done;
            const size_t step = std::min(want - r.done, size_t(((at + kStep) & ~(kStep - 1)) - at));
            if (!prefaultForWrite(r.begin + r.done, step)) {
                // No MADV_POPULATE_WRITE, or the room moved: the merges
                // fault their pages in themselves, as without this.
                m_unsupported = true;
                return;
            }
            r.done += step;
            m_faulted.fetch_add(step, std::memory_order_relaxed);
            more = more || r.done < want;
        }
    }
}

} // namespace causeway
