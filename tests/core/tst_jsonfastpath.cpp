// The OTLP/JSON fast path (OtlpFastReader, simdjson On-Demand) against the
// DOM reader (OtlpDomReader): what the fast path accepts it reads as the DOM
// reader does, record for record, and everything the DOM reader would say a
// word about, or reads specially, it refuses. Then the loader: a batch with
// a refused line in it is read whole by the DOM reader.

#include "common/modelcompare.h"
#include "common/testutil.h"
#include "core/json_otlp.h"
#include "core/json_otlp_fast.h"
#include "core/load.h"
#include "core/model.h"

#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace causeway;
using namespace causeway::detail;

// Declared ahead of the inputs: moc does not follow raw string literals.
class TestJsonFastPath : public QObject
{
    Q_OBJECT

private slots:
    void equivalence_data();
    void equivalence();
    void entries();
    void loneSurrogatesAreRefused();
    void damagedInputIsEquivalentOrRefused();
    void refusedLineInABatch();
    void damagedLineInABatchIsReported();
    void linesAcrossStretches();
    void documentRunsFromFile();
};

namespace {

struct DomRead
{
    Model model;
    bool parsed = false;
    bool otlp = false;
};

DomRead viaDom(const std::string &text)
{
    DomRead r;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(text);
    if (parser.parse(padded).get(root) != simdjson::SUCCESS)
        return r;
    r.parsed = true;
    OtlpDomReader reader(r.model);
    reader.place = {"inline.json", 1, 0};
    TopLevelShape shape;
    r.otlp = reader.readDocument(root, shape);
    return r;
}

DomRead viaDomEntries(const std::string &text)
{
    DomRead r;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::array entries;
    const simdjson::padded_string padded(text);
    if (parser.parse(padded).get(root) != simdjson::SUCCESS || root.get_array().get(entries) != simdjson::SUCCESS)
        return r;
    r.parsed = true;
    OtlpDomReader reader(r.model);
    reader.place = {"inline.json", 0, 0};
    r.otlp = reader.readResourceSpansEntries(entries);
    return r;
}

bool viaFast(const std::string &text, Model &m, bool entries = false)
{
    simdjson::ondemand::parser parser;
    const simdjson::padded_string padded(text);
    OtlpFastReader reader(m);
    return entries ? reader.readEntries(parser, padded.data(), padded.size(), padded.size() + simdjson::SIMDJSON_PADDING)
                   : reader.readDocument(parser, padded.data(), padded.size(), padded.size() + simdjson::SIMDJSON_PADDING);
}

// Beyond equal content: the pools filled in the same order.
std::string sameLayout(const Model &a, const Model &b)
{
    if (a.attributes.size() != b.attributes.size() || a.values.size() != b.values.size()
        || a.events.size() != b.events.size() || a.links.size() != b.links.size())
        return "pool sizes differ";
    auto same = [](Range x, Range y) { return x.first == y.first && x.count == y.count; };
    for (size_t i = 0; i < a.cold.size(); ++i)
        if (!same(a.cold[i].attributes, b.cold[i].attributes) || !same(a.cold[i].events, b.cold[i].events)
            || !same(a.cold[i].links, b.cold[i].links))
            return "span " + std::to_string(i) + " ranges differ";
    for (size_t i = 0; i < a.events.size(); ++i)
        if (!same(a.events[i].attributes, b.events[i].attributes))
            return "event " + std::to_string(i) + " attributes differ";
    for (size_t i = 0; i < a.links.size(); ++i)
        if (!same(a.links[i].attributes, b.links[i].attributes))
            return "link " + std::to_string(i) + " attributes differ";
    for (size_t i = 0; i < a.resources.size(); ++i)
        if (!same(a.resources[i].attributes, b.resources[i].attributes))
            return "resource " + std::to_string(i) + " attributes differ";
    for (size_t i = 0; i < a.scopes.size(); ++i)
        if (!same(a.scopes[i].attributes, b.scopes[i].attributes))
            return "scope " + std::to_string(i) + " attributes differ";
    return {};
}

// What holds for any input: when the fast path accepts, the DOM parse
// succeeds, reads it as OTLP without a diagnostic, and gives the same model.
// Returns whether the fast path accepted.
bool checkEquivalent(const std::string &text, bool entries = false)
{
    Model fast;
    const bool accepted = viaFast(text, fast, entries);
    if (!accepted)
        return false;
    const DomRead dom = entries ? viaDomEntries(text) : viaDom(text);
    if (!dom.parsed || !dom.otlp)
        QTest::qFail(("accepted what the DOM reader does not read: " + text.substr(0, 200)).c_str(), __FILE__, __LINE__);
    else if (!dom.model.diagnostics.empty())
        QTest::qFail(("accepted what has a diagnostic: " + dom.model.diagnostics.items().front().message).c_str(),
                     __FILE__, __LINE__);
    else if (const std::string diff = test::ModelCompare(dom.model, fast).run(); !diff.empty())
        QTest::qFail(("models differ: " + diff).c_str(), __FILE__, __LINE__);
    else if (const std::string layout = sameLayout(dom.model, fast); !layout.empty())
        QTest::qFail(("layouts differ: " + layout).c_str(), __FILE__, __LINE__);
    return true;
}

std::string doc(const std::string &spans, const std::string &scopeExtra = "", const std::string &resourceExtra = "")
{
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}])"
        + resourceExtra + R"(},"scopeSpans":[{"scope":{"name":"lib","version":"1.0"})" + scopeExtra
        + R"(,"spans":[)" + spans + "]}]}]}";
}

