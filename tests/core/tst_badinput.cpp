// Damaged and hostile input: a clear error naming the place for what cannot
// be read, diagnostics for what was skipped or repaired, and never a crash.

#include "common/otlpmessages.h"
#include "common/testutil.h"
#include "core/load.h"
#include "core/model.h"

#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <csignal>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

using namespace causeway;

namespace {

LoadResult loadText(std::string_view text, Model &m, std::string_view name = "bad.json")
{
    LoadResult r = loadBuffer(name, text, m);
    m.finalize();
    return r;
}

std::string readAll(const std::string &path)
{
    std::string out, error;
    if (!readFile(path, out, error))
        qFatal("cannot read %s: %s", path.c_str(), error.c_str());
    return out;
}

// One document holding the given span objects (already JSON text).
std::string docWithSpans(const std::string &spans)
{
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}}]},"
           "\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},\"spans\":["
        + spans + "]}]}]}";
}

std::string span(const std::string &trace, const std::string &id, const std::string &extra = {})
{
    return "{\"traceId\":\"" + trace + "\",\"spanId\":\"" + id + "\",\"name\":\"n-" + id
        + "\",\"startTimeUnixNano\":\"100\",\"endTimeUnixNano\":\"200\"" + extra + "}";
}

const std::string kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

// About 3 MB of small resourceSpans entries, read in runs of entries on the
// workers: the loading thread guesses that the first run ends at the first
// entry 256 KB (a run's least size) after the first entry.
struct ManyEntries
{
    std::vector<std::string> entries;
    std::string text(std::vector<size_t> *offsets = nullptr) const
    {
        std::string s = "{\"resourceSpans\":[";
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i)
                s += ',';
            if (offsets)
                offsets->push_back(s.size());
            s += entries[i];
        }
        return s + "]}";
    }
    // The entry where the first run is guessed to end.
    size_t firstRunEnd() const
    {
        std::vector<size_t> at;
        text(&at);
        for (size_t i = 0; i < at.size(); ++i)
            if (at[i] >= at[0] + (size_t(256) << 10))
                return i;
        return 0;
    }
};

std::string entryWithSpans(int r, const std::string &spans)
{
    return "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc-" + std::to_string(r % 9)
        + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},\"spans\":[" + spans + "]}]}";
}

ManyEntries manyEntries(int count = 6000)
{
    ManyEntries m;
    char id[32];
    for (int r = 0; r < count; ++r) {
        std::snprintf(id, sizeof id, "%016x", r + 1);
        m.entries.push_back(entryWithSpans(r, span(kTrace, id, ",\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"},{\\\"resource\\\":\"}}]")));
    }
    return m;
}

