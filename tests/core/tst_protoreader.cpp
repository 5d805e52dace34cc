// The hand-written OTLP protobuf reader against bytes produced by libprotobuf
// from our .proto, and against damaged input.

#include "core/load.h"
#include "core/proto/otlp_trace.pb.h"

#include "common/modelcompare.h"
#include "common/otlpmessages.h"
#include "common/testutil.h"

#include <QTemporaryDir>
#include <QTest>

#include <zstd.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <vector>

using namespace causeway;
using namespace causeway::test;

namespace {

LoadResult load(const std::string &bytes, Model &model)
{
    LoadResult r = loadBuffer("test.pb", bytes, model);
    model.finalize();
    return r;
}

std::string str(const Model &m, StringId id) { return std::string(m.str(id)); }

std::string diagnosticsText(const Model &m)
{
    std::string out;
    for (const auto &d : m.diagnostics.items())
        out += d.code + ": " + d.message + "\n";
    return out;
}

// `bytes` loaded from a file on disk, where the readers copy what they read
// out of the file (ReadContext::copy) instead of reading its mapping; the
// messages name the file `name` as loadBuffer would.
struct FromDisk
{
    LoadResult result;
    std::string diagnostics;
};
FromDisk loadFromDisk(const std::string &bytes, const char *name, Model &model, const LoadOptions &options)
{
    QTemporaryDir dir;
    const std::string path = writeFile(dir, name, bytes);
    FromDisk out;
    out.result = loadFiles({path}, model, options);
    auto named = [&](std::string text) {
        for (size_t at; (at = text.find(path)) != std::string::npos;)
            text.replace(at, path.size(), name);
        return text;
    };
    out.result.error.file = named(out.result.error.file);
    out.diagnostics = named(diagnosticsText(model));
    return out;
}

// A length-delimited field with a one-byte tag and a one-byte length.
std::string lenField(int tag, const std::string &payload)
{
    std::string out;
    out.push_back(char(tag));
    out.push_back(char(payload.size()));
    out.append(payload);
    return out;
}

// A length-delimited field with a one-byte tag and a varint length.
std::string field(int tag, const std::string &payload)
{
    std::string out(1, char(tag));
    for (uint64_t n = payload.size(); ; n >>= 7) {
        out.push_back(char(n < 0x80 ? n : (n & 0x7f) | 0x80));
        if (n < 0x80)
            break;
    }
    return out + payload;
}

std::string frame(const std::string &message)
{
    const auto n = uint32_t(message.size());
    return bytesOf({int(n >> 24), int((n >> 16) & 255), int((n >> 8) & 255), int(n & 255)}) + message;
}

std::string zstd(const std::string &data)
{
    std::string out(ZSTD_compressBound(data.size()), '\0');
    out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
    return out;
}

// A TracesData with one span per resource, ids derived from n.
std::string smallMessage(int n)
{
    pb::TracesData data;
    auto *span = data.add_resource_spans()->add_scope_spans()->add_spans();
    span->set_trace_id(traceIdBytes(n));
    span->set_span_id(spanIdBytes(n));
    span->set_name("span " + std::to_string(n));
    span->set_start_time_unix_nano(1000 + uint64_t(n));
    span->set_end_time_unix_nano(2000 + uint64_t(n));
    return data.SerializeAsString();
}


// A protobuf input large enough to load on several threads: TracesData
// messages of one ResourceSpans each, concatenated (one TracesData).
// First `sparse` bytes of spans that each carry a 4 KB attribute value, so
// that the first part of the input promises few records per byte; then
// random traces, many of their strings new in every piece, up to `total`
// bytes, every 97th span with a short trace id (skipped, with a diagnostic).
struct BigInput
{
    std::string bytes;
    std::vector<size_t> resourceStarts; // where each ResourceSpans' message starts
};
BigInput bigInput(size_t sparse, size_t total)
{
    BigInput in;
    std::mt19937 rng(77);
    int spans = 0;
    auto append = [&](pb::ResourceSpans &rs) {
        for (auto &ss : *rs.mutable_scope_spans())
            for (auto &span : *ss.mutable_spans())
                if (++spans % 97 == 0)
                    span.set_trace_id(span.trace_id().substr(0, 5));
        pb::TracesData one;
        one.add_resource_spans()->Swap(&rs);
        in.resourceStarts.push_back(in.bytes.size());
        in.bytes += one.SerializeAsString();
    };
    for (int n = 0; in.bytes.size() < sparse; ++n) {
        pb::ResourceSpans rs;
        setString(rs.mutable_resource()->add_attributes(), "service.name", "blob-" + std::to_string(n % 5));
        auto *ss = rs.add_scope_spans();
        for (int i = 0; i < 20; ++i) {
            auto *span = ss->add_spans();
            span->set_trace_id(traceIdBytes(n & 255));
            std::string id = spanIdBytes(i);
            id[0] = char(n >> 8);
            id[1] = char(n);
            span->set_span_id(id);
            span->set_name("upload");
            std::string blob(4096, 'x');
            for (auto &c : blob)
                c = char('a' + rng() % 26);
            setString(span->add_attributes(), "payload", blob);
        }
        append(rs);
    }
    for (unsigned seed = 300; in.bytes.size() < total; ++seed) {
        pb::TracesData part = RandomTraces(seed).make(20, 40);
        for (auto &rs : *part.mutable_resource_spans())
            append(rs);
    }
    return in;
}

} // namespace

