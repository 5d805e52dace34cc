#pragma once
// The one way records are appended to a Model that is not yet finalized.
//
// The pools keep every list contiguous: a span's attributes, events and
// links, an event's attributes, an array's values are each one Range. A
// value nested inside a list item (a kvlist inside an attribute, an array
// inside an array) must therefore be finished before the item that holds it
// is added. The builder keeps one list under construction per nesting level,
// so readers can fill lists depth-first in the order they parse, and buffers
// a span's events and links until the span is finished.
//
// Every reader (OTLP/JSON, OTLP protobuf, Jaeger, Zipkin), the test model
// builder and the benchmarks append through this class. Inline: it sits on
// the hot path of every reader.

#include "core/model.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace causeway {

class ModelBuilder
{
public:
    explicit ModelBuilder(Model &model) : m_model(model) {}

    Model &model() { return m_model; }
    StringId intern(std::string_view s) { return m_model.strings.intern(s); }
    Diagnostics &diagnostics() { return m_model.diagnostics; }

    // --- Attribute lists (span, event, link, resource, scope, kvlist values).
    // beginAttributes() opens a list one level deeper than the open one.
    void beginAttributes()
    {
        if (m_attrDepth == m_attrLists.size())
            m_attrLists.emplace_back();
        m_attrLists[m_attrDepth++].clear();
    }
    void addAttribute(StringId key, Value value) { m_attrLists[m_attrDepth - 1].push_back({key, value}); }
    void addAttribute(std::string_view key, Value value) { addAttribute(intern(key), value); }
    void addString(std::string_view key, std::string_view value) { addAttribute(intern(key), Value::makeString(intern(value))); }
    // Appends the innermost open list to the pool and closes it.
    Range endAttributes()
    {
        auto &list = m_attrLists[--m_attrDepth];
        Range r{uint32_t(m_model.attributes.size()), uint32_t(list.size())};
        m_model.attributes.insert(m_model.attributes.end(), list.begin(), list.end());
        return r;
    }
    // An empty attribute range at the end of the pool.
    Range noAttributes() const { return {uint32_t(m_model.attributes.size()), 0}; }

    // --- Array values, nestable the same way.
    void beginArray()
    {
        if (m_valueDepth == m_valueLists.size())
            m_valueLists.emplace_back();
        m_valueLists[m_valueDepth++].clear();
    }
    void addArrayValue(Value value) { m_valueLists[m_valueDepth - 1].push_back(value); }
    Range endArray()
    {
        auto &list = m_valueLists[--m_valueDepth];
        Range r{uint32_t(m_model.values.size()), uint32_t(list.size())};
        m_model.values.insert(m_model.values.end(), list.begin(), list.end());
        return r;
    }
    Range noValues() const { return {uint32_t(m_model.values.size()), 0}; }

    // --- Resources and scopes.
    // Appends a resource; its service name is derived from the service.name attribute.
    uint32_t addResource(Resource r)
    {
        static constexpr std::string_view kServiceName = "service.name";
        if (!r.serviceName) {
            for (uint32_t i = r.attributes.first; i < r.attributes.end(); ++i) {
                const Attribute &a = m_model.attributes[i];
                if (a.value.type == ValueType::String && m_model.str(a.key) == kServiceName) {
                    r.serviceName = a.value.str;
                    break;
                }
            }
        }
        m_model.resources.push_back(r);
        return uint32_t(m_model.resources.size() - 1);
    }
    uint32_t addScope(const Scope &s)
    {
        m_model.scopes.push_back(s);
        return uint32_t(m_model.scopes.size() - 1);
    }
    Resource &resource(uint32_t i) { return m_model.resources[i]; }
    Scope &scope(uint32_t i) { return m_model.scopes[i]; }
    StringId serviceOfScope(uint32_t scope) const { return m_model.resources[m_model.scopes[scope].resource].serviceName; }

    // --- Spans: beginSpan(), any number of addEvent()/addLink(), endSpan().
    void beginSpan()
    {
        m_events.clear();
        m_links.clear();
    }
    void addEvent(const Event &e) { m_events.push_back(e); }
    // The link's `from` is set by endSpan().
    void addLink(const Link &l) { m_links.push_back(l); }
    size_t pendingLinks() const { return m_links.size(); }
    // Appends the span with the events and links added since beginSpan();
    // sets cold.events and cold.links. Returns the span's index.
    uint32_t endSpan(const SpanHot &hot, SpanCold cold)
    {
        const auto self = uint32_t(m_model.hot.size());
        cold.events = {uint32_t(m_model.events.size()), uint32_t(m_events.size())};
        m_model.events.insert(m_model.events.end(), m_events.begin(), m_events.end());
        cold.links = {uint32_t(m_model.links.size()), uint32_t(m_links.size())};
        for (Link &l : m_links)
            l.from = self;
        m_model.links.insert(m_model.links.end(), m_links.begin(), m_links.end());
        m_model.hot.push_back(hot);
        m_model.cold.push_back(cold);
        return self;
    }