const std::string kIds = R"("traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174")";

std::string span(const std::string &fields) { return "{" + kIds + (fields.empty() ? "" : "," + fields) + "}"; }

// A span with every field and every value type.
std::string fullSpan()
{
    return span(
        R"("parentSpanId":"eee19b7ec3c1b173","traceState":"k=v","flags":257,"name":"GET /a\"b\\c\u00e9\n\t\/ \ud83d\ude00",)"
        R"("kind":"SPAN_KIND_SERVER","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,)"
        R"("attributes":[{"key":"s","value":{"stringValue":"x"}},{"key":"b","value":{"boolValue":true}},)"
        R"({"key":"i","value":{"intValue":"-42"}},{"key":"i2","value":{"intValue":7}},{"key":"d","value":{"doubleValue":1.5}},)"
        R"({"key":"d2","value":{"doubleValue":"NaN"}},{"key":"d3","value":{"doubleValue":"-Infinity"}},{"key":"d4","value":{"doubleValue":-0}},)"
        R"({"key":"d5","value":{"doubleValue":3}},{"key":"d6","value":{"doubleValue":"2.5e3"}},{"key":"d7","value":{"doubleValue":18446744073709551615}},)"
        R"({"key":"y","value":{"bytesValue":"AQID/w=="}},{"key":"a","value":{"arrayValue":{"values":[{"intValue":"1"},{"arrayValue":{"values":[{"stringValue":"deep"}]}},{}]}}},)"
        R"({"key":"kv","value":{"kvlistValue":{"values":[{"key":"in","value":{"kvlistValue":{}}},{"key":"n","value":{"arrayValue":{"values":null}}}]}}},)"
        R"({"key":"empty","value":{}},{"key":"nokey-value"},{"value":{"stringValue":"no key"}}],)"
        R"("droppedAttributesCount":1,)"
        R"("events":[{"timeUnixNano":"1544712660500000000","name":"ev","attributes":[{"key":"e","value":{"intValue":"1"}}],"droppedAttributesCount":2},{}],)"
        R"("droppedEventsCount":3,)"
        R"("links":[{"traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b175","traceState":"a=b","flags":1,)"
        R"("attributes":[{"key":"l","value":{"stringValue":"link"}}],"droppedAttributesCount":4},)"
        R"({"traceId":"W47/95gDgQPSabYzgT/GDQ==","spanId":"7uGbfsPBsXU="}],)"
        R"("droppedLinksCount":5,"status":{"code":"STATUS_CODE_ERROR","message":"boom"})");
}

} // namespace

