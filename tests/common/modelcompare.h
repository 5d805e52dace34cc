#pragma once
// Field-for-field comparison of two models, independent of string ids and of
// where values sit in the pools: strings are compared as text and compound
// values structurally. Returns an empty string when the models are equal,
// otherwise the path and values of the first difference.

#include "core/model.h"

#include <cmath>
#include <cstring>
#include <sstream>
#include <string>

namespace causeway::test {

class ModelCompare
{
public:
    ModelCompare(const Model &a, const Model &b) : m_a(a), m_b(b) {}

    // Compare every stored field. Derived fields (traces, parents, depths,
    // link targets) are compared too when both models are finalized.
    std::string run()
    {
        if (!count("resources", m_a.resources.size(), m_b.resources.size()))
            return m_diff;
        for (size_t i = 0; i < m_a.resources.size() && m_diff.empty(); ++i)
            resource("resource[" + std::to_string(i) + "]", m_a.resources[i], m_b.resources[i]);
        if (!m_diff.empty() || !count("scopes", m_a.scopes.size(), m_b.scopes.size()))
            return m_diff;
        for (size_t i = 0; i < m_a.scopes.size() && m_diff.empty(); ++i)
            scope("scope[" + std::to_string(i) + "]", m_a.scopes[i], m_b.scopes[i]);
        if (!m_diff.empty() || !count("spans", m_a.hot.size(), m_b.hot.size()))
            return m_diff;
        for (size_t i = 0; i < m_a.hot.size() && m_diff.empty(); ++i)
            span(uint32_t(i));
        if (!m_diff.empty())
            return m_diff;
        if (!m_a.traces.empty() || !m_b.traces.empty())
            derived();
        return m_diff;
    }

private:
    bool fail(const std::string &path, const std::string &a, const std::string &b)
    {
        if (m_diff.empty())
            m_diff = path + ": " + a + " != " + b;
        return false;
    }
    bool count(const std::string &path, size_t a, size_t b)
    {
        return a == b || fail(path + " count", std::to_string(a), std::to_string(b));
    }
    template<typename T>
    bool same(const std::string &path, const T &a, const T &b)
    {
        if (a == b)
            return true;
        std::ostringstream sa, sb;
        sa << a;
        sb << b;
        return fail(path, sa.str(), sb.str());
    }
    bool text(const std::string &path, StringId a, StringId b)
    {
        const std::string_view x = m_a.str(a), y = m_b.str(b);
        return x == y || fail(path, '"' + std::string(x) + '"', '"' + std::string(y) + '"');
    }
    template<size_t N>
    bool id(const std::string &path, const Id<N> &a, const Id<N> &b)
    {
        return a == b || fail(path, a.hex(), b.hex());
    }

    bool value(const std::string &path, const Value &a, const Value &b)
    {
        if (a.type != b.type)
            return fail(path + ".type", std::to_string(int(a.type)), std::to_string(int(b.type)));
        switch (a.type) {
        case ValueType::Empty:
            return true;
        case ValueType::String:
        case ValueType::Bytes:
            return text(path, a.str, b.str);
        case ValueType::Bool:
            return same(path, a.b, b.b);
        case ValueType::Int:
            return same(path, int64_t(a.i), int64_t(b.i)); // copies: the members are 4-byte aligned
        case ValueType::Double: {
            if (std::isnan(a.d) && std::isnan(b.d))
                return true;
            uint64_t x, y;
            std::memcpy(&x, &a.d, 8);
            std::memcpy(&y, &b.d, 8);
            if (x == y)
                return true;
            std::ostringstream sa, sb;
            sa.precision(17);
            sb.precision(17);
            sa << a.d;
            sb << b.d;
            return fail(path, sa.str(), sb.str());
        }
        case ValueType::Array:
            if (!count(path + ".array", a.range.count, b.range.count))
                return false;
            for (uint32_t k = 0; k < a.range.count; ++k)
                if (!value(path + "[" + std::to_string(k) + "]", m_a.values[a.range.first + k], m_b.values[b.range.first + k]))
                    return false;
            return true;
        case ValueType::KvList:
            return attributes(path + ".kvlist", a.range, b.range);
        }
        return true;
    }

    bool attributes(const std::string &path, Range a, Range b)
    {
        if (!count(path, a.count, b.count))
            return false;
        for (uint32_t k = 0; k < a.count; ++k) {
            const Attribute &x = m_a.attributes[a.first + k], &y = m_b.attributes[b.first + k];
            const std::string p = path + "[" + std::to_string(k) + "]";
            if (!text(p + ".key", x.key, y.key) || !value(p + "(" + std::string(m_a.str(x.key)) + ")", x.value, y.value))
                return false;
        }
        return true;
    }

    void resource(const std::string &p, const Resource &a, const Resource &b)
    {
        attributes(p + ".attributes", a.attributes, b.attributes) && same(p + ".droppedAttributesCount", a.droppedAttributesCount, b.droppedAttributesCount)
            && text(p + ".schemaUrl", a.schemaUrl, b.schemaUrl) && text(p + ".serviceName", a.serviceName, b.serviceName);
    }

    void scope(const std::string &p, const Scope &a, const Scope &b)
    {
        same(p + ".resource", a.resource, b.resource) && text(p + ".name", a.name, b.name) && text(p + ".version", a.version, b.version)
            && attributes(p + ".attributes", a.attributes, b.attributes)
            && same(p + ".droppedAttributesCount", a.droppedAttributesCount, b.droppedAttributesCount)
            && text(p + ".schemaUrl", a.schemaUrl, b.schemaUrl);
    }

