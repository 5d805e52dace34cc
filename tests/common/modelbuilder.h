#pragma once
// Builds a Model in memory, span by span, the way a reader fills one: for
// tests and benchmarks that need a precise link structure without a file.
// Plain C++ (no Qt), so benchmarks can use it too.

#include "core/modelbuilder.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace causeway::test {

class TestModelBuilder
{
public:
    // Trace n gets the id 0x0100..00nnnnnnnn (hex order follows n); span n
    // the id 0x0200..nnnnnnnn. Both are never zero.
    static TraceId traceId(uint32_t n)
    {
        TraceId id;
        id.bytes[0] = 1;
        for (int i = 0; i < 4; ++i)
            id.bytes[15 - i] = uint8_t(n >> (8 * i));
        return id;
    }
    static SpanId spanId(uint32_t n)
    {
        SpanId id;
        id.bytes[0] = 2;
        for (int i = 0; i < 4; ++i)
            id.bytes[7 - i] = uint8_t(n >> (8 * i));
        return id;
    }

    struct LinkSpec
    {
        uint32_t trace = 0;
        uint32_t span = 0;
        std::vector<std::pair<std::string, std::string>> attributes = {};
    };

    struct SpanSpec
    {
        uint32_t trace = 0;
        uint32_t span = 0;
        uint32_t parent = 0;          // 0: a root
        uint64_t start = 0;           // nanoseconds
        uint64_t duration = 1000;
        std::string_view name = "span";
        std::vector<LinkSpec> links = {};
        StatusCode status = StatusCode::Unset;
        std::string_view statusMessage = {};
        SpanKind kind = SpanKind::Internal;
    };

    explicit TestModelBuilder(std::string_view service = "test-service")
    {
        Resource resource;
        resource.attributes = m_build.noAttributes();
        resource.serviceName = m_build.intern(service);
        Scope scope;
        scope.resource = m_build.addResource(resource);
        scope.name = m_build.intern("causeway.test");
        scope.attributes = m_build.noAttributes();
        m_build.addScope(scope);
        m_service = resource.serviceName;
    }

    // Appends one span with its links through the core builder; returns its
    // index before finalize().
    uint32_t add(const SpanSpec &s)
    {
        SpanHot hot;
        hot.start = s.start;
        hot.end = s.start + s.duration;
        hot.name = m_build.intern(s.name);
        hot.service = m_service;
        hot.kind = s.kind;
        hot.status = s.status;

        SpanCold cold;
        cold.traceId = traceId(s.trace);
        cold.spanId = spanId(s.span);
        if (s.parent)
            cold.parentSpanId = spanId(s.parent);
        cold.rawKind = uint32_t(s.kind);
        cold.rawStatusCode = uint32_t(s.status);
        cold.statusMessage = m_build.intern(s.statusMessage);
        cold.attributes = m_build.noAttributes();

        m_build.beginSpan();
        for (const LinkSpec &spec : s.links) {
            Link link;
            link.traceId = traceId(spec.trace);
            link.spanId = spanId(spec.span);
            m_build.beginAttributes();
            for (const auto &[key, value] : spec.attributes)
                m_build.addString(key, value);
            link.attributes = m_build.endAttributes();
            m_build.addLink(link);
        }
        return m_build.endSpan(hot, cold);
    }

    // Finalizes and hands over the model; the builder is empty afterwards.
    Model finish()
    {
        m_model.finalize();
        return std::move(m_model);
    }

private:
    Model m_model;
    causeway::ModelBuilder m_build{m_model};
    StringId m_service = 0;
};

} // namespace causeway::test
