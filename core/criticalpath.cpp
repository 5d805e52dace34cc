#include "core/criticalpath.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace causeway {

uint64_t CriticalPath::total() const
{
    uint64_t sum = 0;
    for (const CriticalPathSection &s : sections)
        sum += s.end - s.start;
    return sum;
}

bool CriticalPath::contains(uint32_t span) const
{
    return std::binary_search(spans.begin(), spans.end(), span);
}

CriticalPath criticalPath(const Model &model, uint32_t trace)
{
    CriticalPath path;
    path.trace = trace;
    if (trace >= model.traces.size())
        return path;
    const Range range = model.traces[trace].spans;
    const uint32_t n = range.count;

    // Local indices in start order (the trace's span order).
    std::unordered_map<uint32_t, uint32_t> local;
    local.reserve(n);
    for (uint32_t i = 0; i < n; ++i)
        local.emplace(model.traceSpans[range.first + i], i);
    auto global = [&](uint32_t i) { return model.traceSpans[range.first + i]; };

    std::vector<uint32_t> parent(n, kNone);
    std::vector<std::vector<uint32_t>> children(n);
    std::vector<uint32_t> roots;
    for (uint32_t i = 0; i < n; ++i) {
        const uint32_t p = model.hot[global(i)].parent;
        auto it = p == kNone ? local.end() : local.find(p);
        if (it == local.end()) {
            roots.push_back(i);
        } else {
            parent[i] = it->second;
            children[it->second].push_back(i);
        }
    }

    // Clip every span to its parent, parents first (preorder).
    std::vector<uint64_t> start(n), end(n);
    std::vector<char> kept(n, 0);
    std::vector<uint32_t> stack;
    for (uint32_t root : roots) {
        start[root] = model.hot[global(root)].start;
        end[root] = model.hot[global(root)].end;
        kept[root] = 1;
        stack.assign(1, root);
        while (!stack.empty()) {
            const uint32_t s = stack.back();
            stack.pop_back();
            std::vector<uint32_t> &kids = children[s];
            std::vector<uint32_t> inside;
            inside.reserve(kids.size());
            for (uint32_t c : kids) {
                uint64_t cs = model.hot[global(c)].start, ce = model.hot[global(c)].end;
                if (cs >= start[s]) {
                    if (cs >= end[s])
                        continue;           // starts after the parent ended
                    ce = std::min(ce, end[s]);
                } else {
                    if (ce <= start[s])
                        continue;           // ended before the parent started
                    cs = start[s];
                    ce = std::min(ce, end[s]);
                }
                start[c] = cs;
                end[c] = ce;
                kept[c] = 1;
                inside.push_back(c);
            }
            kids.swap(inside);
            for (auto it = kids.rbegin(); it != kids.rend(); ++it)
                stack.push_back(*it);
        }
    }

    // The last-finishing child of s, finishing strictly before `before` if given.
    auto lastFinishing = [&](uint32_t s, std::optional<uint64_t> before) {
        uint32_t best = kNone;
        for (uint32_t c : children[s]) {
            if (before && end[c] >= *before)
                continue;
            if (best == kNone || end[c] > end[best])
                best = c;
        }
        return best;
    };

    for (uint32_t root : roots) {
        uint32_t current = root;
        std::optional<uint64_t> returning;
        // Each step moves down to a child or up to the parent with an earlier
        // bound; the cap only guards against a broken tree.
        for (size_t steps = 0; steps < 4 * size_t(n) + 4; ++steps) {
            const uint32_t child = lastFinishing(current, returning);
            const uint64_t sectionEnd = returning ? *returning : end[current];
            if (child != kNone) {
                if (end[child] < sectionEnd)
                    path.sections.push_back({global(current), end[child], sectionEnd});
                current = child;
                returning.reset();
                continue;
            }
            if (start[current] < sectionEnd)
                path.sections.push_back({global(current), start[current], sectionEnd});
            if (parent[current] == kNone)
                break;
            returning = start[current];
            current = parent[current];
        }
    }
    for (const CriticalPathSection &s : path.sections)
        path.spans.push_back(s.span);
    std::sort(path.spans.begin(), path.spans.end());
    path.spans.erase(std::unique(path.spans.begin(), path.spans.end()), path.spans.end());
    return path;
}

} // namespace causeway