void TestJsonFastPath::equivalence_data()
{
    QTest::addColumn<std::string>("text");
    QTest::addColumn<bool>("accepted");
    auto row = [](const char *name, const std::string &text, bool accepted) {
        QTest::newRow(name) << text << accepted;
    };
    // What the fast path reads.
    row("every field and value type", doc(fullSpan()), true);
    row("tiny", R"({"resourceSpans":[]})", true);
    row("entry without anything", R"({"resourceSpans":[{}]})", true);
    row("enums by name and number",
        doc(span(R"("kind":"CLIENT","status":{"code":2})") + "," + span(R"("kind":3,"status":{"code":"OK"})")
            + "," + span(R"("kind":"4","status":{"code":"1"})") + "," + span(R"("kind":9,"status":{"code":7})")),
        true);
    row("integers as strings and numbers",
        doc(span(R"("startTimeUnixNano":5,"endTimeUnixNano":"9","flags":"257")") + ","
            + span(R"("startTimeUnixNano":"+5")") + "," + span(R"("endTimeUnixNano":"12")")),
        true);
    row("snake_case",
        R"({"resource_spans":[{"resource":{"dropped_attributes_count":2},"scope_spans":[{"scope":{"name":"s","dropped_attributes_count":1},"schema_url":"u","spans":[)"
        R"({"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","parent_span_id":"eee19b7ec3c1b173","trace_state":"t",)"
        R"("start_time_unix_nano":"1","end_time_unix_nano":"2","dropped_attributes_count":1,"dropped_events_count":2,"dropped_links_count":3,)"
        R"("attributes":[{"key":"k","value":{"string_value":"v"}},{"key":"k2","value":{"int_value":"3"}},{"key":"k3","value":{"kvlist_value":{"values":[]}}}],)"
        R"("events":[{"time_unix_nano":"1","dropped_attributes_count":1}],"links":[{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b175","trace_state":"x"}]}]}],"schema_url":"r"}]})",
        true);
    row("old instrumentationLibrary names",
        R"({"resourceSpans":[{"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old"},"spans":[)" + span("")
            + R"(]}]},{"instrumentation_library_spans":[{"instrumentation_library":{"name":"old2"},"spans":[)" + span("") + "]}]}]}",
        true);
    row("batches", R"({"batches":[{"scopeSpans":[{"spans":[)" + span("") + "]}]}]}", true);
    row("unknown keys everywhere",
        R"({"x":{"a":[1,2.5,-3e4,"s",true,false,null,{}]},"resourceSpans":[{"u":1,"resource":{"u":[],"attributes":[]},"scopeSpans":[{"u":{},"scope":{"u":"\u00e9"},"spans":[)"
            + span(R"("u":{"traceId":5},"events":[{"u":1}],"links":[{"u":2,"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175"}],"status":{"u":3})")
            + "," + span(R"("attributes":[{"u":1,"key":"k","value":{"u":2,"stringValue":"v","intValue":"ignored"}}])") + "]}]}],\"y\":2}",
        true);
    row("nulls",
        R"({"resourceSpans":[{"resource":null,"schemaUrl":null,"scopeSpans":[{"scope":null,"schemaUrl":null,"spans":[)"
            + span(R"("parentSpanId":null,"name":null,"traceState":null,"flags":null,"kind":null,"startTimeUnixNano":null,"attributes":null,"events":null,"links":null,"status":null)")
            + "," + span(R"("attributes":[{"key":null,"value":null},{"key":"k","value":{"stringValue":null}},{"key":"b","value":{"boolValue":null}},{"key":"i","value":{"intValue":null}}],"status":{"code":null,"message":null})")
            + "]},{\"spans\":null}]},{\"scopeSpans\":null}]}",
        true);
    row("missing resource, scope and times", R"({"resourceSpans":[{"scopeSpans":[{"spans":[)" + span("") + "]}]}]}", true);
    row("empty parent", doc(span(R"("parentSpanId":"")")), true);
    row("schemaUrls before and after", R"({"resourceSpans":[{"schemaUrl":"a","resource":{},"scopeSpans":[{"schemaUrl":"b","scope":{},"spans":[]}]},{"resource":{},"scopeSpans":[{"spans":[],"schemaUrl":"c"}],"schemaUrl":"d"}]})", true);
    row("other signals beside traces", R"({"resourceLogs":[{"a":1}],"resourceSpans":[]})", true);
    {
        std::string spans;
        for (int i = 0; i < 2000; ++i)
            spans += (i ? "," : "") + fullSpan();
        row("big", doc(spans), true);
    }
    // What it refuses: the DOM reader reads these.
    row("repeated span key", doc(span(R"("name":"a","name":"b")")), false);
    row("repeated resource", R"({"resourceSpans":[{"resource":{},"resource":{}}]})", false);
    row("repeated resourceSpans", R"({"resourceSpans":[],"resourceSpans":[]})", false);
    row("repeated attribute key", doc(span(R"("attributes":[{"key":"a","key":"b"}])")), false);
    row("repeated values", doc(span(R"("attributes":[{"key":"a","value":{"arrayValue":{"values":[],"values":[{}]}}}])")), false);
    row("scope and instrumentationLibrary", R"({"resourceSpans":[{"scopeSpans":[{"scope":{},"instrumentationLibrary":{}}]}]})", false);
    row("resource after its scopeSpans", R"({"resourceSpans":[{"scopeSpans":[],"resource":{}}]})", false);
    row("scope after its spans", R"({"resourceSpans":[{"scopeSpans":[{"spans":[],"scope":{}}]}]})", false);
    row("events before attributes", doc(span(R"("events":[],"attributes":[])")), false);
    row("links before events", doc(span(R"("links":[],"events":[])")), false);
    row("name is a number", doc(span(R"("name":5)")), false);
    row("bad trace id", doc("{\"traceId\":\"xyz\",\"spanId\":\"eee19b7ec3c1b174\"}"), false);
    row("zero span id", doc("{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"0000000000000000\"}"), false);
    row("no span id", doc("{\"traceId\":\"5b8efff798038103d269b633813fc60c\"}"), false);
    row("bad parent id", doc(span(R"("parentSpanId":"abc")")), false);
    row("bad link id", doc(span(R"("links":[{"traceId":"5b8efff798038103d269b633813fc60c"}])")), false);
    row("ends before it starts", doc(span(R"("startTimeUnixNano":"9","endTimeUnixNano":"5")")), false);
    row("unknown kind name", doc(span(R"("kind":"SPAN_KIND_WHATEVER")")), false);
    row("flags beyond 32 bits", doc(span(R"("flags":4294967296)")), false);
    row("negative time", doc(span(R"("startTimeUnixNano":-1)")), false);
    row("time as a double", doc(span(R"("startTimeUnixNano":1.5e3)")), false);
    row("time beyond 64 bits", doc(span(R"("startTimeUnixNano":18446744073709551616)")), false);
    row("time text not a number", doc(span(R"("startTimeUnixNano":"12x")")), false);
    row("bytes not base64", doc(span(R"("attributes":[{"key":"y","value":{"bytesValue":"!!"}}])")), false);
    row("status message a number", doc(span(R"("status":{"message":5})")), false);
    row("spans not an array", R"({"resourceSpans":[{"scopeSpans":[{"spans":{}}]}]})", false);
    row("span not an object", R"({"resourceSpans":[{"scopeSpans":[{"spans":[5]}]}]})", false);
    row("escaped key", doc(span(R"("na\u006de":"x")")), false);
    {
        std::string deep = R"({"stringValue":"leaf"})";
        for (int i = 0; i < 70; ++i)
            deep = R"({"arrayValue":{"values":[)" + deep + "]}}";
        row("values nested too deep", doc(span(R"("attributes":[{"key":"d","value":)" + deep + "}]")), false);
    }
    row("bare ResourceSpans", R"({"resource":{},"scopeSpans":[]})", false);
    row("backend wrapper", R"({"result":{"resourceSpans":[]}})", false);
    row("empty object", "{}", false);
    row("not OTLP", R"({"traceEvents":[]})", false);
    row("resourceSpans null", R"({"resourceSpans":null})", false);
    row("array at the top", "[]", false);
    // Invalid JSON, also where the fast path only skips.
    row("text after the document", R"({"resourceSpans":[]} x)", false);
    row("second document", R"({"resourceSpans":[]}{})", false);
    row("extra brace", R"({"resourceSpans":[]}})", false);
    row("missing comma in an unknown value", R"({"x":[1 2],"resourceSpans":[]})", false);
    row("bad literal in an unknown value", R"({"x":tru,"resourceSpans":[]})", false);
    row("bad escape in an unknown value", R"({"x":"\q","resourceSpans":[]})", false);
    row("mismatched brackets in an unknown value", R"({"x":[1},"resourceSpans":[]})", false);
    row("trailing comma", R"({"resourceSpans":[],})", false);
    row("control character in a string", doc(span("\"name\":\"a\x01" "b\"")), false);
    row("truncated", doc(fullSpan()).substr(0, 300), false);
}

