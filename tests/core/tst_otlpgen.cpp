// The benchmark data generator (bench/otlpgen.h): its output is OTLP that
// loads without a single diagnostic, holds exactly what the generator says it
// wrote, is the same in both layouts, and is the same on every run.

#include "bench/otlpgen.h"

#include "core/load.h"

#include "common/testutil.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

using namespace causeway;
using causeway::bench::GenStats;
using causeway::bench::OtlpGenerator;

namespace {

std::string generate(const QTemporaryDir &dir, const char *name, OtlpGenerator::Format format, uint64_t bytes,
                     uint64_t seed, GenStats &stats)
{
    const std::string path = dir.filePath(QString::fromUtf8(name)).toStdString();
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return {};
    OtlpGenerator gen(format, seed);
    const bool ok = gen.write(f, bytes, stats);
    std::fclose(f);
    return ok ? path : std::string();
}

std::string slurp(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Per span, what must not depend on the layout of the file.
std::map<std::string, std::string> spansByKey(const Model &m)
{
    std::map<std::string, std::string> out;
    for (uint32_t s = 0; s < m.spanCount(); ++s) {
        const SpanCold &c = m.cold[s];
        std::ostringstream d;
        d << m.str(m.hot[s].name) << '|' << m.str(m.hot[s].service) << '|' << m.hot[s].start << '|' << m.hot[s].end
          << '|' << int(m.hot[s].kind) << '|' << int(m.hot[s].status) << '|' << m.hot[s].depth << '|'
          << c.attributes.count << '|' << c.events.count << '|' << c.links.count;
        out[c.traceId.hex() + c.spanId.hex()] = d.str();
    }
    return out;
}

} // namespace

class TestOtlpGen : public QObject
{
    Q_OBJECT

private slots:
    void parseSize_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qulonglong>("bytes");
        QTest::newRow("plain") << QStringLiteral("1000") << qulonglong(1000);
        QTest::newRow("kilo") << QStringLiteral("512k") << qulonglong(512 * 1024);
        QTest::newRow("mega") << QStringLiteral("200M") << qulonglong(200ull << 20);
        QTest::newRow("giga fraction") << QStringLiteral("1.5G") << qulonglong(3ull << 29);
        QTest::newRow("empty") << QString() << qulonglong(0);
        QTest::newRow("suffix only") << QStringLiteral("M") << qulonglong(0);
        QTest::newRow("garbage") << QStringLiteral("12x") << qulonglong(0);
        QTest::newRow("negative") << QStringLiteral("-5M") << qulonglong(0);
    }

    void parseSize()
    {
        QFETCH(QString, text);
        QFETCH(qulonglong, bytes);
        QCOMPARE(qulonglong(causeway::bench::parseSize(text.toStdString())), bytes);
    }

    void loadsCleanly_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("document") << int(OtlpGenerator::Format::Json);
        QTest::newRow("lines") << int(OtlpGenerator::Format::JsonLines);
    }

    void loadsCleanly()
    {
        QFETCH(int, format);
        QTemporaryDir dir;
        GenStats stats;
        const std::string path = generate(dir, "gen.json", OtlpGenerator::Format(format), 3 << 20, 7, stats);
        QVERIFY(!path.empty());
        QVERIFY(stats.bytes >= (3u << 20));
        QCOMPARE(stats.bytes, uint64_t(slurp(path).size()));

        Model m;
        const LoadResult r = loadFiles({path}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        for (const Diagnostic &d : m.diagnostics.items())
            QVERIFY2(false, (d.code + ": " + d.message).c_str());
        QCOMPARE(uint64_t(m.spanCount()), stats.spans);
        QCOMPARE(uint64_t(m.traces.size()), stats.traces);
        QCOMPARE(uint64_t(m.links.size()), stats.links);
        QCOMPARE(uint64_t(m.events.size()), stats.events);
        const auto unresolved = uint64_t(std::count_if(m.links.begin(), m.links.end(), [](const Link &l) { return !l.resolved(); }));
        QCOMPARE(unresolved, stats.unresolvedLinks);

        // The shape the benchmark claims: 5-50 spans per trace, nesting,
        // links on about a tenth of the spans, every span kind but unspecified.
        uint32_t maxDepth = 0;
        for (const Trace &t : m.traces) {
            QVERIFY(t.spans.count >= 5 && t.spans.count <= 50);
            QCOMPARE(t.rootCount, 1u);
            maxDepth = std::max<uint32_t>(maxDepth, t.maxDepth);
        }
        QVERIFY(maxDepth >= 8);
        const double linked = double(std::count_if(m.cold.begin(), m.cold.end(), [](const SpanCold &c) { return c.links.count > 0; }))
            / double(m.spanCount());
        QVERIFY2(linked > 0.07 && linked < 0.13, std::to_string(linked).c_str());
        QVERIFY(unresolved > 0 && unresolved < stats.links / 4);
        bool kinds[6] = {};
        for (const SpanHot &h : m.hot)
            kinds[int(h.kind)] = true;
        QVERIFY(!kinds[0] && kinds[1] && kinds[2] && kinds[3] && kinds[4] && kinds[5]);
        if (OtlpGenerator::Format(format) == OtlpGenerator::Format::JsonLines)
            QVERIFY(stats.lines > 1);
    }

    void deterministic()
    {
        QTemporaryDir dir;
        GenStats a, b, c;
        const std::string first = generate(dir, "a.json", OtlpGenerator::Format::Json, 1 << 20, 42, a);
        const std::string again = generate(dir, "b.json", OtlpGenerator::Format::Json, 1 << 20, 42, b);
        const std::string other = generate(dir, "c.json", OtlpGenerator::Format::Json, 1 << 20, 43, c);
        QVERIFY(!first.empty() && !again.empty() && !other.empty());
        QVERIFY(slurp(first) == slurp(again));
        QVERIFY(slurp(first) != slurp(other));
    }

    // One document and JSON Lines of the same seed hold the same spans.
    void layoutsAgree()
    {
        QTemporaryDir dir;
        GenStats ds, ls;
        const std::string doc = generate(dir, "d.json", OtlpGenerator::Format::Json, 1 << 20, 11, ds);
        const std::string lines = generate(dir, "l.jsonl", OtlpGenerator::Format::JsonLines, 1 << 20, 11, ls);
        Model a, b;
        QVERIFY(loadFiles({doc}, a).ok);
        QVERIFY(loadFiles({lines}, b).ok);
        // Line framing adds a few bytes per batch, so the size target may be
        // reached one batch apart; the batches both hold are the same.
        const auto sa = spansByKey(a), sb = spansByKey(b);
        const auto &fewer = sa.size() <= sb.size() ? sa : sb;
        const auto &more = sa.size() <= sb.size() ? sb : sa;
        QVERIFY(more.size() - fewer.size() <= 60 * 50);
        QVERIFY(fewer.size() > 500);
        for (const auto &[key, description] : fewer) {
            const auto it = more.find(key);
            QVERIFY2(it != more.end(), key.c_str());
            QCOMPARE(QString::fromStdString(it->second), QString::fromStdString(description));
        }
    }
};

QTEST_GUILESS_MAIN(TestOtlpGen)
#include "tst_otlpgen.moc"