const Diagnostic *findDiag(const Model &m, std::string_view code)
{
    for (const auto &d : m.diagnostics.items())
        if (d.code == code)
            return &d;
    return nullptr;
}

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private slots:
    void emptyFile()
    {
        Model m;
        auto r = loadText("", m);
        QVERIFY(!r.ok);
        QVERIFY(r.error.text().find("bad.json") != std::string::npos);
        QVERIFY(r.error.message.find("empty") != std::string::npos);
    }

    void truncatedFile()
    {
        const std::string whole = readAll(test::publicSample("jaeger_memory_otel_traces_01.json"));
        const std::string cut = whole.substr(0, whole.size() / 2);
        Model m;
        auto r = loadText(cut, m, "cut.json");
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("ends unexpectedly") != std::string::npos, r.error.text().c_str());
        QCOMPARE(r.error.offset, uint64_t(cut.size()));
        QVERIFY(r.error.text().rfind("cut.json: byte ", 0) == 0);
    }

    void invalidJsonAtKnownOffset_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("marker"); // the error is where the marker starts
        const std::string good = span(kTrace, "00f067aa0ba902b7");
        QTest::newRow("trailing comma in a span") << QByteArray::fromStdString(docWithSpans(span(kTrace, "00f067aa0ba902b7", ",\"name\":\"x\",")))
                                                  << QByteArray(",}");
        QTest::newRow("bare word as value") << QByteArray::fromStdString(docWithSpans(span(kTrace, "00f067aa0ba902b7", ",\"flags\":yes")))
                                            << QByteArray("yes");
        QTest::newRow("missing colon at top") << QByteArray("{\"resourceSpans\" [] }") << QByteArray("[");
        QTest::newRow("garbage after the document") << QByteArray::fromStdString(docWithSpans(good) + " xyz") << QByteArray("xyz");
        {
            // Spans of two resources are parsed as one batch: the offset still points into the file.
            const std::string first = docWithSpans(good);
            const std::string second = docWithSpans(span(kTrace, "00f067aa0ba902b8", ",\"flags\":yes"));
            const std::string two = first.substr(0, first.size() - 2) + "," + second.substr(second.find("[{") + 1);
            QTest::newRow("second resource") << QByteArray::fromStdString(two) << QByteArray("yes");
        }
        QTest::newRow("bad resource") << QByteArray("{\"resourceSpans\":[{\"resource\":{\"attributes\":[}}]}") << QByteArray("}}]}");
        // Resources and scopes are parsed when their spans are merged: a fault
        // in one still fails the document at its own byte.
        QTest::newRow("bad resource before spans")
            << QByteArray::fromStdString("{\"resourceSpans\":[{\"resource\":{\"attributes\":[}},\"scopeSpans\":[{\"spans\":[" + good + "]}]}]}")
            << QByteArray("}},");
        QTest::newRow("bad scope before spans")
            << QByteArray::fromStdString("{\"resourceSpans\":[{\"scopeSpans\":[{\"scope\":{\"name\":\"s\",},\"spans\":[" + good + "]}]}]}")
            << QByteArray(",}");
        QTest::newRow("bad scope after spans")
            << QByteArray::fromStdString("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + good + "],\"scope\":{\"name\":tru}}]}]}")
            << QByteArray("tru}");
    }
    void invalidJsonAtKnownOffset()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, marker);
        Model m;
        auto r = loadText(text.toStdString(), m);
        QVERIFY(!r.ok);
        int expected = text.indexOf(marker);
        // A trailing comma is reported at the '}' that follows it.
        if (marker == ",}")
            ++expected;
        QVERIFY2(r.error.offset == uint64_t(expected),
            (r.error.text() + " (expected byte " + std::to_string(expected) + ")").c_str());
        QVERIFY2(r.error.message.find("invalid JSON") != std::string::npos, r.error.text().c_str());
    }

    // A fault in a document read in runs of entries is reported at the same
    // byte, with the same message, as when it is read entry by entry: in the
    // first entry, around the first run's end and in the last entry.
    void faultsNearRunBoundaries_data()
    {
        QTest::addColumn<int>("where"); // -1: around the first run's end (+ offset); else an entry
        QTest::addColumn<int>("shift");
        QTest::addColumn<QByteArray>("fault");
        for (const char *fault : {"bare word", "separator", "bad resource", "bad scope", "bad escape"}) {
            for (int shift : {-1, 0, 1})
                QTest::addRow("%s at the first run's end %+d", fault, shift) << -1 << shift << QByteArray(fault);
            QTest::addRow("%s in the second entry", fault) << 1 << 0 << QByteArray(fault);
            QTest::addRow("%s in the last entry", fault) << 5999 << 0 << QByteArray(fault);
        }
        QTest::addRow("cut inside the last entry's string") << 5999 << 0 << QByteArray("cut");
    }
    void faultsNearRunBoundaries()
    {
        QFETCH(int, where);
        QFETCH(int, shift);
        QFETCH(QByteArray, fault);
        ManyEntries doc = manyEntries();
        const size_t k = where < 0 ? doc.firstRunEnd() + size_t(shift) : size_t(where);
        QVERIFY((k > 100 && k < 6000) || where >= 0);
        std::string &e = doc.entries[k];
        std::string marker;
        if (fault == "bare word") {
            e.insert(e.find("\"startTime"), "\"flags\":yes,");
            marker = "yes";
        } else if (fault == "separator") {
            marker = ";{\"resource\"";
        } else if (fault == "bad resource") {
            e.replace(e.find("{\"key\""), 1, "}");
            marker = "}\"key\"";
        } else if (fault == "bad scope") {
            e.replace(e.find("\"s\"}"), 4, "\"s\",}");
            marker = ",},\"spans";
        } else if (fault == "bad escape") {
            e.replace(e.find("\"svc-"), 1, "\"\\");
            marker = "\\svc-";
        }
        std::vector<size_t> at;
        std::string text = doc.text(&at);
        if (fault == "separator")
            text[at[k] - 1] = ';';
        if (fault == "cut")
            text.resize(text.find("svc-", at[k]) + 2);
        const size_t expected = marker.empty() ? text.size() : text.find(marker, at[k] - 1) + (fault == "bad scope" ? 1 : 0);
        QVERIFY(expected != std::string::npos);
        std::string first;
        for (unsigned threads : {1u, 2u, 4u}) {
            LoadOptions options;
            options.threads = threads;
            Model m;
            LoadResult r = loadBuffer("runs.json", text, m, options);
            QVERIFY(!r.ok);
            QVERIFY2(r.error.offset == expected, (r.error.text() + " (expected byte " + std::to_string(expected) + ")").c_str());
            if (marker.empty())
                QVERIFY2(r.error.message.find("ends unexpectedly") != std::string::npos, r.error.text().c_str());
            else
                QVERIFY2(r.error.message.find("invalid JSON") != std::string::npos, r.error.text().c_str());
            if (threads == 1)
                first = r.error.text();
            else
                QCOMPARE(r.error.text(), first);
        }
    }

    // Lone surrogates in entries read in runs on the workers, and in lines
    // of a JSON Lines file read in batches: the runs and lines are no longer
    // scanned for them before the fast path, which refuses them itself; each
    // is still repaired (U+FFFD) with its warning, at the same byte or line,
    // whatever the thread count.
    void loneSurrogatesInRunsAndBatches_data()
    {
        QTest::addColumn<bool>("lines");
        QTest::newRow("document in runs") << false;
        QTest::newRow("json lines") << true;
    }
    void loneSurrogatesInRunsAndBatches()
    {
        QFETCH(bool, lines);
        ManyEntries doc = manyEntries();
        const size_t k = doc.firstRunEnd();
        const std::vector<size_t> damaged = {size_t(1), k - 1, k + 1, size_t(3000), size_t(5999)};
        const std::string value = "\"stringValue\":\"},{\\\"resource\\\":\"";
        for (size_t i : damaged) {
            std::string &e = doc.entries[i];
            e.replace(e.find(value), value.size(), "\"stringValue\":\"a\\ud800b\"");
        }
        std::string text;
        std::vector<size_t> expected; // the byte (document) or line (JSON Lines) of each
        if (lines) {
            for (size_t i = 0; i < doc.entries.size(); ++i) {
                text += "{\"resourceSpans\":[" + doc.entries[i] + "]}\n";
                if (std::find(damaged.begin(), damaged.end(), i) != damaged.end())
                    expected.push_back(i + 1);
            }
        } else {
            std::vector<size_t> at;
            text = doc.text(&at);
            for (size_t i : damaged)
                expected.push_back(text.find("\\ud800", at[i]));
        }
        std::string first;
        for (unsigned threads : {1u, 2u, 4u}) {
            LoadOptions options;
            options.threads = threads;
            Model m;
            LoadResult r = loadBuffer(lines ? "lone.jsonl" : "lone.json", text, m, options);
            QVERIFY2(r.ok, r.error.text().c_str());
            m.finalize();
            QCOMPARE(m.spanCount(), size_t(6000));
            size_t repaired = 0;
            for (const Attribute &a : m.attributes)
                if (a.value.type == ValueType::String && m.str(a.value.str) == std::string_view("a\xEF\xBF\xBD" "b"))
                    ++repaired;
            QCOMPARE(repaired, damaged.size());
            const Diagnostic *d = findDiag(m, "json_lone_surrogate");
            QVERIFY(d);
            QCOMPARE(d->count, uint64_t(damaged.size()));
            // A batch that repairs several names its first (the count has them all).
            const std::vector<std::string> &messages = d->places;
            QVERIFY(!messages.empty());
            for (const std::string &message : messages) {
                bool known = false;
                for (size_t where : expected)
                    known = known || message.rfind((lines ? "lone.jsonl: line " : "lone.json: byte ") + std::to_string(where) + ": ", 0) == 0;
                QVERIFY2(known, message.c_str());
            }
            QVERIFY2(messages.front().rfind((lines ? "lone.jsonl: line " : "lone.json: byte ") + std::to_string(expected.front()) + ": ", 0) == 0,
                     messages.front().c_str());
            std::string all;
            for (const auto &item : m.diagnostics.items())
                for (const std::string &place : item.places)
                    all += item.code + ": " + place + "\n";
            if (threads == 1)
                first = all;
            else
                QCOMPARE(all, first);
        }
    }

    // Damaged records near where runs end are reported at their spans'
    // bytes, and everything else still loads, the same at any thread count.
    void damagedRecordsNearRunBoundaries()
    {
        ManyEntries doc = manyEntries();
        const size_t k = doc.firstRunEnd();
        for (size_t i : {size_t(0), k - 1, k, k + 1, size_t(5999)})
            doc.entries[i].insert(doc.entries[i].find("\"startTime"), "\"name\":5,");
        doc.entries.insert(doc.entries.begin() + std::ptrdiff_t(k), "7");
        std::vector<size_t> at;
        const std::string text = doc.text(&at);
        std::vector<std::string> places;
        for (size_t i : {size_t(0), k - 1, k + 1, k + 2, size_t(6000)})
            places.push_back("runs.json: byte " + std::to_string(text.find("{\"traceId\"", at[i])) + ": span name is a number");
        places.insert(places.begin() + 2, "runs.json: byte " + std::to_string(at[k]) + ": a resourceSpans entry is a number");
        std::string first;
        for (unsigned threads : {1u, 2u, 4u}) {
            LoadOptions options;
            options.threads = threads;
            Model m;
            LoadResult r = loadBuffer("runs.json", text, m, options);
            QVERIFY2(r.ok, r.error.text().c_str());
            m.finalize();
            QCOMPARE(m.spanCount(), size_t(6000));
            QCOMPARE(m.resources.size(), size_t(6000));
            const Diagnostic *d = findDiag(m, "json_wrong_type");
            QVERIFY(d);
            QCOMPARE(d->count, uint64_t(6));
            QCOMPARE(d->places.size(), size_t(6));
            for (size_t i = 0; i < places.size(); ++i)
                QVERIFY2(d->places[i].rfind(places[i], 0) == 0, (d->places[i] + " vs " + places[i]).c_str());
        }
    }

    void wrongValueTypes()
    {
        const std::string spans = span(kTrace, "00f067aa0ba902b7", ",\"name\":5") + ","
            + "{\"traceId\":\"" + kTrace + "\",\"spanId\":\"00f067aa0ba902b8\",\"startTimeUnixNano\":true,\"endTimeUnixNano\":\"300\","
              "\"kind\":\"SPAN_KIND_BOGUS\",\"attributes\":{\"not\":\"a list\"},\"status\":[1]}";
        Model m;
        auto r = loadText(docWithSpans(spans), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2)); // repaired, not dropped
        const Diagnostic *d = findDiag(m, "json_wrong_type");
        QVERIFY(d);
        QCOMPARE(d->count, uint64_t(4)); // name, startTimeUnixNano, attributes, status
        QVERIFY2(d->message.find("bad.json: byte ") == 0, d->message.c_str());
        QVERIFY2(d->message.find("span name is a number") != std::string::npos, d->message.c_str());
        QCOMPARE(m.diagnostics.count(diag::EnumUnknown), uint64_t(1));
        // The byte offset is that of the span holding the problem.
        const std::string doc = docWithSpans(spans);
        QVERIFY(d->message.find("byte " + std::to_string(doc.find("{\"traceId\"")) + ":") != std::string::npos);
        // A start time that is not a number takes the end time, so the span is not stretched to 1970.
        QCOMPARE(m.hot[1].start, uint64_t(300));
        QCOMPARE(m.hot[1].end, uint64_t(300));
        QCOMPARE(m.hot[1].kind, SpanKind::Unspecified);
        QCOMPARE(m.hot[0].name, StringId(0));
    }

    void badIds_data()
    {
        QTest::addColumn<QByteArray>("traceId");
        QTest::addColumn<QByteArray>("spanId");
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QByteArray>("why");
        QTest::newRow("bad hex trace") << QByteArray("4bf92f3577b34da6a3ce929d0e0e47zz") << QByteArray("00f067aa0ba902b7")
                                       << QByteArray("span_bad_trace_id") << QByteArray("neither hex nor base64");
        QTest::newRow("bad hex span") << QByteArray::fromStdString(kTrace) << QByteArray("00f067aa0ba902bg")
                                      << QByteArray("span_bad_span_id") << QByteArray("neither hex nor base64");
        QTest::newRow("short trace") << QByteArray("4bf92f3577b34da6") << QByteArray("00f067aa0ba902b7")
                                     << QByteArray("span_bad_trace_id") << QByteArray("wrong length");
        QTest::newRow("long span") << QByteArray::fromStdString(kTrace) << QByteArray("00f067aa0ba902b7aa")
                                   << QByteArray("span_bad_span_id") << QByteArray("wrong length");
        QTest::newRow("zero trace") << QByteArray("00000000000000000000000000000000") << QByteArray("00f067aa0ba902b7")
                                    << QByteArray("span_bad_trace_id") << QByteArray("all zeros");
        QTest::newRow("zero span") << QByteArray::fromStdString(kTrace) << QByteArray("0000000000000000")
                                   << QByteArray("span_bad_span_id") << QByteArray("all zeros");
        QTest::newRow("empty span") << QByteArray::fromStdString(kTrace) << QByteArray("")
                                    << QByteArray("span_bad_span_id") << QByteArray("missing");
    }
    void badIds()
    {
        QFETCH(QByteArray, traceId);
        QFETCH(QByteArray, spanId);
        QFETCH(QByteArray, code);
        QFETCH(QByteArray, why);
        const std::string spans = span(traceId.toStdString(), spanId.toStdString()) + "," + span(kTrace, "1111111111111111");
        Model m;
        auto r = loadText(docWithSpans(spans), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1)); // the bad span is skipped, the good one kept
        QCOMPARE(m.cold[0].spanId.hex(), std::string("1111111111111111"));
        const Diagnostic *d = findDiag(m, code.toStdString());
        QVERIFY(d);
        QCOMPARE(d->count, uint64_t(1));
        QVERIFY2(d->message.find(why.toStdString()) != std::string::npos, d->message.c_str());
        QVERIFY2(d->message.find("skipped") != std::string::npos, d->message.c_str());
    }

    void badLinkTarget()
    {
        const std::string links = ",\"links\":[{\"traceId\":\"00000000000000000000000000000000\",\"spanId\":\"1111111111111111\"},"
                                  "{\"traceId\":\"" + kTrace + "\",\"spanId\":\"12\"},"
                                  "{\"traceId\":\"" + kTrace + "\",\"spanId\":\"2222222222222222\"}]";
        Model m;
        auto r = loadText(docWithSpans(span(kTrace, "1111111111111111", links) + "," + span(kTrace, "2222222222222222")), m);
        QVERIFY(r.ok);
        QCOMPARE(m.links.size(), size_t(1));
        QVERIFY(m.links[0].resolved());
        QCOMPARE(m.diagnostics.count(diag::LinkBadTraceId), uint64_t(1));
        QCOMPARE(m.diagnostics.count(diag::LinkBadSpanId), uint64_t(1));
    }

    void badParentId()
    {
        Model m;
        auto r = loadText(docWithSpans(span(kTrace, "1111111111111111", ",\"parentSpanId\":\"xyz\"")), m);
        QVERIFY(r.ok);
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(m.hot[0].parent, kNone);
        QCOMPARE(m.diagnostics.count(diag::SpanBadParentId), uint64_t(1));
    }

    void parentAbsent()
    {
        Model m;
        auto r = loadText(docWithSpans(span(kTrace, "1111111111111111", ",\"parentSpanId\":\"9999999999999999\"")), m);
        QVERIFY(r.ok);
        QCOMPARE(m.hot[0].parent, kNone);
        QCOMPARE(m.traces[0].root, 0u);
        QCOMPARE(m.diagnostics.count(diag::SpanParentMissing), uint64_t(1));
    }

    void parentCycleAndSelfParent()
    {
        const std::string spans = span(kTrace, "1111111111111111", ",\"parentSpanId\":\"2222222222222222\"") + ","
            + span(kTrace, "2222222222222222", ",\"parentSpanId\":\"1111111111111111\"") + ","
            + span(kTrace, "3333333333333333", ",\"parentSpanId\":\"3333333333333333\"");
        Model m;
        auto r = loadText(docWithSpans(spans), m);
        QVERIFY(r.ok);
        QCOMPARE(m.spanCount(), size_t(3));
        QCOMPARE(m.diagnostics.count(diag::SpanParentCycle), uint64_t(1));
        QCOMPARE(m.diagnostics.count(diag::SpanParentSelf), uint64_t(1));
        QCOMPARE(m.hot[2].parent, kNone);
        int roots = 0;
        for (const auto &h : m.hot)
            roots += h.parent == kNone;
        QCOMPARE(roots, 2);
    }

    void endBeforeStart()
    {
        const std::string s = "{\"traceId\":\"" + kTrace + "\",\"spanId\":\"1111111111111111\",\"startTimeUnixNano\":\"500\",\"endTimeUnixNano\":\"400\"}";
        Model m;
        auto r = loadText(docWithSpans(s), m);
        QVERIFY(r.ok);
        QCOMPARE(m.hot[0].start, uint64_t(500));
        QCOMPARE(m.hot[0].end, uint64_t(500));
        QCOMPARE(m.diagnostics.count(diag::SpanEndBeforeStart), uint64_t(1));
    }

    void deepParentChain()
    {
        // 5,000 spans, each the parent of the next.
        std::string spans;
        char id[20], parent[20];
        for (int i = 1; i <= 5000; ++i) {
            std::snprintf(id, sizeof id, "%016x", i);
            std::snprintf(parent, sizeof parent, "%016x", i - 1);
            if (i > 1)
                spans += ',';
            spans += span(kTrace, id, i > 1 ? ",\"parentSpanId\":\"" + std::string(parent) + "\"" : std::string());
        }
        Model m;
        auto r = loadText(docWithSpans(spans), m);
        QVERIFY(r.ok);
        QCOMPARE(m.spanCount(), size_t(5000));
        QCOMPARE(m.traces[0].maxDepth, uint16_t(4999));
        QCOMPARE(m.hot[4999].depth, uint16_t(4999));
        QVERIFY(m.diagnostics.empty());
    }

    void nestedHundredThousandLevels_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("arrays") << QByteArray(100000, '[') + QByteArray(100000, ']');
        QByteArray objects;
        for (int i = 0; i < 100000; ++i)
            objects += "{\"a\":";
        objects += "1" + QByteArray(100000, '}');
        QTest::newRow("objects") << objects;
    }
    void nestedHundredThousandLevels()
    {
        QFETCH(QByteArray, text);
        Model m;
        auto r = loadText(text.toStdString(), m);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("nested deeper than 1024 levels") != std::string::npos, r.error.text().c_str());
        QVERIFY(r.error.offset > 1000 && r.error.offset < 8000);
    }

    // Deep nesting inside a record is cut, with a warning, as protobuf is
    // cut at the same AnyValue depth: the record and the file still load.
    void deepValueIsCutNotFatal_data()
    {
        QTest::addColumn<bool>("lines");
        QTest::newRow("document") << false;
        QTest::newRow("json lines") << true;
    }
    void deepValueIsCutNotFatal()
    {
        QFETCH(bool, lines);
        auto nested = [](int levels) {
            std::string v;
            for (int i = 0; i < levels; ++i)
                v += "{\"arrayValue\":{\"values\":[";
            v += "{\"stringValue\":\"leaf\"}";
            for (int i = 0; i < levels; ++i)
                v += "]}}";
            return v;
        };
        auto load = [&](int levels, Model &m) {
            const std::string deep = span(kTrace, "1111111111111111",
                ",\"attributes\":[{\"key\":\"deep\",\"value\":" + nested(levels) + "}],\"x\":" + std::string(5000, '[')
                    + std::string(5000, ']'));
            const std::string good = span(kTrace, "2222222222222222");
            const std::string text = lines ? docWithSpans(deep) + "\n" + docWithSpans(good) + "\n" : docWithSpans(deep + "," + good);
            return loadText(text, m, "deep.json");
        };
        Model shallow, deep;
        QVERIFY(load(100, shallow).ok);
        const LoadResult r = load(3000, deep);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(deep.spanCount(), size_t(2));
        // Cut at the same AnyValue depth whatever the nesting in the file.
        QCOMPARE(deep.values.size(), shallow.values.size());
        const Diagnostic *d = findDiag(deep, "value_too_deep");
        QVERIFY(d);
        QCOMPARE(d->severity, Severity::Warning);
        QVERIFY2(d->message.find("left empty") != std::string::npos, d->message.c_str());
    }

    void hugeAttributeValue()
    {
        const std::string big(50u << 20, 'v');
        const std::string doc = docWithSpans(span(kTrace, "1111111111111111",
            ",\"attributes\":[{\"key\":\"blob\",\"value\":{\"stringValue\":\"" + big + "\"}}]") + ","
            + span(kTrace, "2222222222222222"));
        Model m;
        auto r = loadText(doc, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        const Attribute &a = m.attributes[m.cold[0].attributes.first];
        QCOMPARE(m.str(a.value.str).size(), big.size());
        QVERIFY(m.str(a.value.str) == big);
    }

    void binaryGarbage()
    {
        std::string garbage(4096, '\0');
        uint32_t x = 2463534242u;
        for (auto &c : garbage) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            c = char(x);
        }
        for (char first : {'\x01', '{', '['}) {
            garbage[0] = first;
            Model m;
            auto r = loadText(garbage, m, "garbage.bin");
            QVERIFY(!r.ok);
            QVERIFY(!r.error.message.empty());
            QVERIFY(r.error.text().rfind("garbage.bin", 0) == 0);
        }
    }

    void validJsonNotOtlp_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("otlp logs") << QStringLiteral(R"({"resourceLogs":[{"scopeLogs":[]}]})") << QStringLiteral("OTLP logs");
        QTest::newRow("otlp metrics") << QStringLiteral(R"({"resourceMetrics":[]})") << QStringLiteral("OTLP metrics");
        QTest::newRow("chrome trace events") << QStringLiteral(R"({"traceEvents":[{"ph":"X","name":"a"}]})") << QStringLiteral("Chrome/Perfetto");
    }
    void validJsonNotOtlp()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        Model m;
        auto r = loadText(text.toStdString(), m);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("JSON without resourceSpans") != std::string::npos, r.error.text().c_str());
        QVERIFY2(r.error.message.find(expected.toStdString()) != std::string::npos, r.error.text().c_str());
        QVERIFY(r.error.message.find("does not read") != std::string::npos);
        QCOMPARE(m.spanCount(), size_t(0));
    }

    void otherJsonNotOtlp()
    {
        Model m;
        auto r = loadText("{\"hello\":\"world\",\"n\":[1,2]}", m);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("'hello'") != std::string::npos, r.error.text().c_str());
    }

    void jsonLinesWithDamagedLine()
    {
        Model m;
        auto r = loadFiles({test::testData("json/damaged_line.jsonl")}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2)); // lines 1 and 3
        QCOMPARE(m.str(m.hot[0].name), std::string_view("send"));
        QCOMPARE(m.str(m.hot[1].name), std::string_view("process"));
        const Diagnostic *d = findDiag(m, "json_line_invalid");
        QVERIFY(d);
        QCOMPARE(d->count, uint64_t(1));
        QCOMPARE(d->severity, Severity::Error);
        QVERIFY2(d->message.find("damaged_line.jsonl: line 2: ") != std::string::npos, d->message.c_str());
        QVERIFY2(d->message.find("skipped") != std::string::npos, d->message.c_str());
    }

    void jsonLinesTruncatedLastLine()
    {
        const std::string whole = readAll(test::testData("json/collector.jsonl"));
        const std::string cut = whole.substr(0, whole.size() - 40);
        Model m;
        auto r = loadText(cut, m, "crashed.jsonl");
        QVERIFY(r.ok);
        QCOMPARE(m.spanCount(), size_t(2));
        const Diagnostic *d = findDiag(m, "json_line_invalid");
        QVERIFY(d);
        QVERIFY2(d->message.find("line 3: the line ends unexpectedly") != std::string::npos, d->message.c_str());
    }

    // A damaged first line is skipped like any other line: the file is still
    // JSON Lines and the lines after it load.
    void jsonLinesDamagedFirstLine_data()
    {
        QTest::addColumn<QByteArray>("first");
        QTest::newRow("cut") << QByteArray("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"4bf9");
        QTest::newRow("extra bracket") << QByteArray("{\"resourceSpans\":[]}}");
        QTest::newRow("lost its start") << QByteArray("pans\":[{\"traceId\":\"4bf9\"}]}]}]}");
    }
    void jsonLinesDamagedFirstLine()
    {
        QFETCH(QByteArray, first);
        const std::string text = first.toStdString() + "\n" + docWithSpans(span(kTrace, "1111111111111111")) + "\n"
            + docWithSpans(span(kTrace, "2222222222222222")) + "\n";
        Model m;
        auto r = loadText(text, m, "first.jsonl");
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        const Diagnostic *d = findDiag(m, "json_line_invalid");
        QVERIFY(d);
        QVERIFY2(d->message.rfind("first.jsonl: line 1: ", 0) == 0, d->message.c_str());
        QVERIFY2(d->message.find("skipped") != std::string::npos, d->message.c_str());
    }

    // A lone UTF-16 surrogate escape (JavaScript writes them) keeps its record:
    // U+FFFD in its place and a warning, in a document and in JSON Lines.
    void loneSurrogateKeepsRecord_data()
    {
        QTest::addColumn<bool>("lines");
        QTest::newRow("document") << false;
        QTest::newRow("json lines") << true;
    }
    void loneSurrogateKeepsRecord()
    {
        QFETCH(bool, lines);
        const std::string bad = span(kTrace, "1111111111111111",
            ",\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"a\\ud800b \\\\ud800 \\ud83d\\ude00\"}}]");
        const std::string good = span(kTrace, "2222222222222222");
        const std::string text = lines ? docWithSpans(bad) + "\n" + docWithSpans(good) + "\n" : docWithSpans(bad + "," + good);
        Model m;
        auto r = loadText(text, m, "js.json");
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        bool found = false;
        for (uint32_t i = 0; i < m.spanCount(); ++i) {
            const auto range = m.cold[i].attributes;
            for (uint32_t a = range.first; a < range.first + range.count; ++a) {
                // The lone one is replaced; an escaped backslash and a real pair stay as they were.
                QCOMPARE(m.str(m.attributes[a].value.str), std::string_view("a\xEF\xBF\xBD" "b \\ud800 \xF0\x9F\x98\x80"));
                found = true;
            }
        }
        QVERIFY(found);
        const Diagnostic *d = findDiag(m, "json_lone_surrogate");
        QVERIFY(d);
        QCOMPARE(d->severity, Severity::Warning);
        QVERIFY2(d->message.rfind(lines ? "js.json: line 1: " : "js.json: byte ", 0) == 0, d->message.c_str());
        QVERIFY2(d->message.find("U+FFFD") != std::string::npos, d->message.c_str());
    }

    // Valid protobuf whose first ResourceSpans is 91 or 123 bytes begins with
    // 0a 5b / 0a 7b: newline and '[' / '{' as text. It is still protobuf.
    void protobufThatLooksLikeJson_data()
    {
        QTest::addColumn<int>("length");
        QTest::newRow("91 '['") << 91;
        QTest::newRow("123 '{'") << 123;
    }
    void protobufThatLooksLikeJson()
    {
        QFETCH(int, length);
        std::string bytes;
        for (int pad = 0; pad < 200; ++pad) {
            test::pb::TracesData data;
            auto *rs = data.add_resource_spans();
            test::setString(rs->mutable_resource()->add_attributes(), "service.name", "svc");
            auto *sp = rs->add_scope_spans()->add_spans();
            sp->set_trace_id(test::traceIdBytes(1));
            sp->set_span_id(test::spanIdBytes(2));
            sp->set_name(std::string(size_t(pad), 'n'));
            sp->set_start_time_unix_nano(100);
            sp->set_end_time_unix_nano(200);
            if (int(rs->ByteSizeLong()) == length) {
                data.add_resource_spans()->add_scope_spans()->add_spans()->CopyFrom(*sp);
                data.mutable_resource_spans(1)->mutable_scope_spans(0)->mutable_spans(0)->set_span_id(test::spanIdBytes(3));
                bytes = data.SerializeAsString();
                break;
            }
        }
        QVERIFY(!bytes.empty());
        QCOMPARE(uint8_t(bytes[0]), uint8_t(0x0a));
        QCOMPARE(int(uint8_t(bytes[1])), length);
        QCOMPARE(sniffFormat(bytes), Format::OtlpProto);
        Model m;
        auto r = loadText(bytes, m, "export.pb");
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        // JSON that begins with a newline is still JSON.
        QCOMPARE(sniffFormat("\n{\"resourceSpans\":[]}"), Format::OtlpJson);
        QCOMPARE(sniffFormat("\n[{\"resourceSpans\":[]}]"), Format::OtlpJson);
        QCOMPARE(sniffFormat(std::string(1, '\n') + char(123) + std::string(123, ' ')), Format::OtlpJson);
    }

    // A pipe or device is read only up to the size limit, not forever.
    void nonRegularFileIsBounded()
    {
        LoadOptions options;
        options.maxDecompressedBytes = uint64_t(1) << 20;
        // A FIFO fed 4 MiB of good JSON Lines: refused at 1 MiB, not loaded whole.
        // The writer then meets a closed pipe: an error, not a signal.
        std::signal(SIGPIPE, SIG_IGN);
        QTemporaryDir dir;
        const std::string fifo = dir.filePath(QStringLiteral("pipe")).toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        std::thread writer([&] {
            std::ofstream out(fifo, std::ios::binary);
            const std::string line = docWithSpans(span(kTrace, "1111111111111111")) + "\n";
            for (size_t written = 0; written < (size_t(4) << 20) && out; written += line.size())
                out << line;
        });
        Model m;
        const LoadResult r = loadFiles({fifo}, m, options);
        writer.join();
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("not a regular file") != std::string::npos, r.error.text().c_str());
        // A device that never ends.
        {
            Model m;
            const LoadResult r = loadFiles({"/dev/zero"}, m, options);
            QVERIFY(!r.ok);
            QVERIFY2(r.error.message.find("LoadOptions::maxDecompressedBytes") != std::string::npos, r.error.text().c_str());
        }
    }

    // What comes through a pipe is held once: the buffer grows without the
    // copy of a doubling string, whose peak is up to twice the data.
    void pipeIsReadWithoutDoublingPeak()
    {
        auto peakKiB = [] {
            std::ifstream status("/proc/self/status");
            for (std::string line; std::getline(status, line);)
                if (line.rfind("VmHWM:", 0) == 0)
                    return std::stoull(line.substr(6));
            return 0ull;
        };
        auto rssKiB = [] {
            std::ifstream status("/proc/self/status");
            for (std::string line; std::getline(status, line);)
                if (line.rfind("VmRSS:", 0) == 0)
                    return std::stoull(line.substr(6));
            return 0ull;
        };
        QTemporaryDir dir;
        const std::string fifo = dir.filePath(QStringLiteral("pipe")).toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        constexpr size_t kSize = size_t(200) << 20;
        std::thread writer([&] {
            std::ofstream out(fifo, std::ios::binary);
            const std::string block(size_t(1) << 20, 'x');
            for (size_t written = 0; written < kSize && out; written += block.size())
                out.write(block.data(), std::streamsize(block.size()));
        });
        { std::ofstream("/proc/self/clear_refs") << "5"; } // reset the peak
        const auto before = rssKiB();
        Model m;
        const LoadResult r = loadFiles({fifo}, m);
        writer.join();
        QVERIFY(!r.ok); // not a trace file: the point is what reading it cost
        const auto grew = peakKiB() - before;
        QVERIFY2(grew < (kSize >> 10) * 115 / 100, qPrintable(QStringLiteral("peak grew by %1 KiB").arg(grew)));
    }

    // A framed file cut inside its first frame says so, with the offset.
    void framedCutInFirstFrame()
    {
        test::pb::TracesData data = test::richMessage();
        const std::string message = data.SerializeAsString();
        std::string framed(4, '\0');
        for (int i = 0; i < 4; ++i)
            framed[size_t(i)] = char((message.size() >> (24 - 8 * i)) & 0xff);
        framed += message;
        QVERIFY(framed.size() > 64);
        Model m;
        auto r = loadText(framed.substr(0, 40), m, "cut.bin");
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("truncated frame") != std::string::npos, r.error.text().c_str());
        QVERIFY2(r.error.message.find("runs past the end of the file") != std::string::npos, r.error.text().c_str());
        QVERIFY2(r.error.text().rfind("cut.bin: ", 0) == 0, r.error.text().c_str());
    }

    void jsonLinesAllBad()
    {
        // Nothing readable at all: a fatal error naming the first bad line.
        Model m;
        auto r = loadText("{\"a\":1}\n{\"b\":2}\n", m, "other.jsonl");
        QVERIFY(!r.ok);
        QCOMPARE(r.error.line, uint64_t(1));
        QVERIFY2(r.error.text().rfind("other.jsonl: line 1: ", 0) == 0, r.error.text().c_str());
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