void TestJsonFastPath::equivalence()
{
    QFETCH(std::string, text);
    QFETCH(bool, accepted);
    QCOMPARE(checkEquivalent(text), accepted);
}

// Runs of entries (a document's resourceSpans cut into pieces).
void TestJsonFastPath::entries()
{
    const std::string entry = R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":[{"scope":{"name":"s"},"spans":[)"
        + fullSpan() + "]}],\"schemaUrl\":\"x\"}";
    QVERIFY(checkEquivalent("[" + entry + "," + entry + "]", true));
    QVERIFY(checkEquivalent("[]", true));
    // A run guessed wrong ends inside an entry, or after one of another array.
    QVERIFY(!checkEquivalent("[" + entry + "," + entry.substr(0, entry.size() / 2) + "]", true));
    QVERIFY(!checkEquivalent("[" + entry + "]]", true));
    QVERIFY(!checkEquivalent("[" + entry + ",5]", true));
    QVERIFY(!checkEquivalent(R"([{"resource":{},"resource":{}}])", true));
}

// A lone UTF-16 surrogate escape wants the DOM path's repair (U+FFFD and a
// warning): the fast path refuses it wherever a string may hold it, so the
// loader no longer scans a run or a line for one before the fast path.
// Pairs, escaped backslashes and other escapes are still read.
void TestJsonFastPath::loneSurrogatesAreRefused()
{
    const std::string lone = R"(\ud800)", low = R"(\udc00x)", pair = R"(\ud83d\ude00)";
    const std::vector<std::string> places = {
        span(R"("name":"a)" + lone + R"(")"),
        span(R"("attributes":[{"key":"k","value":{"stringValue":"a)" + lone + R"(b"}}])"),
        span(R"("attributes":[{"key":"k","value":{"stringValue":")" + low + R"("}}])"),
        span(R"("status":{"message":")" + lone + R"("})"),
        span(R"("unknownField":"x)" + lone + R"(")"),
        span(R"("unknownField":{"deeper":[")" + lone + R"("]})"),
        span(R"("unknown)" + lone + R"(":1)"),
        span(R"("events":[{"name":")" + lone + R"("}])"),
    };
    for (const std::string &s : places) {
        Model m;
        QVERIFY2(!viaFast(doc(s), m), s.c_str());
        Model e;
        const std::string entry = R"({"scopeSpans":[{"spans":[)" + s + "]}]}";
        QVERIFY2(!viaFast("[" + entry + "]", e, true), s.c_str());
    }
    for (const std::string &fine : {pair, std::string(R"(\\ud800)"), std::string(R"(a\nb\u00e9)")})
        QVERIFY2(checkEquivalent(doc(span(R"("name":")" + fine + R"(")"))), fine.c_str());
}