class TestProtoReader : public QObject
{
    Q_OBJECT

private slots:
    void everyField()
    {
        Model m;
        const LoadResult r = load(richMessage().SerializeAsString(), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(r.spansAdded, uint64_t(3));
        QVERIFY2(m.diagnostics.empty(), diagnosticsText(m).c_str());

        QCOMPARE(m.resources.size(), size_t(2));
        QCOMPARE(str(m, m.resources[0].serviceName), std::string("checkout"));
        QCOMPARE(m.resources[0].droppedAttributesCount, 2u);
        QCOMPARE(str(m, m.resources[0].schemaUrl), std::string("https://opentelemetry.io/schemas/1.21.0"));
        QCOMPARE(str(m, m.resources[1].serviceName), std::string("payments"));

        QCOMPARE(m.scopes.size(), size_t(2));
        const Scope &sc = m.scopes[0];
        QCOMPARE(sc.resource, 0u);
        QCOMPARE(str(m, sc.name), std::string("io.opentelemetry.contrib.mongodb"));
        QCOMPARE(str(m, sc.version), std::string("1.0.0"));
        QCOMPARE(sc.attributes.count, 1u);
        QCOMPARE(str(m, m.attributes[sc.attributes.first].key), std::string("scope.attr"));
        QCOMPARE(sc.droppedAttributesCount, 3u);
        QCOMPARE(str(m, sc.schemaUrl), std::string("https://opentelemetry.io/schemas/1.20.0"));
        QCOMPARE(m.scopes[1].resource, 1u);

        const SpanHot &h = m.hot[0];
        const SpanCold &c = m.cold[0];
        QCOMPARE(c.traceId.hex(), std::string("5b8efff798038103d269b633813fc601"));
        QCOMPARE(c.spanId.hex(), std::string("eee19b7ec3c1b101"));
        QVERIFY(c.parentSpanId.isZero());
        QCOMPARE(str(m, c.traceState), std::string("vendor=abc"));
        QCOMPARE(str(m, h.name), std::string("POST /orders"));
        QCOMPARE(str(m, h.service), std::string("checkout"));
        QCOMPARE(h.kind, SpanKind::Server);
        QCOMPARE(c.rawKind, 2u);
        QCOMPARE(h.start, uint64_t(1544712660000000000ULL));
        QCOMPARE(h.end, uint64_t(1544712661000000000ULL));
        QCOMPARE(c.flags, 0x301u);
        QCOMPARE(h.status, StatusCode::Error);
        QCOMPARE(c.rawStatusCode, 2u);
        QCOMPARE(str(m, c.statusMessage), std::string("payment declined"));
        QCOMPARE(c.droppedAttributesCount, 4u);
        QCOMPARE(c.droppedEventsCount, 5u);
        QCOMPARE(c.droppedLinksCount, 7u);

        QCOMPARE(c.attributes.count, 9u);
        auto attr = [&](uint32_t i) -> const Attribute & { return m.attributes[c.attributes.first + i]; };
        QCOMPARE(str(m, attr(0).key), std::string("http.method"));
        QCOMPARE(attr(0).value.type, ValueType::String);
        QCOMPARE(str(m, attr(0).value.str), std::string("POST"));
        QCOMPARE(attr(1).value.type, ValueType::Bool);
        QCOMPARE(attr(1).value.b, false);
        QCOMPARE(attr(2).value.type, ValueType::Int);
        QCOMPARE(attr(2).value.i, int64_t(-42));
        QCOMPARE(attr(3).value.type, ValueType::Double);
        QVERIFY(std::isnan(attr(3).value.d));
        QCOMPARE(attr(4).value.d, -std::numeric_limits<double>::infinity());
        QCOMPARE(attr(5).value.type, ValueType::Bytes);
        QCOMPARE(str(m, attr(5).value.str), bytesOf({0, 1, 2, 0xff}));
        QCOMPARE(attr(6).value.type, ValueType::Empty);
        QCOMPARE(attr(7).value.type, ValueType::String);
        QCOMPARE(attr(7).value.str, StringId(0));
        const Value &arr = attr(8).value;
        QCOMPARE(arr.type, ValueType::Array);
        QCOMPARE(arr.range.count, 4u);
        QCOMPARE(m.values[arr.range.first].i, int64_t(1));
        QCOMPARE(str(m, m.values[arr.range.first + 1].str), std::string("two"));
        const Value &inner = m.values[arr.range.first + 2];
        QCOMPARE(inner.type, ValueType::Array);
        QCOMPARE(inner.range.count, 1u);
        QCOMPARE(m.values[inner.range.first].b, true);
        const Value &kvl = m.values[arr.range.first + 3];
        QCOMPARE(kvl.type, ValueType::KvList);
        QCOMPARE(kvl.range.count, 2u);
        QCOMPARE(str(m, m.attributes[kvl.range.first].key), std::string("nested"));
        const Value &deeper = m.attributes[kvl.range.first + 1].value;
        QCOMPARE(deeper.type, ValueType::KvList);
        QCOMPARE(str(m, m.attributes[deeper.range.first].key), std::string("leaf"));
        QCOMPARE(m.attributes[deeper.range.first].value.type, ValueType::Empty);

        QCOMPARE(c.events.count, 2u);
        const Event &e = m.events[c.events.first];
        QCOMPARE(e.time, uint64_t(1544712660500000000ULL));
        QCOMPARE(str(m, e.name), std::string("exception"));
        QCOMPARE(e.attributes.count, 1u);
        QCOMPARE(e.droppedAttributesCount, 1u);
        QCOMPARE(str(m, m.events[c.events.first + 1].name), std::string("second"));

        QCOMPARE(c.links.count, 1u);
        const Link &l = m.links[c.links.first];
        QCOMPARE(l.from, 0u);
        QCOMPARE(l.traceId.hex(), std::string("5b8efff798038103d269b633813fc602"));
        QCOMPARE(l.spanId.hex(), std::string("eee19b7ec3c1b109"));
        QCOMPARE(str(m, l.traceState), std::string("rojo=00f067aa0ba902b7"));
        QCOMPARE(l.attributes.count, 1u);
        QCOMPARE(l.droppedAttributesCount, 6u);
        QCOMPARE(l.flags, 0x101u);
        QVERIFY(l.resolved());
        QCOMPARE(l.target, 2u);

        // Unknown enum values are clamped for drawing and kept verbatim for writing.
        QCOMPARE(m.hot[1].kind, SpanKind::Unspecified);
        QCOMPARE(m.cold[1].rawKind, 9u);
        QCOMPARE(m.hot[1].status, StatusCode::Unset);
        QCOMPARE(m.cold[1].rawStatusCode, 5u);
        QCOMPARE(m.hot[1].parent, 0u);
        QCOMPARE(m.traces.size(), size_t(2));
    }

    // ExportTraceServiceRequest has the same field 1: its bytes read the same.
    void exportRequest()
    {
        pb::ExportTraceServiceRequest req;
        req.mutable_resource_spans()->CopyFrom(richMessage().resource_spans());
        Model a, b;
        QVERIFY(load(req.SerializeAsString(), a).ok);
        QVERIFY(load(richMessage().SerializeAsString(), b).ok);
        QCOMPARE(a.spanCount(), b.spanCount());
        QCOMPARE(a.links.size(), b.links.size());
    }

    // Old SDKs send instrumentation_library_spans (field 1000) instead of scope_spans.
    void deprecatedInstrumentationLibrarySpans()
    {
        pb::TracesData data;
        auto *rs = data.add_resource_spans();
        setString(rs->mutable_resource()->add_attributes(), "service.name", "legacy");
        auto *ils = rs->add_instrumentation_library_spans();
        ils->mutable_instrumentation_library()->set_name("old.lib");
        ils->mutable_instrumentation_library()->set_version("0.9");
        ils->set_schema_url("https://example.com/schema");
        auto *span = ils->add_spans();
        span->set_trace_id(traceIdBytes(3));
        span->set_span_id(spanIdBytes(3));
        span->set_name("legacy span");
        Model m;
        const LoadResult r = load(data.SerializeAsString(), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(str(m, m.scopes[0].name), std::string("old.lib"));
        QCOMPARE(str(m, m.scopes[0].version), std::string("0.9"));
        QCOMPARE(str(m, m.scopes[0].schemaUrl), std::string("https://example.com/schema"));
        QCOMPARE(str(m, m.hot[0].service), std::string("legacy"));
    }

    // Protobuf fields may come in any order: the resource after its spans,
    // attributes interleaved with events. Concatenated messages merge.
    void fieldsInAnyOrder()
    {
        pb::ResourceSpans spansOnly;
        auto *span = spansOnly.add_scope_spans()->add_spans();
        span->set_trace_id(traceIdBytes(4));
        span->set_span_id(spanIdBytes(4));
        pb::ResourceSpans resourceOnly;
        setString(resourceOnly.mutable_resource()->add_attributes(), "service.name", "late");
        pb::Span extra; // merged into the span: attributes after the ids and name
        setString(extra.add_attributes(), "a", "1");
        extra.add_events()->set_name("e");
        setString(extra.add_attributes(), "b", "2");
        span->set_name("n");
        std::string spanBytes = span->SerializeAsString() + extra.SerializeAsString();
        spansOnly.mutable_scope_spans(0)->clear_spans();
        // ResourceSpans { scope_spans { spans: <span bytes> } } then { resource }.
        std::string scopeSpans = lenField(0x12, spanBytes);
        std::string rs = lenField(0x12, scopeSpans) + resourceOnly.SerializeAsString();
        std::string data = lenField(0x0a, rs);
        QVERIFY(rs.size() < 128);

        Model m;
        const LoadResult r = load(data, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(str(m, m.hot[0].service), std::string("late"));
        QCOMPARE(m.cold[0].attributes.count, 2u);
        QCOMPARE(str(m, m.attributes[m.cold[0].attributes.first + 1].key), std::string("b"));
        QCOMPARE(m.cold[0].events.count, 1u);

        // libprotobuf agrees on what the bytes mean.
        pb::TracesData parsed;
        QVERIFY(parsed.ParseFromString(data));
        QCOMPARE(parsed.resource_spans(0).scope_spans(0).spans(0).attributes_size(), 2);
    }

    void unknownFieldsAreSkipped()
    {
        pb::Span span;
        span.set_trace_id(traceIdBytes(5));
        span.set_span_id(spanIdBytes(5));
        span.set_name("with unknowns");
        // field 99 varint, field 100 fixed32, field 101 fixed64, field 102 bytes, field 103 group.
        std::string unknown = bytesOf({0x98, 0x06, 0x96, 0x01, 0xa5, 0x06, 1, 2, 3, 4, 0xa9, 0x06, 1, 2, 3, 4, 5, 6, 7, 8,
            0xb2, 0x06, 3, 'a', 'b', 'c', 0xbb, 0x06, 0x08, 0x01, 0xbc, 0x06});
        std::string spanBytes = unknown + span.SerializeAsString() + unknown;
        pb::Span check;
        QVERIFY(check.ParseFromString(spanBytes));

        std::string scopeSpans = lenField(0x12, spanBytes);
        std::string rs = lenField(0x12, scopeSpans);
        std::string bytes = lenField(0x0a, rs);
        Model m;
        const LoadResult r = load(bytes, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(str(m, m.hot[0].name), std::string("with unknowns"));
        QVERIFY2(m.diagnostics.empty(), diagnosticsText(m).c_str());
    }

    void truncatedIsFatalWithOffset_data()
    {
        QTest::addColumn<int>("cut");
        const int size = int(richMessage().SerializeAsString().size());
        QTest::newRow("inside_first_length") << 2;
        QTest::newRow("middle") << size / 2;
        QTest::newRow("last_byte_missing") << size - 1;
    }
    void truncatedIsFatalWithOffset()
    {
        QFETCH(int, cut);
        const std::string bytes = richMessage().SerializeAsString().substr(0, size_t(cut));
        Model m;
        const LoadResult r = loadBuffer("cut.pb", bytes, m);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("malformed OTLP protobuf") != std::string::npos, r.error.message.c_str());
        QVERIFY(r.error.offset < bytes.size());
        QVERIFY2(r.error.text().find("cut.pb") == 0, r.error.text().c_str());
    }

    void badIdsSkipTheSpan()
    {
        pb::TracesData data;
        auto *ss = data.add_resource_spans()->add_scope_spans();
        auto add = [&](const std::string &trace, const std::string &span) {
            auto *s = ss->add_spans();
            s->set_trace_id(trace);
            s->set_span_id(span);
            s->set_name("x");
            return s;
        };
        add(traceIdBytes(1), spanIdBytes(1));                 // good
        add(traceIdBytes(1).substr(0, 8), spanIdBytes(2));    // short trace id
        add(std::string(16, '\0'), spanIdBytes(3));           // all-zero trace id
        add(traceIdBytes(1), std::string(8, '\0'));           // all-zero span id
        add(traceIdBytes(1), "");                             // no span id
        auto *withBadLink = add(traceIdBytes(1), spanIdBytes(6));
        withBadLink->add_links()->set_trace_id(traceIdBytes(2)); // no span id: the link is dropped
        auto *good = withBadLink->add_links();
        good->set_trace_id(traceIdBytes(2));
        good->set_span_id(spanIdBytes(2));
        add(traceIdBytes(1), spanIdBytes(7))->set_parent_span_id("abc"); // bad parent: a root

        Model m;
        const LoadResult r = load(data.SerializeAsString(), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(3));
        QCOMPARE(m.diagnostics.count(diag::SpanBadTraceId), uint64_t(2));
        QCOMPARE(m.diagnostics.count(diag::SpanBadSpanId), uint64_t(2));
        QCOMPARE(m.diagnostics.count(diag::LinkBadSpanId), uint64_t(1));
        QCOMPARE(m.diagnostics.count(diag::SpanBadParentId), uint64_t(1));
        QCOMPARE(m.cold[1].links.count, 1u);
        QCOMPARE(m.links[m.cold[1].links.first].from, 1u);
        QVERIFY(m.cold[2].parentSpanId.isZero());
        for (const auto &d : m.diagnostics.items())
            QVERIFY2(d.message.find("test.pb: byte ") == 0, d.message.c_str());
    }

    void endBeforeStartIsRepaired()
    {
        pb::TracesData data;
        auto *s = data.add_resource_spans()->add_scope_spans()->add_spans();
        s->set_trace_id(traceIdBytes(1));
        s->set_span_id(spanIdBytes(1));
        s->set_start_time_unix_nano(2000);
        s->set_end_time_unix_nano(1000);
        Model m;
        QVERIFY(load(data.SerializeAsString(), m).ok);
        QCOMPARE(m.hot[0].start, uint64_t(2000));
        QCOMPARE(m.hot[0].end, uint64_t(2000));
        QCOMPARE(m.diagnostics.count(diag::SpanEndBeforeStart), uint64_t(1));
    }

    // A known field with the wrong wire type is skipped with a diagnostic;
    // the rest of the span is kept.
    // KeyValues as exporters write them are read straight from their bytes;
    // every other encoding of the same message must read the same as
    // libprotobuf reads it: fields in another order or repeated (the last
    // wins), long lengths, multi-byte and negative varints, empty or
    // missing values, unknown fields, values with two fields set.
    void keyValuesInEveryEncoding()
    {
        const std::string longText(200, 'v'), longKey(130, 'k');
        const std::string doubleBits = [] {
            const double d = -2.5;
            std::string b(8, '\0');
            std::memcpy(b.data(), &d, 8);
            return b;
        }();
        const std::vector<std::string> keyValues = {
            field(0x0a, "plain") + field(0x12, field(0x0a, "text")),
            field(0x12, field(0x0a, "value first")) + field(0x0a, "swapped"),
            field(0x0a, "first key") + field(0x0a, "second key") + field(0x12, field(0x0a, "x")),
            field(0x0a, "int 1") + field(0x12, bytesOf({0x18, 0x01})),
            field(0x0a, "int 300") + field(0x12, bytesOf({0x18, 0xac, 0x02})),
            field(0x0a, "int -1") + field(0x12, bytesOf({0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})),
            field(0x0a, "bool true") + field(0x12, bytesOf({0x10, 0x01})),
            field(0x0a, "bool 2") + field(0x12, bytesOf({0x10, 0x02})),
            field(0x0a, "bool two bytes") + field(0x12, bytesOf({0x10, 0x81, 0x00})),
            field(0x0a, "bool false") + field(0x12, bytesOf({0x10, 0x00})),
            field(0x0a, "double") + field(0x12, "\x21" + doubleBits),
            field(0x0a, "empty value") + field(0x12, ""),
            field(0x0a, "no value"),
            field(0x0a, "two values") + field(0x12, field(0x0a, "s") + bytesOf({0x18, 0x07})),
            field(0x0a, "two value fields") + field(0x12, field(0x0a, "old")) + field(0x12, bytesOf({0x18, 0x05})),
            field(0x0a, "long text") + field(0x12, field(0x0a, longText)),
            field(0x0a, longKey) + field(0x12, field(0x0a, "short")),
            field(0x0a, "unknown only") + field(0x12, bytesOf({0x48, 0x01})),
            field(0x0a, "text then unknown") + field(0x12, field(0x0a, "kept") + bytesOf({0x48, 0x01})),
            field(0x0a, "unknown in pair") + field(0x12, field(0x0a, "y")) + bytesOf({0x18, 0x09}),
            field(0x0a, "bytes") + field(0x12, field(0x3a, bytesOf({0x00, 0xff, 0x10}))),
            field(0x0a, "") + field(0x12, field(0x0a, "empty key")),
            field(0x0a, "empty text") + field(0x12, field(0x0a, "")),
        };
        pb::Span base;
        base.set_trace_id(traceIdBytes(2));
        base.set_span_id(spanIdBytes(2));
        base.set_name("attributes");
        std::string spanBytes = base.SerializeAsString();
        for (const std::string &kv : keyValues)
            spanBytes += field(0x4a, kv); // Span.attributes
        const std::string data = field(0x0a, field(0x12, field(0x12, spanBytes)));

        pb::TracesData parsed;
        QVERIFY(parsed.ParseFromString(data));
        const pb::Span &want = parsed.resource_spans(0).scope_spans(0).spans(0);
        QCOMPARE(want.attributes_size(), int(keyValues.size()));

        Model m;
        const LoadResult r = load(data, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QVERIFY2(m.diagnostics.empty(), diagnosticsText(m).c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(m.cold[0].attributes.count, uint32_t(keyValues.size()));
        for (int i = 0; i < want.attributes_size(); ++i) {
            const pb::KeyValue &kv = want.attributes(i);
            const Attribute &a = m.attributes[m.cold[0].attributes.first + uint32_t(i)];
            const std::string what = "attribute " + std::to_string(i) + " (" + kv.key().substr(0, 20) + ")";
            QVERIFY2(str(m, a.key) == kv.key(), what.c_str());
            const pb::AnyValue &v = kv.value();
            switch (v.value_case()) {
            case pb::AnyValue::kStringValue:
                QVERIFY2(a.value.type == ValueType::String && str(m, a.value.str) == v.string_value(), what.c_str());
                break;
            case pb::AnyValue::kBytesValue:
                QVERIFY2(a.value.type == ValueType::Bytes && str(m, a.value.str) == v.bytes_value(), what.c_str());
                break;
            case pb::AnyValue::kIntValue:
                QVERIFY2(a.value.type == ValueType::Int && a.value.i == v.int_value(), what.c_str());
                break;
            case pb::AnyValue::kBoolValue:
                QVERIFY2(a.value.type == ValueType::Bool && a.value.b == v.bool_value(), what.c_str());
                break;
            case pb::AnyValue::kDoubleValue:
                QVERIFY2(a.value.type == ValueType::Double && a.value.d == v.double_value(), what.c_str());
                break;
            case pb::AnyValue::VALUE_NOT_SET:
                QVERIFY2(a.value.type == ValueType::Empty, what.c_str());
                break;
            default:
                QFAIL(what.c_str());
            }
        }
        // The cases above cover what they claim to.
        QCOMPARE(want.attributes(1).key(), std::string("swapped"));
        QCOMPARE(want.attributes(2).key(), std::string("second key"));
        QCOMPARE(want.attributes(5).value().int_value(), int64_t(-1));
        QCOMPARE(want.attributes(13).value().int_value(), int64_t(7));
        QCOMPARE(want.attributes(14).value().int_value(), int64_t(5));
        QCOMPARE(want.attributes(18).value().string_value(), std::string("kept"));
    }

    // Repeated strings are found again through a small table indexed by
    // their length and first and last bytes: texts that agree there and
    // differ only in the middle share a slot and must still come out as
    // themselves, each with one string id however often it repeats.
    void textsAlikeAtBothEndsStayApart()
    {
        pb::TracesData data;
        auto *scope = data.add_resource_spans()->add_scope_spans();
        auto middle = [](int i) { return std::string(i % 2 ? "odd" : "evn") + std::to_string(1000 + i % 37); };
        for (int n = 1; n <= 60; ++n) {
            auto *span = scope->add_spans();
            span->set_trace_id(traceIdBytes(3));
            span->set_span_id(spanIdBytes(n));
            span->set_name("operation--" + middle(n) + "--operation");
            for (int a = 0; a < 5; ++a)
                setString(span->add_attributes(), ("attribute--" + middle(n + a) + "--attribute").c_str(),
                    "value--" + middle(n * a) + "--value");
        }
        Model m;
        const LoadResult r = load(data.SerializeAsString(), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(60));
        std::map<std::string, StringId> ids;
        auto same = [&](StringId id, const std::string &want) {
            if (str(m, id) != want)
                return false;
            return ids.emplace(want, id).first->second == id; // one id per text
        };
        for (int n = 1; n <= 60; ++n) {
            const uint32_t i = uint32_t(n - 1);
            QVERIFY(same(m.hot[i].name, "operation--" + middle(n) + "--operation"));
            for (int a = 0; a < 5; ++a) {
                const Attribute &at = m.attributes[m.cold[i].attributes.first + uint32_t(a)];
                QVERIFY(same(at.key, "attribute--" + middle(n + a) + "--attribute"));
                QVERIFY(same(at.value.str, "value--" + middle(n * a) + "--value"));
            }
        }
    }

    void wrongWireType()
    {
        pb::Span span;
        span.set_trace_id(traceIdBytes(1));
        span.set_span_id(spanIdBytes(1));
        span.set_name("kept");
        // name (field 5) as a varint, start time (field 7) as a varint.
        std::string spanBytes = span.SerializeAsString() + bytesOf({0x28, 0x05, 0x38, 0x07});
        std::string scopeSpans = lenField(0x12, spanBytes);
        std::string rs = lenField(0x12, scopeSpans);
        Model m;
        const LoadResult r = load(lenField(0x0a, rs), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(str(m, m.hot[0].name), std::string("kept"));
        QCOMPARE(m.hot[0].start, uint64_t(0));
        QCOMPARE(m.diagnostics.count(diag::ProtoWrongWireType), uint64_t(2));
    }

    void deepValuesAreCapped()
    {
        pb::TracesData data;
        auto *s = data.add_resource_spans()->add_scope_spans()->add_spans();
        s->set_trace_id(traceIdBytes(1));
        s->set_span_id(spanIdBytes(1));
        auto *kv = s->add_attributes();
        kv->set_key("deep");
        pb::AnyValue *v = kv->mutable_value();
        for (int i = 0; i < 200; ++i)
            v = v->mutable_array_value()->add_values();
        v->set_string_value("bottom");
        Model m;
        const LoadResult r = load(data.SerializeAsString(), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.diagnostics.count(diag::ValueTooDeep), uint64_t(1));
        // Walk down: the chain ends in an empty value before reaching "bottom".
        Value cur = m.attributes[m.cold[0].attributes.first].value;
        int depth = 0;
        while (cur.type == ValueType::Array) {
            QCOMPARE(cur.range.count, 1u);
            cur = m.values[cur.range.first];
            ++depth;
        }
        QCOMPARE(cur.type, ValueType::Empty);
        QCOMPARE(depth, 63); // the JSON reader keeps the same 63 levels
    }

    // The Collector file exporter: 4-byte big-endian length before each
    // message, each message possibly zstd-compressed.
    void framed()
    {
        const std::string bytes = frame(smallMessage(1)) + frame(zstd(smallMessage(2))) + frame(smallMessage(3));
        QCOMPARE(sniffFormat(bytes), Format::OtlpProtoFramed);
        Model m;
        const LoadResult r = load(bytes, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(3));
        QCOMPARE(str(m, m.hot[1].name), std::string("span 2"));
        QVERIFY2(m.diagnostics.empty(), diagnosticsText(m).c_str());
    }

    // A file cut while the exporter was writing keeps its whole messages.
    void framedDamagedTail()
    {
        const std::string good = frame(smallMessage(1)) + frame(smallMessage(2));
        const std::string last = frame(smallMessage(3));
        const std::string bytes = good + last.substr(0, last.size() - 5);
        Model m;
        const LoadResult r = load(bytes, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        QCOMPARE(m.diagnostics.count(diag::ProtoFrameTruncated), uint64_t(1));
        const std::string message = m.diagnostics.items().front().message;
        QVERIFY2(message.find("byte " + std::to_string(good.size())) != std::string::npos, message.c_str());
    }

    // A damaged message between good ones is dropped whole, not half-loaded.
    void framedCorruptMessage()
    {
        std::string bad = richMessage().SerializeAsString();
        bad.resize(bad.size() - 3);
        const std::string bytes = frame(smallMessage(1)) + frame(bad) + frame(smallMessage(3));
        Model m;
        const LoadResult r = load(bytes, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        QCOMPARE(m.resources.size(), size_t(2));
        QCOMPARE(m.scopes.size(), size_t(2));
        QCOMPARE(str(m, m.hot[1].name), std::string("span 3"));
        QCOMPARE(m.diagnostics.count(diag::ProtoMessageCorrupt), uint64_t(1));
    }

    void framedNothingReadable()
    {
        const std::string bytes = frame(std::string("\x0a\x05\x01", 3));
        Model m;
        const LoadResult r = loadBuffer("bad.bin", bytes, m);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("no readable OTLP protobuf message") != std::string::npos, r.error.message.c_str());
    }

    // A zstd-compressed protobuf file through the loader.
    void zstdWholeFile()
    {
        Model a, b;
        QVERIFY(load(richMessage().SerializeAsString(), a).ok);
        const LoadResult r = load(zstd(richMessage().SerializeAsString()), b);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(b.spanCount(), a.spanCount());
    }

    // A checked-in ExportTraceServiceRequest (see tests/data/proto/README.md),
    // plain, gzip-compressed and in the Collector's framing with zstd.
    void fixtureFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("plain") << QStringLiteral("proto/checkout.pb");
        QTest::newRow("gzip") << QStringLiteral("proto/checkout.pb.gz");
        QTest::newRow("framed_zstd") << QStringLiteral("proto/checkout_framed.bin");
    }
    void fixtureFiles()
    {
        QFETCH(QString, file);
        Model m;
        const LoadResult r = loadFiles({testData(file.toUtf8().constData())}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QVERIFY2(m.diagnostics.empty(), diagnosticsText(m).c_str());
        QCOMPARE(m.spanCount(), size_t(3));
        QCOMPARE(m.traces.size(), size_t(2));
        QCOMPARE(m.resources.size(), size_t(2));
        QCOMPARE(str(m, m.resources[0].schemaUrl), std::string("https://opentelemetry.io/schemas/1.24.0"));
        QCOMPARE(str(m, m.scopes[0].version), std::string("2.1.0-alpha"));
        QCOMPARE(str(m, m.hot[0].name), std::string("POST /checkout"));
        QCOMPARE(m.hot[0].status, StatusCode::Error);
        QCOMPARE(str(m, m.cold[0].statusMessage), std::string("payment failed"));
        QCOMPARE(m.hot[1].parent, 0u);
        QCOMPARE(m.hot[1].kind, SpanKind::Producer);
        const Event &e = m.events[m.cold[1].events.first];
        QCOMPARE(str(m, e.name), std::string("retry"));
        QCOMPARE(m.attributes[e.attributes.first + 1].value.d, 0.25);
        QCOMPARE(str(m, m.hot[2].service), std::string("payments"));
        const Value &regions = m.attributes[m.resources[1].attributes.first + 1].value;
        QCOMPARE(regions.type, ValueType::Array);
        QCOMPARE(str(m, m.values[regions.range.first + 1].str), std::string("us-east-2"));
        // The consumer's link resolves to the producer span in the other trace.
        QCOMPARE(m.links.size(), size_t(1));
        QCOMPARE(m.links[0].from, 2u);
        QCOMPARE(m.links[0].target, 1u);
        QCOMPARE(m.links[0].flags, 257u);
        QCOMPARE(str(m, m.links[0].traceState), std::string("congo=t61rcWkgMzE"));
        QCOMPARE(m.cold[2].flags, 257u);
    }

    // A large input loads on several threads (pieces decoded apart, merged
    // in input order, their records patched by whichever thread is free):
    // the model, string ids and diagnostics of a one-thread load, also with
    // skipped spans in many pieces, pieces full of new strings, and pools
    // that outgrow what the first part of the input promised (a merge that
    // moves them first waits for the pending patches).
    void parallelLoadMatchesOneThread()
    {
        const BigInput in = bigInput(size_t(7) << 20, size_t(30) << 20);
        LoadOptions one;
        one.threads = 1;
        Model expected;
        LoadResult r = loadBuffer("big.pb", in.bytes, expected, one);
        QVERIFY2(r.ok, r.error.text().c_str());
        QVERIFY(expected.spanCount() > 20000);
        QVERIFY(expected.diagnostics.count(diag::SpanBadTraceId) > 200);
        expected.finalize();
        for (unsigned threads : {2u, 4u}) {
            LoadOptions options;
            options.threads = threads;
            Model m;
            r = loadBuffer("big.pb", in.bytes, m, options);
            QVERIFY2(r.ok, r.error.text().c_str());
            m.finalize();
            const std::string diff = compareModels(expected, m);
            QVERIFY2(diff.empty(), diff.c_str());
            QCOMPARE(diagnosticsText(m), diagnosticsText(expected));
            QCOMPARE(QString::fromStdString(test::compareStringIds(expected, m)), QString());

            Model disk;
            const FromDisk d = loadFromDisk(in.bytes, "big.pb", disk, options);
            QVERIFY2(d.result.ok, d.result.error.text().c_str());
            const std::string diskDiff = compareModels(expected, disk);
            QVERIFY2(diskDiff.empty(), diskDiff.c_str());
            QCOMPARE(d.diagnostics, diagnosticsText(expected));
            QCOMPARE(QString::fromStdString(test::compareStringIds(expected, disk)), QString());
        }
    }

    // Damage in a late piece stops the load at its offset, and what the
    // load leaves is whole: the pieces before it, every record patched, as
    // a one-thread load of the same ResourceSpans gives them.
    void parallelLoadStoppedByDamageLeavesWholePieces()
    {
        BigInput in = bigInput(size_t(1) << 20, size_t(30) << 20);
        // A ResourceSpans whose first field has wire type 7, which does not
        // exist, 4 MB before the end.
        size_t k = 0;
        while (in.resourceStarts[k] < in.bytes.size() - (size_t(4) << 20))
            ++k;
        const size_t at = in.resourceStarts[k];
        in.bytes.insert(at, std::string("\x0a\x02\x0f\x00", 4));
        LoadOptions one;
        one.threads = 1;
        Model sequential;
        const LoadResult expected = loadBuffer("big.pb", in.bytes, sequential, one);
        QVERIFY(!expected.ok);
        QCOMPARE(expected.error.offset, uint64_t(at + 2));
        for (unsigned threads : {2u, 4u}) {
            LoadOptions options;
            options.threads = threads;
            Model partial;
            const LoadResult r = loadBuffer("big.pb", in.bytes, partial, options);
            QVERIFY(!r.ok);
            QCOMPARE(r.error.text(), expected.error.text());
            Model disk;
            const FromDisk d = loadFromDisk(in.bytes, "big.pb", disk, options);
            QVERIFY(!d.result.ok);
            QCOMPARE(d.result.error.text(), expected.error.text());
            // Whole ResourceSpans only, none from the damaged one on.
            const size_t resources = partial.resources.size();
            QVERIFY(resources > 0 && resources <= k);
            Model prefix;
            QVERIFY(loadBuffer("prefix.pb", std::string_view(in.bytes).substr(0, in.resourceStarts[resources]), prefix, one).ok);
            const std::string diff = compareModels(prefix, partial);
            QVERIFY2(diff.empty(), diff.c_str());
            QCOMPARE(QString::fromStdString(test::compareStringIds(prefix, partial)), QString());
        }
    }

    // Inputs the parallel load leaves to one thread after all, or cuts
    // where the first share's own walk did not: a top level that ends in a
    // field other than resource_spans (skipped) or in a cut one (an error),
    // found while the first share is being decoded; and a last ResourceSpans
    // so large that the walk for the first share takes it too, while the
    // scan leaves it to the pieces. All as one thread loads them.
    void parallelLoadOfOddTopLevels_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        const BigInput in = bigInput(size_t(1) << 20, size_t(12) << 20);
        QTest::newRow("unknown field at the end") << QByteArray::fromStdString(in.bytes + std::string("\x10\x01", 2));
        QTest::newRow("cut at the end") << QByteArray::fromStdString(in.bytes + std::string("\x0a\x80\x01", 3));
        pb::TracesData data;
        data.add_resource_spans()->CopyFrom(RandomTraces(5).make(1, 3).resource_spans(0));
        auto *ss = data.add_resource_spans()->add_scope_spans();
        for (int i = 0; i < 40000; ++i) {
            auto *span = ss->add_spans();
            span->set_trace_id(traceIdBytes(i & 255));
            std::string id = spanIdBytes(i & 255);
            id[0] = char(i >> 8);
            span->set_span_id(id);
            span->set_name("step " + std::to_string(i % 100));
            setString(span->add_attributes(), "payload", std::string(200, char('a' + i % 26)) + std::to_string(i));
        }
        QTest::newRow("large last ResourceSpans") << QByteArray::fromStdString(data.SerializeAsString());
    }
    void parallelLoadOfOddTopLevels()
    {
        QFETCH(QByteArray, bytes);
        const std::string input = bytes.toStdString();
        QVERIFY(input.size() >= (size_t(8) << 20));
        LoadOptions one;
        one.threads = 1;
        Model expected;
        const LoadResult re = loadBuffer("odd.pb", input, expected, one);
        expected.finalize();
        for (unsigned threads : {2u, 4u}) {
            LoadOptions options;
            options.threads = threads;
            Model m;
            const LoadResult r = loadBuffer("odd.pb", input, m, options);
            QCOMPARE(r.ok, re.ok);
            QCOMPARE(r.error.text(), re.error.text());
            m.finalize();
            QCOMPARE(m.spanCount(), expected.spanCount());
            const std::string diff = compareModels(expected, m);
            QVERIFY2(diff.empty(), diff.c_str());
            QCOMPARE(diagnosticsText(m), diagnosticsText(expected));
            QCOMPARE(QString::fromStdString(test::compareStringIds(expected, m)), QString());

            Model disk;
            const FromDisk d = loadFromDisk(input, "odd.pb", disk, options);
            QCOMPARE(d.result.ok, re.ok);
            QCOMPARE(d.result.error.text(), re.error.text());
            if (!re.ok)
                continue; // loadFiles keeps nothing of a file it could not read
            const std::string diskDiff = compareModels(expected, disk);
            QVERIFY2(diskDiff.empty(), diskDiff.c_str());
            QCOMPARE(d.diagnostics, diagnosticsText(expected));
            QCOMPARE(QString::fromStdString(test::compareStringIds(expected, disk)), QString());
        }
    }

    void cancel()
    {
        pb::TracesData data;
        auto *ss = data.add_resource_spans()->add_scope_spans();
        for (int i = 0; i < 20000; ++i) {
            auto *s = ss->add_spans();
            s->set_trace_id(traceIdBytes(1));
            std::string id = spanIdBytes(1);
            id[0] = char(i >> 8);
            id[1] = char(i & 255);
            s->set_span_id(id);
        }
        std::atomic<bool> stop{true};
        LoadOptions options;
        options.cancel = &stop;
        Model m;
        const LoadResult r = loadBuffer("big.pb", data.SerializeAsString(), m, options);
        QVERIFY(!r.ok);
        QVERIFY(r.cancelled);
        QVERIFY(m.spanCount() < 20000);
    }
};

QTEST_GUILESS_MAIN(TestProtoReader)
#include "tst_protoreader.moc"
