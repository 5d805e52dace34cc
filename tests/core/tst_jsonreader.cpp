// The OTLP/JSON reader on public samples and hand-written inputs: every
// field of the model, the spellings real producers use, wrappers, JSON Lines,
// and the multi-threaded path giving the same model as the single-threaded one.

#include "common/testutil.h"
#include "core/json_scan.h"
#include "core/load.h"
#include "core/model.h"

#include <QTest>

#include <atomic>
#include <cmath>
#include <random>
#include <sstream>

using namespace causeway;

namespace {

LoadResult loadText(std::string_view text, Model &m, unsigned threads = 0, std::string_view name = "inline.json")
{
    LoadOptions options;
    options.threads = threads;
    LoadResult r = loadBuffer(name, text, m, options);
    m.finalize();
    return r;
}

LoadResult loadPath(const std::string &path, Model &m)
{
    return loadFiles({path}, m);
}

uint32_t spanNamed(const Model &m, std::string_view name)
{
    for (uint32_t i = 0; i < m.spanCount(); ++i)
        if (m.str(m.hot[i].name) == name)
            return i;
    return kNone;
}

const Attribute *attr(const Model &m, Range r, std::string_view key)
{
    for (uint32_t i = r.first; i < r.end(); ++i)
        if (m.str(m.attributes[i].key) == key)
            return &m.attributes[i];
    return nullptr;
}

// A text form of everything the reader produces, with strings resolved, so
// two models can be compared whatever their string ids.
void dumpValue(const Model &m, const Value &v, std::ostream &out);
void dumpAttrs(const Model &m, Range r, std::ostream &out)
{
    out << '{';
    for (uint32_t i = r.first; i < r.end(); ++i) {
        out << m.str(m.attributes[i].key) << '=';
        dumpValue(m, m.attributes[i].value, out);
        out << ';';
    }
    out << '}';
}
void dumpValue(const Model &m, const Value &v, std::ostream &out)
{
    switch (v.type) {
    case ValueType::Empty: out << "empty"; break;
    case ValueType::String: out << "s:" << m.str(v.str); break;
    case ValueType::Bytes: out << "b:" << toHex(m.str(v.str)); break;
    case ValueType::Bool: out << (v.b ? "true" : "false"); break;
    case ValueType::Int: out << "i:" << v.i; break;
    case ValueType::Double: out << "d:" << v.d; break;
    case ValueType::Array:
        out << '[';
        for (uint32_t i = v.range.first; i < v.range.end(); ++i) {
            dumpValue(m, m.values[i], out);
            out << ',';
        }
        out << ']';
        break;
    case ValueType::KvList: dumpAttrs(m, v.range, out); break;
    }
}
std::string dump(const Model &m)
{
    std::ostringstream out;
    for (uint32_t i = 0; i < m.spanCount(); ++i) {
        const auto &h = m.hot[i];
        const auto &c = m.cold[i];
        const auto &scope = m.scopes[c.scope];
        const auto &res = m.resources[scope.resource];
        out << c.traceId.hex() << '/' << c.spanId.hex() << " p=" << c.parentSpanId.hex() << " n=" << m.str(h.name)
            << " svc=" << m.str(h.service) << " t=" << h.start << '-' << h.end << " k=" << int(h.kind) << '/'
            << c.rawKind << " st=" << int(h.status) << '/' << c.rawStatusCode << ':' << m.str(c.statusMessage)
            << " ts=" << m.str(c.traceState) << " f=" << c.flags << " d=" << c.droppedAttributesCount << ','
            << c.droppedEventsCount << ',' << c.droppedLinksCount << " scope=" << m.str(scope.name) << '@'
            << m.str(scope.version) << '|' << m.str(scope.schemaUrl);
        dumpAttrs(m, scope.attributes, out);
        out << " res=" << m.str(res.schemaUrl) << ',' << res.droppedAttributesCount;
        dumpAttrs(m, res.attributes, out);
        out << " attrs=";
        dumpAttrs(m, c.attributes, out);
        for (uint32_t e = c.events.first; e < c.events.end(); ++e) {
            out << " ev=" << m.events[e].time << ':' << m.str(m.events[e].name) << ':' << m.events[e].droppedAttributesCount;
            dumpAttrs(m, m.events[e].attributes, out);
        }
        for (uint32_t l = c.links.first; l < c.links.end(); ++l) {
            const auto &lk = m.links[l];
            out << " link=" << lk.traceId.hex() << '/' << lk.spanId.hex() << ':' << m.str(lk.traceState) << ':'
                << lk.flags << ':' << lk.droppedAttributesCount << ':' << (lk.resolved() ? "resolved" : "open");
            dumpAttrs(m, lk.attributes, out);
        }
        out << '\n';
    }
    for (const auto &d : m.diagnostics.items())
        out << "diag " << d.code << ' ' << d.count << ' ' << d.message << '\n';
    return out.str();
}

// A document of `resources` resourceSpans, each with `spans` spans carrying
// attributes, events and a link into the previous resource's trace.
std::string generateDocument(int resources, int spans)
{
    std::string s = "{\"resourceSpans\":[";
    char buf[64];
    for (int r = 0; r < resources; ++r) {
        if (r)
            s += ',';
        s += "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc-"
            + std::to_string(r % 7) + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"gen\",\"version\":\"1\"},\"spans\":[";
        for (int i = 0; i < spans; ++i) {
            if (i)
                s += ',';
            std::snprintf(buf, sizeof buf, "%032x", r + 1);
            const std::string trace = buf;
            std::snprintf(buf, sizeof buf, "%016x", i + 1);
            const std::string span = buf;
            std::snprintf(buf, sizeof buf, "%016x", i);
            const std::string parent = i ? std::string(buf) : std::string();
            s += "{\"traceId\":\"" + trace + "\",\"spanId\":\"" + span + "\",\"parentSpanId\":\"" + parent
                + "\",\"name\":\"op-" + std::to_string(i % 13) + "\",\"kind\":" + std::to_string(i % 6)
                + ",\"startTimeUnixNano\":\"" + std::to_string(1000000 + i * 10) + "\",\"endTimeUnixNano\":\""
                + std::to_string(1000000 + i * 10 + 5) + "\",\"attributes\":[{\"key\":\"n\",\"value\":{\"intValue\":\""
                + std::to_string(i) + "\"}},{\"key\":\"text\",\"value\":{\"stringValue\":\"value with \\\"quotes\\\" and \\\\ "
                + std::to_string(i * 7) + " {[\"}}],\"events\":[{\"timeUnixNano\":\"" + std::to_string(1000000 + i * 10 + 1)
                + "\",\"name\":\"e\"}]";
            if (r > 0) {
                std::snprintf(buf, sizeof buf, "%032x", r);
                s += ",\"links\":[{\"traceId\":\"" + std::string(buf) + "\",\"spanId\":\"" + span
                    + "\",\"attributes\":[{\"key\":\"k\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":1},{\"stringValue\":\"x\"}]}}}]}]";
            }
            s += ",\"status\":{\"code\":" + std::to_string(i % 3) + "}}";
        }
        s += "]}]}";
    }
    s += "]}";
    return s;
}


// Many small resourceSpans entries, so the document is read in runs of whole
// entries on the workers. `schemaFirst` puts each entry's schemaUrl first,
// where no run can be made to end (a run ends before an entry whose first
// key is a ResourceSpans field), so the same content is read entry by entry.
// Every `trapEvery`-th entry holds a span with an unknown field whose value
// looks like the start of an entry ("},{\"resource\":"), so a run guessed
// to end there does not land and is read again; strings carry escaped
// quotes, backslashes and brackets. Entry `hugeAt` has 6,000 spans, more
// than a run holds.
std::string manyEntriesEntry(int r, bool schemaFirst, int trapEvery, int hugeAt, int repeatEvery)
{
    std::string s;
    char buf[64];
    const std::string schema = "\"schemaUrl\":\"https://schema/" + std::to_string(r % 5) + "\"";
    s += '{';
    if (schemaFirst)
        s += schema + ',';
    s += "\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc-"
        + std::to_string(r % 11) + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"lib\",\"version\":\""
        + std::to_string(r % 3) + "\"},\"spans\":[";
    const int spans = r == hugeAt ? 6000 : 1 + r % 4;
    for (int i = 0; i < spans; ++i) {
        if (i)
            s += ", ";
        std::snprintf(buf, sizeof buf, "%032x", r + 1);
        const std::string trace = buf;
        std::snprintf(buf, sizeof buf, "%016x", i + 1);
        s += "{\"traceId\":\"" + trace + "\",\"spanId\":\"" + std::string(buf) + "\",\"name\":\"op-"
            + std::to_string((r + i) % 13) + "\",\"startTimeUnixNano\":\"" + std::to_string(1000 + i)
            + "\",\"endTimeUnixNano\":\"" + std::to_string(2000 + i)
            + "\",\"attributes\":[{\"key\":\"text\",\"value\":{\"stringValue\":\"},{\\\"resource\\\":[ \\\\"
            + std::to_string(r) + "\\\\\"}},{\"key\":\"list\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"]}\"},"
              "{\"arrayValue\":{\"values\":[{\"intValue\":\"" + std::to_string(i) + "\"}]}}]}}}]";
        if (trapEvery && r % trapEvery == trapEvery - 1 && i == 0)
            s += ",\"unknown\":[[{}],{},{\"resource\":{\"a\":[1,[2]]}}]";
        s += '}';
    }
    s += ']';
    // Repeated keys: the document reader keeps the first resource and scope
    // and reads every spans array.
    const bool repeat = repeatEvery && r % repeatEvery == 0;
    if (repeat) {
        std::snprintf(buf, sizeof buf, "%016x", 0x10000 + r);
        s += ",\"scope\":{\"name\":\"second\"},\"spans\":[{\"traceId\":\"" + std::string(31, 'f')
            + "1\",\"spanId\":\"" + std::string(buf) + "\",\"name\":\"again\"}]";
    }
    s += "}]";
    if (!schemaFirst)
        s += ',' + schema;
    if (repeat)
        s += ",\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"second\"}}]}";
    s += '}';
    return s;
}