// Damaged copies of a document that has everything: whatever the fast
// path accepts, the DOM reader reads the same way without a word.
void TestJsonFastPath::damagedInputIsEquivalentOrRefused()
{
    const std::string base = doc(fullSpan() + "," + span(R"("name":"second","attributes":[{"key":"k","value":{"intValue":"5"}}])"));
    QVERIFY(checkEquivalent(base));
    std::mt19937 random(14);
    // JSON's structure, a quote, a backslash, a control character and a stray UTF-8 lead byte.
    std::string alphabet = "{}[],:0123456789abcdefnrtul.-+eE ";
    alphabet += {char(34), char(92), char(1), char(0xc3)};
    int accepted = 0;
    for (int round = 0; round < 4000; ++round) {
        std::string text = base;
        const int edits = 1 + int(random() % 3);
        for (int e = 0; e < edits; ++e) {
            const size_t at = random() % text.size();
            switch (random() % 4) {
            case 0: text.erase(at, 1); break;
            case 1: text.insert(at, 1, alphabet[random() % alphabet.size()]); break;
            case 2: text[at] = alphabet[random() % alphabet.size()]; break;
            default: { // a piece of the document again elsewhere: repeated keys, moved fields
                const size_t from = random() % text.size();
                text.insert(at, text.substr(from, 1 + random() % 40));
                break;
            }
            }
        }
        if (checkEquivalent(text))
            ++accepted;
        if (QTest::currentTestFailed()) {
            qWarning("input: %s", text.c_str());
            return;
        }
    }
    // Some edits keep the document clean (a digit for a digit in a string), most do not.
    qInfo("%d of 4000 damaged copies read on the fast path", accepted);
    QVERIFY(accepted > 0);
    QVERIFY(accepted < 4000);
}