    void span(uint32_t i)
    {
        const SpanHot &ha = m_a.hot[i], &hb = m_b.hot[i];
        const SpanCold &a = m_a.cold[i], &b = m_b.cold[i];
        const std::string p = "span[" + std::to_string(i) + "] " + a.traceId.hex() + "/" + a.spanId.hex();
        bool ok = id(p + ".traceId", a.traceId, b.traceId) && id(p + ".spanId", a.spanId, b.spanId)
            && id(p + ".parentSpanId", a.parentSpanId, b.parentSpanId) && same(p + ".start", ha.start, hb.start)
            && same(p + ".end", ha.end, hb.end) && text(p + ".name", ha.name, hb.name)
            && text(p + ".service", ha.service, hb.service) && same(p + ".kind", int(ha.kind), int(hb.kind))
            && same(p + ".status", int(ha.status), int(hb.status)) && same(p + ".scope", a.scope, b.scope)
            && text(p + ".traceState", a.traceState, b.traceState) && same(p + ".flags", a.flags, b.flags)
            && same(p + ".rawKind", a.rawKind, b.rawKind) && same(p + ".rawStatusCode", a.rawStatusCode, b.rawStatusCode)
            && text(p + ".statusMessage", a.statusMessage, b.statusMessage)
            && attributes(p + ".attributes", a.attributes, b.attributes)
            && same(p + ".droppedAttributesCount", a.droppedAttributesCount, b.droppedAttributesCount)
            && same(p + ".droppedEventsCount", a.droppedEventsCount, b.droppedEventsCount)
            && same(p + ".droppedLinksCount", a.droppedLinksCount, b.droppedLinksCount)
            && count(p + ".events", a.events.count, b.events.count) && count(p + ".links", a.links.count, b.links.count);
        for (uint32_t k = 0; ok && k < a.events.count; ++k) {
            const Event &x = m_a.events[a.events.first + k], &y = m_b.events[b.events.first + k];
            const std::string e = p + ".events[" + std::to_string(k) + "]";
            ok = same(e + ".time", x.time, y.time) && text(e + ".name", x.name, y.name)
                && attributes(e + ".attributes", x.attributes, y.attributes)
                && same(e + ".droppedAttributesCount", x.droppedAttributesCount, y.droppedAttributesCount);
        }
        for (uint32_t k = 0; ok && k < a.links.count; ++k) {
            const Link &x = m_a.links[a.links.first + k], &y = m_b.links[b.links.first + k];
            const std::string l = p + ".links[" + std::to_string(k) + "]";
            ok = same(l + ".from", x.from, y.from) && id(l + ".traceId", x.traceId, y.traceId) && id(l + ".spanId", x.spanId, y.spanId)
                && text(l + ".traceState", x.traceState, y.traceState) && same(l + ".flags", x.flags, y.flags)
                && attributes(l + ".attributes", x.attributes, y.attributes)
                && same(l + ".droppedAttributesCount", x.droppedAttributesCount, y.droppedAttributesCount);
        }
    }

    void derived()
    {
        if (!count("traces", m_a.traces.size(), m_b.traces.size()))
            return;
        for (size_t t = 0; t < m_a.traces.size(); ++t) {
            const Trace &a = m_a.traces[t], &b = m_b.traces[t];
            const std::string p = "trace[" + std::to_string(t) + "]";
            if (!(id(p + ".id", a.id, b.id) && same(p + ".root", a.root, b.root) && same(p + ".start", a.start, b.start)
                    && same(p + ".end", a.end, b.end) && same(p + ".errorCount", a.errorCount, b.errorCount)
                    && same(p + ".linksOut", a.linksOut, b.linksOut) && same(p + ".linksIn", a.linksIn, b.linksIn)
                    && same(p + ".rootCount", a.rootCount, b.rootCount) && same(p + ".maxDepth", a.maxDepth, b.maxDepth)))
                return;
        }
        for (size_t i = 0; i < m_a.hot.size(); ++i) {
            const std::string p = "span[" + std::to_string(i) + "]";
            if (!(same(p + ".trace", m_a.hot[i].trace, m_b.hot[i].trace) && same(p + ".parent", m_a.hot[i].parent, m_b.hot[i].parent)
                    && same(p + ".depth", m_a.hot[i].depth, m_b.hot[i].depth)
                    && same(p + ".hasLinks", int(m_a.hot[i].hasLinks), int(m_b.hot[i].hasLinks))))
                return;
        }
        if (!count("links", m_a.links.size(), m_b.links.size()))
            return;
        for (size_t l = 0; l < m_a.links.size(); ++l)
            if (!same("link[" + std::to_string(l) + "].target", m_a.links[l].target, m_b.links[l].target))
                return;
    }

    const Model &m_a;
    const Model &m_b;
    std::string m_diff;
};

inline std::string compareModels(const Model &a, const Model &b)
{
    return ModelCompare(a, b).run();
}

// Empty when both models give every string the same id (compareModels
// reads text, not ids): what loads that merge in input order promise
// whatever thread read which part.
inline std::string compareStringIds(const Model &a, const Model &b)
{
    if (a.strings.size() != b.strings.size())
        return "string pools of " + std::to_string(a.strings.size()) + " and " + std::to_string(b.strings.size()) + " strings";
    for (StringId id = 0; id < a.strings.size(); ++id)
        if (a.str(id) != b.str(id))
            return "string " + std::to_string(id) + ": '" + std::string(a.str(id)) + "' against '" + std::string(b.str(id)) + "'";
    return {};
}

} // namespace causeway::test