std::string manyEntries(int entries, bool schemaFirst, int trapEvery = 0, int hugeAt = -1, int repeatEvery = 0)
{
    std::string s = "{\"resourceSpans\":[";
    for (int r = 0; r < entries; ++r) {
        if (r)
            s += r % 3 ? "," : ",\n  ";
        s += manyEntriesEntry(r, schemaFirst, trapEvery, hugeAt, repeatEvery);
    }
    s += "]}";
    return s;
}

// The same entries as JSON Lines, one document a line.
std::string manyEntriesLines(int entries, int trapEvery = 0, int hugeAt = -1)
{
    std::string s;
    for (int r = 0; r < entries; ++r)
        s += "{\"resourceSpans\":[" + manyEntriesEntry(r, false, trapEvery, hugeAt, 0) + "]}\n";
    return s;
}

std::vector<std::string_view> stringsOf(const Model &m)
{
    std::vector<std::string_view> out;
    for (size_t i = 0; i < m.strings.size(); ++i)
        out.push_back(m.str(StringId(i)));
    return out;
}
} // namespace

class TestJsonReader : public QObject
{
    Q_OBJECT

private slots:
    void otelprotoExample()
    {
        Model m;
        auto r = loadPath(test::publicSample("otelproto_examples_trace.json"), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(m.links.size(), size_t(0));
        const auto &c = m.cold[0];
        QCOMPARE(c.traceId.hex(), std::string("5b8efff798038103d269b633813fc60c"));
        QCOMPARE(c.spanId.hex(), std::string("eee19b7ec3c1b174"));
        QCOMPARE(c.parentSpanId.hex(), std::string("eee19b7ec3c1b173"));
        QCOMPARE(m.str(m.hot[0].name), std::string_view("I'm a server span"));
        QCOMPARE(m.str(m.hot[0].service), std::string_view("my.service"));
        QCOMPARE(m.hot[0].kind, SpanKind::Server);
        QCOMPARE(c.rawKind, 2u);
        QCOMPARE(m.hot[0].start, uint64_t(1544712660000000000ULL));
        QCOMPARE(m.hot[0].end, uint64_t(1544712661000000000ULL));
        const auto &scope = m.scopes[c.scope];
        QCOMPARE(m.str(scope.name), std::string_view("my.library"));
        QCOMPARE(m.str(scope.version), std::string_view("1.0.0"));
        const Attribute *sa = attr(m, scope.attributes, "my.scope.attribute");
        QVERIFY(sa && sa->value.type == ValueType::String);
        QCOMPARE(m.str(sa->value.str), std::string_view("some scope attribute"));
        const Attribute *a = attr(m, c.attributes, "my.span.attr");
        QVERIFY(a && m.str(a->value.str) == "some value");
        // The parent is not in the file: a root, with a diagnostic from finalize.
        QCOMPARE(m.hot[0].parent, kNone);
        QCOMPARE(m.diagnostics.count(diag::SpanParentMissing), uint64_t(1));
    }

    void jaegerMemoryFixture()
    {
        Model m;
        auto r = loadPath(test::publicSample("jaeger_memory_otel_traces_01.json"), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(4));
        QCOMPARE(m.links.size(), size_t(8));
        QCOMPARE(m.traces.size(), size_t(2));
        const uint32_t s = spanNamed(m, "test-general-conversion-2");
        QVERIFY(s != kNone);
        const auto &c = m.cold[s];
        QCOMPARE(m.str(c.traceState), std::string_view("state.2"));
        QCOMPARE(c.flags, 1u);
        QCOMPARE(m.str(m.hot[s].service), std::string_view("service-x"));
        QCOMPARE(c.events.count, 2u);
        QCOMPARE(m.str(m.events[c.events.first].name), std::string_view("testing-event"));
        QCOMPARE(m.events[c.events.first].time, uint64_t(1485467191639875000ULL));
        const Attribute *blob = attr(m, c.attributes, "blob");
        QVERIFY(blob && blob->value.type == ValueType::Bytes);
        QCOMPARE(m.str(blob->value.str), std::string_view("\x00\x00\x30\x39", 4));
        const Attribute *ipv4 = attr(m, c.attributes, "peer.ipv4");
        QVERIFY(ipv4 && ipv4->value.type == ValueType::Int && ipv4->value.i == 23456);
        const Attribute *temp = attr(m, c.attributes, "temperature");
        QVERIFY(temp && temp->value.type == ValueType::Double && temp->value.d == 72.5);
        QVERIFY(c.links.count > 0);
        const Link &l = m.links[c.links.first];
        QCOMPARE(l.from, s);
        const Attribute *ref = attr(m, l.attributes, "opentracing.ref_type");
        QVERIFY(ref && m.str(ref->value.str) == "follows_from");
        // Every link attribute list is a contiguous range inside the pool.
        for (const Link &lk : m.links)
            QVERIFY(lk.attributes.end() <= m.attributes.size());
    }

    void linkAttributes()
    {
        Model m;
        auto r = loadPath(test::publicSample("jaeger_integration_link_attributes_trace.json"), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(m.links.size(), size_t(3));
        const Link &l = m.links[m.cold[0].links.first];
        QCOMPARE(l.traceId.hex(), std::string("000000000000000000000000000000ff"));
        QCOMPARE(l.spanId.hex(), std::string("00000000000000ff"));
        QCOMPARE(l.attributes.count, 6u);
        const Attribute *blob = attr(m, l.attributes, "linkblob");
        QVERIFY(blob && blob->value.type == ValueType::Bytes);
        QCOMPARE(m.str(blob->value.str), std::string_view("\x00\x00\x30\x39", 4));
        const Attribute *i = attr(m, l.attributes, "sameplacelinkattribute2");
        QVERIFY(i && i->value.type == ValueType::Int && i->value.i == 123);
        const Attribute *b = attr(m, l.attributes, "sameplacelinkattribute4");
        QVERIFY(b && b->value.type == ValueType::Bool && b->value.b);
        const Attribute *d = attr(m, l.attributes, "sameplacelinkattribute3");
        QVERIFY(d && d->value.type == ValueType::Double && d->value.d == 72.5);
        QVERIFY(!l.resolved());
        QCOMPARE(m.str(m.scopes[m.cold[0].scope].name), std::string_view());
        QCOMPARE(m.hot[0].status, StatusCode::Unset);
    }

    void jaegerV3AllValueShapes()
    {
        Model m;
        auto r = loadPath(test::publicSample("jaegerui_v3_gettrace_jaeger-2.21.0.json"), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(3));
        QCOMPARE(m.links.size(), size_t(1));
        const uint32_t root = spanNamed(m, "root-with-any-values");
        QVERIFY(root != kNone);
        const auto &c = m.cold[root];
        const Attribute *array = attr(m, c.attributes, "array");
        QVERIFY(array && array->value.type == ValueType::Array);
        QCOMPARE(array->value.range.count, 3u);
        const Value *items = &m.values[array->value.range.first];
        QCOMPARE(m.str(items[0].str), std::string_view("first"));
        QVERIFY(items[1].type == ValueType::Bool && !items[1].b);
        QVERIFY(items[2].type == ValueType::Int && items[2].i == INT64_MAX);
        const Attribute *bytes = attr(m, c.attributes, "bytes");
        QVERIFY(bytes && bytes->value.type == ValueType::Bytes);
        QCOMPARE(m.str(bytes->value.str), std::string_view("\x01\x02\x03"));
        const Attribute *empty = attr(m, c.attributes, "empty");
        QVERIFY(empty && empty->value.type == ValueType::String && m.str(empty->value.str).empty());
        const Attribute *integer = attr(m, c.attributes, "integer");
        QVERIFY(integer && integer->value.type == ValueType::Int && integer->value.i == 0);
        const Attribute *nested = attr(m, c.attributes, "nested");
        QVERIFY(nested && nested->value.type == ValueType::KvList);
        const Attribute *child = attr(m, nested->value.range, "child");
        QVERIFY(child && child->value.type == ValueType::Array && child->value.range.count == 1);
        QCOMPARE(m.str(m.values[child->value.range.first].str), std::string_view("value"));
        QCOMPARE(m.hot[root].status, StatusCode::Error);
        QCOMPARE(c.rawStatusCode, 2u);
        QCOMPARE(m.str(c.statusMessage), std::string_view("probe error status"));
        QCOMPARE(c.events.count, 1u);
        const Link &l = m.links[c.links.first];
        QCOMPARE(m.str(l.traceState), std::string_view("vendor=example"));
        QCOMPARE(l.flags, 1u);
        const uint32_t unset = spanNamed(m, "unset-kind-and-status");
        QCOMPARE(m.hot[unset].kind, SpanKind::Unspecified);
        QCOMPARE(m.hot[unset].status, StatusCode::Unset);
        QCOMPARE(m.hot[unset].parent, root);
        const uint32_t numeric = spanNamed(m, "numeric-kind-and-status");
        QCOMPARE(m.hot[numeric].kind, SpanKind::Server);
        QCOMPARE(m.hot[numeric].status, StatusCode::Ok);
        QVERIFY(m.diagnostics.empty());
    }

    void snakeCaseAndOldNames()
    {
        Model m;
        auto r = loadPath(test::testData("json/snake_case.json"), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        const uint32_t s = spanNamed(m, "snake-span");
        const auto &c = m.cold[s];
        QCOMPARE(c.traceId.hex(), std::string("000102030405060708090a0b0c0d0e0f")); // base64
        QCOMPARE(c.spanId.hex(), std::string("0102030405060708"));
        QVERIFY(c.parentSpanId.isZero()); // "" is absent
        QCOMPARE(m.str(c.traceState), std::string_view("k=v"));
        QCOMPARE(c.flags, 257u);
        QCOMPARE(m.hot[s].kind, SpanKind::Consumer);
        QCOMPARE(c.rawKind, 5u);
        QCOMPARE(m.hot[s].start, uint64_t(1700000000000000000ULL));
        QCOMPARE(m.hot[s].end, uint64_t(1700000000500000000ULL));
        QCOMPARE(m.hot[s].status, StatusCode::Error);
        QCOMPARE(m.str(c.statusMessage), std::string_view("boom"));
        QCOMPARE(c.droppedAttributesCount, 3u);
        QCOMPARE(c.droppedEventsCount, 4u);
        QCOMPARE(c.droppedLinksCount, 6u);
        QVERIFY(std::isnan(attr(m, c.attributes, "nan")->value.d));
        QCOMPARE(attr(m, c.attributes, "inf")->value.d, std::numeric_limits<double>::infinity());
        QCOMPARE(attr(m, c.attributes, "ninf")->value.d, -std::numeric_limits<double>::infinity());
        QCOMPARE(attr(m, c.attributes, "negative")->value.i, int64_t(-42));
        QCOMPARE(attr(m, c.attributes, "nothing")->value.type, ValueType::Empty);
        QVERIFY(attr(m, c.attributes, "flag")->value.b);
        QCOMPARE(m.events[c.events.first].droppedAttributesCount, 1u);
        QCOMPARE(m.events[c.events.first].time, uint64_t(1700000000100000000ULL));
        const Link &l = m.links[c.links.first];
        QCOMPARE(m.str(l.traceState), std::string_view("a=b"));
        QCOMPARE(l.flags, 1u);
        QCOMPARE(l.droppedAttributesCount, 5u);
        const auto &scope = m.scopes[c.scope];
        QCOMPARE(m.str(scope.name), std::string_view("old-lib"));
        QCOMPARE(m.str(scope.version), std::string_view("0.9"));
        QCOMPARE(m.str(scope.schemaUrl), std::string_view("https://opentelemetry.io/schemas/1.4.0"));
        const auto &res = m.resources[scope.resource];
        QCOMPARE(m.str(res.schemaUrl), std::string_view("https://opentelemetry.io/schemas/1.9.0"));
        QCOMPARE(res.droppedAttributesCount, 2u);
        QCOMPARE(m.str(res.serviceName), std::string_view("snake-service"));
        QCOMPARE(attr(m, res.attributes, "host.cores")->value.i, int64_t(8));
        // Same trace written in uppercase hex: the child finds its base64-written parent.
        const uint32_t child = spanNamed(m, "child");
        QCOMPARE(m.hot[child].parent, s);
        QCOMPARE(m.hot[child].kind, SpanKind::Unspecified); // 7 is past the enum
        QCOMPARE(m.cold[child].rawKind, 7u);
        QCOMPARE(m.hot[child].status, StatusCode::Ok);
        QCOMPARE(m.traces.size(), size_t(1));
        QVERIFY2(m.diagnostics.empty(), dump(m).c_str());
    }

    void backendWrappers_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("service");
        QTest::addColumn<int>("kind");
        QTest::newRow("tempo v1 batches") << QStringLiteral("json/tempo_v1_batches.json") << QStringLiteral("tempo-v1") << int(SpanKind::Server);
        QTest::newRow("tempo v2 trace") << QStringLiteral("json/tempo_v2_trace.json") << QStringLiteral("tempo-v2") << int(SpanKind::Client);
    }
    void backendWrappers()
    {
        QFETCH(QString, file);
        QFETCH(QString, service);
        QFETCH(int, kind);
        Model m;
        auto r = loadPath(test::testData(file.toUtf8().constData()), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(QString::fromUtf8(m.str(m.hot[0].service)), service);
        QCOMPARE(int(m.hot[0].kind), kind);
        QCOMPARE(m.str(m.scopes[m.cold[0].scope].name), std::string_view("lib"));
        QVERIFY(m.hot[0].end > m.hot[0].start);
    }

    void jsonLines()
    {
        Model m;
        auto r = loadPath(test::testData("json/collector.jsonl"), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(3));
        QCOMPARE(m.str(m.hot[0].name), std::string_view("send"));
        QCOMPARE(m.str(m.hot[1].name), std::string_view("receive"));
        QCOMPARE(m.str(m.hot[2].name), std::string_view("process"));
        QCOMPARE(m.links.size(), size_t(1));
        QCOMPARE(m.links[0].target, 0u);
        QCOMPARE(m.hot[2].parent, 1u);
        QCOMPARE(m.str(m.hot[1].service), std::string_view("consumer"));
        QVERIFY(m.diagnostics.empty());
    }

    void keyOrderDoesNotMatter()
    {
        // resource and scope after the spans, schemaUrl first: the spans still get their service and scope.
        const std::string doc = R"({"resourceSpans":[{"schemaUrl":"rs-schema","scopeSpans":[{"spans":[
            {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"a","startTimeUnixNano":"1","endTimeUnixNano":"2"}],
            "scope":{"name":"late-scope"},"schemaUrl":"ss-schema"}],
            "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late-service"}}]}}]})";
        Model m;
        auto r = loadText(doc, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(m.str(m.hot[0].service), std::string_view("late-service"));
        const auto &scope = m.scopes[m.cold[0].scope];
        QCOMPARE(m.str(scope.name), std::string_view("late-scope"));
        QCOMPARE(m.str(scope.schemaUrl), std::string_view("ss-schema"));
        QCOMPARE(m.str(m.resources[scope.resource].schemaUrl), std::string_view("rs-schema"));
    }

    void noServiceName()
    {
        const std::string doc = R"({"resourceSpans":[{"scopeSpans":[{"spans":[
            {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"a"}]}]}]})";
        Model m;
        QVERIFY(loadText(doc, m).ok);
        QCOMPARE(m.hot[0].service, StringId(0));
        QCOMPARE(m.resources.size(), size_t(1));
        QCOMPARE(m.resources[0].serviceName, StringId(0));
    }

    void emptyDocuments()
    {
        Model m;
        QVERIFY(loadText("{}", m).ok);
        QVERIFY(loadText(R"({"resourceSpans":[]})", m).ok);
        QVERIFY(loadText(R"({"resourceSpans":null})", m).ok);
        QCOMPARE(m.spanCount(), size_t(0));
        QVERIFY(m.diagnostics.empty());
    }

    void deepValuesAreCapped()
    {
        // AnyValue arrays nested 200 deep (600 JSON levels): cut at the cap, no crash.
        std::string value = R"({"stringValue":"leaf"})";
        for (int i = 0; i < 200; ++i)
            value = R"({"arrayValue":{"values":[)" + value + "]}}";
        const std::string doc = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","attributes":[{"key":"deep","value":)"
            + value + "}]}]}]}]}";
        Model m;
        auto r = loadText(doc, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(m.diagnostics.count(diag::ValueTooDeep), uint64_t(1));
        int depth = 0;
        const Value *v = &attr(m, m.cold[0].attributes, "deep")->value;
        while (v->type == ValueType::Array) {
            QCOMPARE(v->range.count, 1u);
            v = &m.values[v->range.first];
            ++depth;
        }
        QCOMPARE(v->type, ValueType::Empty);
        QVERIFY(depth >= 32 && depth < 200);
    }

    // The document scan finds each span's end 64 bytes at a time, with AVX2
    // where the CPU has it: both ways must agree on every text, whatever
    // straddles a block (escapes, quotes, brackets inside strings, depth).
    void containerScanAgreesWithAndWithoutAvx2()
    {
        std::mt19937 rng(7);
        const char pieces[][8] = {"{", "}", "[", "]", "\"", "\\", "\\\"", "\\\\", "a", "  ", ",", ":", "\"{\"", "\"]\""};
        size_t agreed = 0, closed = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string text = "{";
            const size_t len = 1 + rng() % 400;
            while (text.size() < len)
                text += pieces[rng() % std::size(pieces)];
            if (round % 3 == 0)
                text += std::string(rng() % 8, '}');
            for (size_t maxDepth : {size_t(3), size_t(1000)}) {
                size_t end1 = 0, end2 = 0;
                detail::JsonScanError e1, e2;
                const bool ok1 = detail::skipContainer(text, 0, maxDepth, end1, e1);
                const bool ok2 = detail::skipContainerPortable(text, 0, maxDepth, end2, e2);
                QCOMPARE(ok1, ok2);
                if (ok1) {
                    QCOMPARE(end1, end2);
                    ++closed;
                } else {
                    QCOMPARE(e1.offset, e2.offset);
                    QCOMPARE(e1.truncated, e2.truncated);
                    QCOMPARE(e1.message, e2.message);
                }
                ++agreed;
            }
        }
        QCOMPARE(agreed, size_t(6000));
        QVERIFY(closed > 300); // both outcomes were exercised
    }

    // Decimal strings at the edges of 64 bits: up to 19 digits (18 signed)
    // take the short path, longer or signed ones std::from_chars; both agree.
    void integerStringsAtTheEdges()
    {
        auto intAttr = [](const std::string &key, const std::string &text) {
            return "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + text + "\"}}";
        };
        const std::string attrs = intAttr("max", "9223372036854775807") + "," + intAttr("min", "-9223372036854775808")
            + "," + intAttr("d18", "999999999999999999") + "," + intAttr("zeros", "007") + ","
            + intAttr("plus", "+12") + "," + intAttr("over", "9223372036854775808") + "," + intAttr("junk", "12a");
        const std::string doc = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
                                "\"spanId\":\"b7ad6b7169203331\",\"startTimeUnixNano\":\"9999999999999999999\","
                                "\"endTimeUnixNano\":\"18446744073709551615\",\"attributes\":["
            + attrs + "]},{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203332\","
                      "\"startTimeUnixNano\":\"18446744073709551616\",\"endTimeUnixNano\":\"+5\"}]}]}]}";
        Model m;
        auto r = loadText(doc, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        QCOMPARE(m.hot[0].start, uint64_t(9999999999999999999ull));
        QCOMPARE(m.hot[0].end, uint64_t(18446744073709551615ull));
        const Range a = m.cold[0].attributes;
        QCOMPARE(int64_t(attr(m, a, "max")->value.i), std::numeric_limits<int64_t>::max());
        QCOMPARE(int64_t(attr(m, a, "min")->value.i), std::numeric_limits<int64_t>::min());
        QCOMPARE(int64_t(attr(m, a, "d18")->value.i), int64_t(999999999999999999));
        QCOMPARE(int64_t(attr(m, a, "zeros")->value.i), int64_t(7));
        QCOMPARE(int64_t(attr(m, a, "plus")->value.i), int64_t(12));
        QCOMPARE(attr(m, a, "over")->value.type, ValueType::Empty);
        QCOMPARE(attr(m, a, "junk")->value.type, ValueType::Empty);
        // 2^64 is refused (the start falls back to the end), "+5" is read as 5.
        QCOMPARE(m.hot[1].start, uint64_t(5));
        QCOMPARE(m.hot[1].end, uint64_t(5));
        QCOMPARE(m.diagnostics.count(diag::JsonBadNumber), uint64_t(3));
    }

    // A JSON Lines line with more text after it is parsed where it lies; one
    // too deep must still be copied and cut, not lost.
    void deepValuesAreCappedInJsonLines()
    {
        std::string value = R"({"stringValue":"leaf"})";
        for (int i = 0; i < 200; ++i)
            value = R"({"arrayValue":{"values":[)" + value + "]}}";
        auto line = [](const std::string &spanId, const std::string &v) {
            return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\""
                + spanId + "\",\"attributes\":[{\"key\":\"deep\",\"value\":" + v + "}]}]}]}]}\n";
        };
        const std::string text = line("b7ad6b7169203331", value) + line("b7ad6b7169203332", R"({"intValue":"7"})");
        Model m;
        auto r = loadText(text, m, 0, "deep.jsonl");
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        QCOMPARE(m.diagnostics.count(diag::ValueTooDeep), uint64_t(1));
        const Diagnostic &d = m.diagnostics.items().front();
        QVERIFY2(d.message.rfind("deep.jsonl: line 1: ", 0) == 0, d.message.c_str());
        const Value &v = attr(m, m.cold[0].attributes, "deep")->value;
        QCOMPARE(v.type, ValueType::Array);
        QCOMPARE(attr(m, m.cold[1].attributes, "deep")->value.i, int64_t(7));
    }

    void threadedMatchesSingleThreaded()
    {
        // About 4 MB: several batches, so the worker threads and the ordered merge are exercised.
        const std::string doc = generateDocument(8, 1500);
        QVERIFY(doc.size() > (size_t(3) << 20));
        Model one, two;
        auto r1 = loadText(doc, one, 1);
        auto r2 = loadText(doc, two, 2);
        QVERIFY2(r1.ok && r2.ok, r2.error.text().c_str());
        QCOMPARE(one.spanCount(), size_t(8 * 1500));
        QCOMPARE(one.links.size(), size_t(7 * 1500));
        QCOMPARE(one.traces.size(), size_t(8));
        QVERIFY(dump(one) == dump(two));
        QVERIFY(one.strings.size() == two.strings.size());
        // Spot checks on content, including escapes and brackets inside strings.
        const uint32_t s = one.findSpan(one.cold[1500 + 7].traceId, one.cold[1500 + 7].spanId);
        QCOMPARE(s, 1500u + 7u);
        QCOMPARE(one.str(one.hot[s].service), std::string_view("svc-1"));
        QCOMPARE(one.str(attr(one, one.cold[s].attributes, "text")->value.str), std::string_view("value with \"quotes\" and \\ 49 {["));
        QCOMPARE(one.hot[s].depth, uint16_t(7));
        for (const Link &l : one.links)
            QVERIFY(l.resolved());
        QVERIFY(one.diagnostics.empty());
    }

    // Runs of entries read on the workers give the model reading entry by
    // entry gives, at any thread count, with the same string ids.
    void runsOfEntriesMatchEntryByEntry_data()
    {
        QTest::addColumn<int>("trapEvery");
        QTest::addColumn<int>("hugeAt");
        QTest::addColumn<int>("repeatEvery");
        QTest::newRow("small entries") << 0 << -1 << 0;
        QTest::newRow("entry-like text in some spans") << 97 << -1 << 0;
        QTest::newRow("entry-like text in every span") << 1 << -1 << 0;
        QTest::newRow("one entry bigger than a run") << 0 << 1500 << 0;
        QTest::newRow("big first entry") << 0 << 0 << 0;
        QTest::newRow("big last entry") << 0 << 2999 << 0;
        QTest::newRow("repeated keys in some entries") << 0 << -1 << 500;
    }
    void runsOfEntriesMatchEntryByEntry()
    {
        QFETCH(int, trapEvery);
        QFETCH(int, hugeAt);
        QFETCH(int, repeatEvery);
        const std::string runs = manyEntries(3000, false, trapEvery, hugeAt, repeatEvery);
        const std::string byEntry = manyEntries(3000, true, trapEvery, hugeAt, repeatEvery);
        QVERIFY(runs.size() > (size_t(2) << 20));
        QCOMPARE(runs.size(), byEntry.size());
        Model reference;
        auto r = loadText(byEntry, reference, 2);
        QVERIFY2(r.ok, r.error.text().c_str());
        size_t spans = 0;
        for (int e = 0; e < 3000; ++e)
            spans += (e == hugeAt ? 6000 : 1 + e % 4) + (repeatEvery && e % repeatEvery == 0 ? 1 : 0);
        QCOMPARE(reference.spanCount(), spans);
        QCOMPARE(reference.resources.size(), size_t(3000));
        QVERIFY(reference.diagnostics.empty());
        const std::string expected = dump(reference);
        if (!repeatEvery) {
            Model lines;
            auto rl = loadText(manyEntriesLines(3000, trapEvery, hugeAt), lines, 2, "inline.jsonl");
            QVERIFY2(rl.ok, rl.error.text().c_str());
            QVERIFY(dump(lines) == expected);
        } else {
            // The first resource and scope are kept; both spans arrays are read.
            const uint32_t again = spanNamed(reference, "again");
            QVERIFY(again != kNone);
            QCOMPARE(reference.str(reference.hot[again].service), std::string_view("svc-0"));
            QCOMPARE(reference.str(reference.scopes[reference.cold[again].scope].name), std::string_view("lib"));
        }
        std::vector<std::string_view> firstStrings;
        Model first;
        for (unsigned threads : {1u, 2u, 4u}) {
            Model m;
            auto rr = loadText(runs, m, threads);
            QVERIFY2(rr.ok, rr.error.text().c_str());
            QVERIFY2(dump(m) == expected, ("threads " + std::to_string(threads)).c_str());
            QCOMPARE(m.str(m.resources[2999].schemaUrl), std::string_view("https://schema/4"));
            if (threads == 1) {
                first = std::move(m);
                firstStrings = stringsOf(first);
            } else {
                QVERIFY(stringsOf(m) == firstStrings);
            }
        }
        // Text that looks like structure stays text (entry 3's first span).
        uint32_t s = 0;
        for (int e = 0; e < 3; ++e)
            s += (e == hugeAt ? 6000 : 1 + e % 4) + (repeatEvery && e % repeatEvery == 0 ? 1 : 0);
        const Attribute *text = attr(first, first.cold[s].attributes, "text");
        QVERIFY(text);
        QCOMPARE(first.str(text->value.str), std::string_view("},{\"resource\":[ \\3\\"));
    }

    // The last run ends at the array's ']' whatever follows it: more keys,
    // a wrapper's closing brace, whitespace.
    void runsBeforeOtherKeysAndInWrappers()
    {
        const std::string doc = manyEntries(3000, false);
        Model plain;
        auto r = loadText(doc, plain, 2);
        QVERIFY2(r.ok, r.error.text().c_str());
        const std::string expected = dump(plain);
        const std::string body = doc.substr(1, doc.size() - 2); // "resourceSpans":[...]
        const std::vector<std::string> variants = {
            "{" + body + ",\"other\":[{},{\"resource\":{}}]}",
            "{\"result\":{" + body + "}}",
            "{\"other\":1,\n" + body + "\n}\n\n",
            "{" + body.substr(0, body.size() - 1) + " \n ] }",
        };
        for (const std::string &v : variants) {
            for (unsigned threads : {1u, 2u}) {
                Model m;
                auto rv = loadText(v, m, threads);
                QVERIFY2(rv.ok, rv.error.text().c_str());
                QVERIFY2(dump(m) == expected, v.substr(0, 40).c_str());
            }
        }
    }

    // A document whose resourceSpans array is tiny sits next to big data:
    // other keys are skipped, the entries read as they are.
    void tinyResourceSpansInABigDocument()
    {
        const std::string entries = manyEntries(2, false);
        std::string doc = "{\"other\":[\"" + std::string(size_t(3) << 20, 'x') + "\",{\"resource\":{}}],"
            + entries.substr(1, entries.size() - 2) + ",\"more\":[{},{\"resource\":{}}]}";
        for (unsigned threads : {1u, 2u}) {
            Model m;
            auto r = loadText(doc, m, threads);
            QVERIFY2(r.ok, r.error.text().c_str());
            QCOMPARE(m.spanCount(), size_t(1 + 2));
            QCOMPARE(m.resources.size(), size_t(2));
        }
    }

    void jsonLinesThreaded()
    {
        // Many lines: batches of lines on several threads, in file order.
        std::string text;
        for (int i = 0; i < 6000; ++i) {
            char trace[40];
            std::snprintf(trace, sizeof trace, "%032x", i + 1);
            std::string line = R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"line-svc"}}]},"scopeSpans":[{"spans":[{"traceId":"TRACE","spanId":"00000000000000aa","name":"line-NUMBER","startTimeUnixNano":"5","endTimeUnixNano":"6","attributes":[{"key":"pad","value":{"stringValue":"PAD"}}]}]}]}]})";
            line.replace(line.find("TRACE"), 5, trace);
            line.replace(line.find("NUMBER"), 6, std::to_string(i));
            line.replace(line.find("PAD"), 3, std::string(300, 'x'));
            text += line + '\n';
        }
        QVERIFY(text.size() > (size_t(2) << 20));
        Model one, two;
        auto r1 = loadText(text, one, 1, "lines.jsonl");
        auto r2 = loadText(text, two, 2, "lines.jsonl");
        QVERIFY(r1.ok && r2.ok);
        QCOMPARE(one.spanCount(), size_t(6000));
        QCOMPARE(one.str(one.hot[5999].name), std::string_view("line-5999"));
        QVERIFY(dump(one) == dump(two));
    }

    void jsonLinesWithVeryLongFirstLine()
    {
        // The format sniffer only looks at the first MB; the lines after a
        // longer first line are still read as JSON Lines.
        std::string first = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"long","attributes":[{"key":"big","value":{"stringValue":"PAD"}}]}]}]}]})";
        first.replace(first.find("PAD"), 3, std::string(3u << 20, 'p'));
        const std::string second = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203332","name":"short"}]}]}]})";
        const std::string text = first + "\n" + second + "\n{\"resourceSpans\":[\n";
        Model m;
        auto r = loadText(text, m, 2, "long.jsonl");
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        QCOMPARE(m.str(m.hot[1].name), std::string_view("short"));
        QCOMPARE(m.str(m.attributes[m.cold[0].attributes.first].value.str).size(), size_t(3u << 20));
        QCOMPARE(m.diagnostics.count(diag::JsonLineInvalid), uint64_t(1));
        QVERIFY(m.diagnostics.items()[0].message.find("long.jsonl: line 3: ") == 0);
    }

    void cancellation()
    {
        const std::string doc = generateDocument(4, 1500);
        std::atomic<bool> cancel{true};
        LoadOptions options;
        options.cancel = &cancel;
        Model m;
        LoadResult r = loadBuffer("cancel.json", doc, m, options);
        QVERIFY(!r.ok);
        QVERIFY(r.cancelled);
    }

    void progressReachesTheEnd()
    {
        QTemporaryDir dir;
        const std::string path = test::writeFile(dir, "big.json", generateDocument(6, 1500));
        std::vector<double> seen;
        LoadOptions options;
        options.threads = 2;
        options.progress = [&seen](double f) { seen.push_back(f); };
        Model m;
        LoadResult r = loadFiles({path}, m, options);
        QVERIFY2(r.ok, r.error.text().c_str());
        QVERIFY(seen.size() > 2);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);
    }

    // The count of spans read goes up with the progress and ends at the model's.
    void progressCountsSpans()
    {
        QTemporaryDir dir;
        const std::string path = test::writeFile(dir, "big.json", generateDocument(6, 1500));
        std::vector<uint64_t> spans;
        std::atomic<uint64_t> read{0};
        LoadOptions options;
        options.threads = 2;
        options.spansRead = &read;
        options.progress = [&](double) { spans.push_back(read.load()); };
        Model m;
        LoadResult r = loadFiles({path}, m, options);
        QVERIFY2(r.ok, r.error.text().c_str());
        QVERIFY(spans.size() > 2);
        QVERIFY(std::is_sorted(spans.begin(), spans.end()));
        QVERIFY(spans[spans.size() / 2] > 0);
        QVERIFY(spans[spans.size() / 2] < m.spanCount());
        QCOMPARE(spans.back(), uint64_t(m.spanCount()));
        QCOMPARE(m.spanCount(), size_t(6 * 1500));
    }
};

QTEST_GUILESS_MAIN(TestJsonReader)
#include "tst_jsonreader.moc"