// Through the loader: a batch of JSON Lines with a line the fast path
// refuses (valid, read the same by the DOM reader) gives the model of
// the same lines all written the usual way.
void TestJsonFastPath::refusedLineInABatch()
{
    std::string usual, odd;
    for (int i = 0; i < 200; ++i) {
        const std::string ids = "\"traceId\":\"" + test::hexId(i + 1, 32) + "\",\"spanId\":\"" + test::hexId(i + 1, 16) + "\"";
        const std::string line = R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc-)"
            + std::to_string(i % 3) + R"("}}]},"scopeSpans":[{"scope":{"name":"lib"},"spans":[{)" + ids;
        usual += line + R"(,"name":"op","attributes":[{"key":"k","value":{"intValue":"1"}}],"events":[{"name":"e"}]}]}]}]})" "\n";
        odd += line + (i == 100 ? R"(,"events":[{"name":"e"}],"name":"op","attributes":[{"key":"k","value":{"intValue":"1"}}]}]}]}]})"
                                : R"(,"name":"op","attributes":[{"key":"k","value":{"intValue":"1"}}],"events":[{"name":"e"}]}]}]}]})")
            + "\n";
    }
    for (unsigned threads : {1u, 2u}) {
        Model a, b;
        LoadOptions options;
        options.threads = threads;
        QVERIFY(loadBuffer("usual.jsonl", usual, a, options).ok);
        QVERIFY(loadBuffer("odd.jsonl", odd, b, options).ok);
        QCOMPARE(a.spanCount(), size_t(200));
        QVERIFY(a.diagnostics.empty() && b.diagnostics.empty());
        const std::string diff = test::ModelCompare(a, b).run();
        QVERIFY2(diff.empty(), diff.c_str());
    }
}

// A damaged line among clean ones is reported as the DOM reader reports it.
void TestJsonFastPath::damagedLineInABatchIsReported()
{
    std::string text;
    for (int i = 0; i < 50; ++i) {
        const std::string id = i == 20 ? std::string("zz") : test::hexId(i + 1, 16);
        text += R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":")" + test::hexId(i + 1, 32) + R"(","spanId":")" + id
            + "\"}]}]}]}\n";
    }
    text += "{\"resourceSpans\":[}\n";
    Model m;
    QVERIFY(loadBuffer("damaged.jsonl", text, m, {}).ok);
    QCOMPARE(m.spanCount(), size_t(49));
    QCOMPARE(m.diagnostics.count(diag::SpanBadSpanId), uint64_t(1));
    QCOMPARE(m.diagnostics.count(diag::JsonLineInvalid), uint64_t(1));
    bool named = false;
    for (const Diagnostic &d : m.diagnostics.items())
        named = named || d.message.rfind("damaged.jsonl: line 21: ", 0) == 0;
    QVERIFY(named);
}

// How a test loads its text: at some thread count, from memory, or from a
// file on disk holding the same bytes, whose stretches or runs the workers
// copy out of the file (ReadContext::copy) rather than read the mapping.
struct Way
{
    unsigned threads;
    bool fromFile;
};

// Finalized either way, as loadFiles leaves a model; messages start with
// `name` from memory and `path` from the file.
static LoadResult loadWay(Way way, const std::string &text, const char *name, const std::string &path, Model &m)
{
    LoadOptions options;
    options.threads = way.threads;
    if (way.fromFile)
        return loadFiles({path}, m, options);
    LoadResult r = loadBuffer(name, text, m, options);
    m.finalize();
    return r;
}