    // Puts what a reader of a format that interleaves services (Jaeger,
    // Zipkin) added in the order OTLP nests it, so that the OTLP written from
    // the model loads back the same: scopes [firstScope, end) are renumbered
    // by resource (keeping their order within a resource), and spans
    // [first, end) are reordered so those of one scope are together, by
    // resource, then scope, keeping their order within a scope. Links keep
    // pointing at their spans.
    void groupSpansByScope(uint32_t first, uint32_t firstScope)
    {
        renumberScopesByResource(first, firstScope);
        const auto n = uint32_t(m_model.hot.size());
        if (n - first < 2)
            return;
        std::vector<uint32_t> order(n - first);
        for (uint32_t i = 0; i < order.size(); ++i)
            order[i] = first + i;
        auto key = [this](uint32_t s) {
            const uint32_t scope = m_model.cold[s].scope;
            return std::pair(m_model.scopes[scope].resource, scope);
        };
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
        bool moved = false;
        for (uint32_t i = 0; i < order.size(); ++i)
            moved = moved || order[i] != first + i;
        if (!moved)
            return;
        std::vector<SpanHot> hot(order.size());
        std::vector<SpanCold> cold(order.size());
        for (uint32_t i = 0; i < order.size(); ++i) {
            hot[i] = m_model.hot[order[i]];
            cold[i] = m_model.cold[order[i]];
            for (uint32_t l = cold[i].links.first; l < cold[i].links.end(); ++l)
                m_model.links[l].from = first + i;
        }
        std::copy(hot.begin(), hot.end(), m_model.hot.begin() + first);
        std::copy(cold.begin(), cold.end(), m_model.cold.begin() + first);
        // The link table stays in span order: rebuild it in the new order.
        std::vector<Link> links;
        links.reserve(m_model.links.size());
        uint32_t base = UINT32_MAX;
        for (uint32_t i = first; i < n; ++i)
            if (m_model.cold[i].links.count)
                base = std::min(base, m_model.cold[i].links.first);
        if (base == UINT32_MAX)
            return;
        links.assign(m_model.links.begin(), m_model.links.begin() + base);
        for (uint32_t i = first; i < n; ++i) {
            Range &r = m_model.cold[i].links;
            const auto at = uint32_t(links.size());
            links.insert(links.end(), m_model.links.begin() + r.first, m_model.links.begin() + r.end());
            r.first = at;
        }
        m_model.links = std::move(links);
    }

private:
    // Scopes [firstScope, end) in resource order, stable; spans [first, end)
    // follow their scope's new index.
    void renumberScopesByResource(uint32_t first, uint32_t firstScope)
    {
        const auto count = uint32_t(m_model.scopes.size());
        if (count - firstScope < 2)
            return;
        std::vector<uint32_t> order(count - firstScope);
        for (uint32_t i = 0; i < order.size(); ++i)
            order[i] = firstScope + i;
        std::stable_sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
            return m_model.scopes[a].resource < m_model.scopes[b].resource;
        });
        std::vector<uint32_t> newIndex(order.size());
        std::vector<Scope> scopes(order.size());
        for (uint32_t i = 0; i < order.size(); ++i) {
            newIndex[order[i] - firstScope] = firstScope + i;
            scopes[i] = m_model.scopes[order[i]];
        }
        std::copy(scopes.begin(), scopes.end(), m_model.scopes.begin() + firstScope);
        for (uint32_t s = first; s < m_model.cold.size(); ++s) {
            uint32_t &scope = m_model.cold[s].scope;
            if (scope >= firstScope && scope < count)
                scope = newIndex[scope - firstScope];
        }
    }

    Model &m_model;
    std::vector<std::vector<Attribute>> m_attrLists;
    size_t m_attrDepth = 0;
    std::vector<std::vector<Value>> m_valueLists;
    size_t m_valueDepth = 0;
    std::vector<Event> m_events;
    std::vector<Link> m_links;
};

} // namespace causeway