// A JSON Lines file is cut into stretches of bytes, and the workers find
// the lines that start in theirs: lines are numbered as before across the
// cuts (a BOM, CRLF, blank lines, lines longer than a stretch or longer
// than kBigLineBytes, a last line without a newline), a damaged line deep
// in the file is named by its number, and the model is the same at any
// thread count, and the same from a file on disk (whose stretches the
// workers copy out of it rather than read through the mapping).
void TestJsonFastPath::linesAcrossStretches()
{
    std::string text = "\xEF\xBB\xBF";
    uint64_t line = 0, damagedLine = 0;
    size_t spans = 0;
    for (int i = 0; i < 6000; ++i) {
        const std::string pad = i == 2500 ? std::string(size_t(9) << 20, 'z')
            : i % 1000 == 999             ? std::string(1500000, 'x')
                                          : std::string(size_t(i % 50), 'y');
        std::string l = R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"s)"
            + std::to_string(i % 5) + R"("}}]},"scopeSpans":[{"spans":[{"traceId":")" + test::hexId(i + 1, 32)
            + R"(","spanId":")" + test::hexId(i + 1, 16) + R"(","name":"op","attributes":[{"key":"pad","value":{"stringValue":")"
            + pad + R"("}}]}]}]}]})";
        ++line;
        if (i == 4321) {
            l = R"({"resourceSpans":[})";
            damagedLine = line;
        } else {
            ++spans;
        }
        text += l + (i == 5999 ? "" : i % 7 == 0 ? "\r\n" : "\n");
        if (i % 13 == 0 && i != 5999) {
            text += "\n";
            ++line;
        }
        if (i % 17 == 0 && i != 5999) {
            text += "   \t\n";
            ++line;
        }
    }
    QVERIFY(text.size() > (size_t(18) << 20));
    QTemporaryDir dir;
    const std::string path = test::writeFile(dir, "stretch.jsonl", text);
    Model first;
    std::vector<std::string_view> firstStrings;
    for (const Way way : {Way{1, false}, Way{2, false}, Way{4, false}, Way{2, true}, Way{4, true}}) {
        Model m;
        const LoadResult r = loadWay(way, text, "stretch.jsonl", path, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), spans);
        QCOMPARE(m.diagnostics.count(diag::JsonLineInvalid), uint64_t(1));
        std::string prefix = way.fromFile ? path : std::string("stretch.jsonl");
        prefix += ": line " + std::to_string(damagedLine) + ": ";
        QVERIFY2(m.diagnostics.items().front().message.rfind(prefix, 0) == 0, m.diagnostics.items().front().message.c_str());
        if (way.threads == 1 && !way.fromFile) {
            first = std::move(m);
            continue;
        }
        const std::string diff = test::ModelCompare(first, m).run();
        QVERIFY2(diff.empty(), diff.c_str());
        QCOMPARE(m.strings.size(), first.strings.size());
        for (size_t k = 0; k < m.strings.size(); ++k)
            QVERIFY(m.str(StringId(k)) == first.str(StringId(k)));
    }
}

// A document of many resourceSpans entries is read in runs of entries on
// the workers, which copy a run out of the file when there is one rather
// than read it through the mapping: the same model from the file as from
// memory, at one and at two threads, and a damaged entry (a span without a
// trace id, which the run's reader leaves to the document reader) is still
// named by its byte offset in the file.
void TestJsonFastPath::documentRunsFromFile()
{
    std::string text = "{\"resourceSpans\":[";
    size_t spans = 0;
    uint64_t damagedAt = 0;
    for (int i = 0; i < 20000; ++i) {
        if (i)
            text += i % 3 ? "," : ",\n  ";
        std::string id = test::hexId(i + 1, 32);
        if (i == 12345) {
            damagedAt = text.size(); // named below by where its span starts
            id = "";
        } else {
            ++spans;
        }
        text += R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"s)" + std::to_string(i % 7)
            + R"("}}]},"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":")" + id + R"(","spanId":")"
            + test::hexId(i + 1, 16) + R"(","name":"op)" + std::to_string(i % 11)
            + R"(","attributes":[{"key":"n","value":{"intValue":")" + std::to_string(i) + R"("}}]}]}]})";
    }
    text += "]}\n";
    damagedAt = text.find(R"({"traceId":"")", damagedAt);
    QVERIFY(damagedAt != std::string::npos);
    QVERIFY(text.size() > (size_t(5) << 20));
    QTemporaryDir dir;
    const std::string path = test::writeFile(dir, "document.json", text);
    Model first;
    for (const Way way : {Way{1, false}, Way{2, false}, Way{1, true}, Way{2, true}}) {
        Model m;
        const LoadResult r = loadWay(way, text, "document.json", path, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), spans);
        QCOMPARE(m.diagnostics.count(diag::SpanBadTraceId), uint64_t(1));
        const std::string &message = m.diagnostics.items().front().message;
        std::string place = way.fromFile ? path : std::string("document.json");
        place += ": byte " + std::to_string(damagedAt) + ": ";
        QVERIFY2(message.rfind(place, 0) == 0, message.c_str());
        if (way.threads == 1 && !way.fromFile) {
            first = std::move(m);
            continue;
        }
        const std::string diff = test::ModelCompare(first, m).run();
        QVERIFY2(diff.empty(), diff.c_str());
    }
}

QTEST_GUILESS_MAIN(TestJsonFastPath)
#include "tst_jsonfastpath.moc"
