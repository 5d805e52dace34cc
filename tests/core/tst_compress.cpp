// gzip and zstd decompression: round trips, concatenated members and frames,
// truncated and corrupt streams, and bombs stopped by the size limit.

#include "core/load.h"
#include "core/readers.h"

#include <QElapsedTimer>
#include <QTest>

#include <zlib.h>
#include <zstd.h>

#include <random>

#include <unistd.h>

using namespace causeway;

namespace {

std::string gzip(std::string_view data, int level = 6)
{
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    std::string out(deflateBound(&zs, uLong(data.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? out : std::string();
}

std::string zstd(std::string_view data, int level = 3)
{
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
    if (ZSTD_isError(n))
        return {};
    out.resize(n);
    return out;
}

// A zstd frame written by the streaming API without a declared content size,
// so only the streaming decoder can notice that it is too large.
std::string zstdStreamed(std::string_view data)
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
    std::string out;
    std::string chunk(ZSTD_CStreamOutSize(), '\0');
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    for (;;) {
        ZSTD_outBuffer ob{chunk.data(), chunk.size(), 0};
        const size_t left = ZSTD_compressStream2(cctx, &ob, &in, ZSTD_e_end);
        out.append(chunk.data(), ob.pos);
        if (ZSTD_isError(left) || left == 0)
            break;
    }
    ZSTD_freeCCtx(cctx);
    return out;
}

// Text that compresses somewhat, like trace JSON.
std::string sampleText(size_t size, unsigned seed)
{
    std::mt19937 rng(seed);
    static const char *words[] = {"\"traceId\":", "\"spanId\":", "\"name\":\"GET /orders\"", "{\"key\":\"http.method\"",
        "\"stringValue\":\"POST\"}", ",", "\n", "0123456789abcdef"};
    std::string out;
    while (out.size() < size) {
        out += words[rng() % 8];
        out += char('a' + rng() % 26);
    }
    out.resize(size);
    return out;
}

} // namespace

class TestCompress : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("codec");
        QTest::addColumn<int>("size");
        for (const char *codec : {"gzip", "zstd"}) {
            QTest::newRow(qPrintable(QStringLiteral("%1_empty").arg(QString::fromUtf8(codec)))) << QString::fromUtf8(codec) << 0;
            QTest::newRow(qPrintable(QStringLiteral("%1_small").arg(QString::fromUtf8(codec)))) << QString::fromUtf8(codec) << 100;
            QTest::newRow(qPrintable(QStringLiteral("%1_3MB").arg(QString::fromUtf8(codec)))) << QString::fromUtf8(codec) << (3 << 20);
        }
    }
    void roundTrip()
    {
        QFETCH(QString, codec);
        QFETCH(int, size);
        const std::string plain = sampleText(size_t(size), 7);
        const std::string packed = codec == QLatin1String("gzip") ? gzip(plain) : zstd(plain);
        QVERIFY(!packed.empty());
        std::string out, error;
        QVERIFY2(detail::decompress(packed, uint64_t(1) << 30, out, error), error.c_str());
        QCOMPARE(out.size(), plain.size());
        QVERIFY(out == plain);
    }

    void exactlyAtTheLimitIsAccepted()
    {
        const std::string plain = sampleText(10000, 3);
        std::string out, error;
        QVERIFY2(detail::decompress(gzip(plain), plain.size(), out, error), error.c_str());
        QVERIFY(out == plain);
        QVERIFY(!detail::decompress(gzip(plain), plain.size() - 1, out, error));
        QVERIFY2(error.find("exceeds the limit") != std::string::npos, error.c_str());
    }

    // `cat a.gz b.gz > c.gz` is a valid gzip file holding a then b.
    void concatenatedGzipMembers()
    {
        const std::string a = sampleText(50000, 1), b = sampleText(70000, 2), c = sampleText(10, 3);
        std::string out, error;
        QVERIFY2(detail::decompress(gzip(a) + gzip(b) + gzip(c), uint64_t(1) << 30, out, error), error.c_str());
        QVERIFY(out == a + b + c);
        // Zero padding after the last member (tape blocks) is ignored, like gzip(1) does.
        QVERIFY2(detail::decompress(gzip(a) + std::string(512, '\0'), uint64_t(1) << 30, out, error), error.c_str());
        QVERIFY(out == a);
    }

    void gzipTrailingGarbageIsAnError()
    {
        const std::string a = sampleText(1000, 1);
        const std::string packed = gzip(a);
        std::string out, error;
        QVERIFY(!detail::decompress(packed + "garbage", uint64_t(1) << 30, out, error));
        QVERIFY2(error.find("byte " + std::to_string(packed.size())) != std::string::npos, error.c_str());
    }

    void concatenatedZstdFrames()
    {
        const std::string a = sampleText(50000, 1), b = sampleText(70000, 2);
        std::string out, error;
        QVERIFY2(detail::decompress(zstd(a) + zstdStreamed(b) + zstd(a), uint64_t(1) << 30, out, error), error.c_str());
        QVERIFY(out == a + b + a);
    }

    void truncated_data()
    {
        QTest::addColumn<QString>("codec");
        QTest::newRow("gzip") << QStringLiteral("gzip");
        QTest::newRow("zstd") << QStringLiteral("zstd");
    }
    void truncated()
    {
        QFETCH(QString, codec);
        const std::string plain = sampleText(200000, 5);
        std::string packed = codec == QLatin1String("gzip") ? gzip(plain) : zstd(plain);
        for (size_t cut : {packed.size() / 2, packed.size() - 1}) {
            std::string out, error;
            QVERIFY(!detail::decompress(std::string_view(packed).substr(0, cut), uint64_t(1) << 30, out, error));
            QVERIFY2(error.find("truncated") != std::string::npos, error.c_str());
            QVERIFY2(error.find("byte " + std::to_string(cut)) != std::string::npos, error.c_str());
        }
    }

    void corrupt_data()
    {
        QTest::addColumn<QString>("codec");
        QTest::newRow("gzip") << QStringLiteral("gzip");
        QTest::newRow("zstd") << QStringLiteral("zstd");
    }
    void corrupt()
    {
        QFETCH(QString, codec);
        const std::string plain = sampleText(200000, 6);
        std::string packed = codec == QLatin1String("gzip") ? gzip(plain) : zstd(plain);
        for (size_t i = packed.size() / 3; i < packed.size() / 3 + 64; ++i)
            packed[i] = char(packed[i] ^ 0x5a);
        std::string out, error;
        QVERIFY(!detail::decompress(packed, uint64_t(1) << 30, out, error));
        QVERIFY2(error.find("corrupt") != std::string::npos, error.c_str());
        QVERIFY2(error.find("byte ") != std::string::npos, error.c_str());
    }

    // 10 GB of zeros gzips to about 10 MB; a 64 MiB bomb against a 4 MiB
    // limit shows the same thing quickly: the decoder stops at the limit.
    void bomb_data()
    {
        QTest::addColumn<QString>("codec");
        QTest::newRow("gzip") << QStringLiteral("gzip");
        QTest::newRow("zstd_declared_size") << QStringLiteral("zstd");
        QTest::newRow("zstd_streamed") << QStringLiteral("zstd-streamed");
    }
    void bomb()
    {
        QFETCH(QString, codec);
        std::string packed;
        {
            const std::string zeros(size_t(64) << 20, '\0');
            packed = codec == QLatin1String("gzip") ? gzip(zeros, 9)
                : codec == QLatin1String("zstd")    ? zstd(zeros, 3)
                                                    : zstdStreamed(zeros);
        }
        QVERIFY(!packed.empty());
        QVERIFY(packed.size() < (size_t(1) << 20));
        std::string out, error;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!detail::decompress(packed, uint64_t(4) << 20, out, error));
        const qint64 ms = timer.elapsed();
        QCOMPARE(QString::fromStdString(error),
            QStringLiteral("decompressed size exceeds the limit of 4 MiB (LoadOptions::maxDecompressedBytes)"));
        QVERIFY(out.size() <= (size_t(4) << 20));
        // Stopping at 4 MiB is a few milliseconds; inflating all 64 MiB would take far longer.
        QVERIFY2(ms < 2000, qPrintable(QString::number(ms)));
    }

    void defaultLimitIsNamedInGiB()
    {
        const std::string packed = gzip(std::string(3000, 'x'));
        std::string out, error;
        QVERIFY(!detail::decompress(packed, 1000, out, error));
        QCOMPARE(QString::fromStdString(error),
            QStringLiteral("decompressed size exceeds the limit of 1000 bytes (LoadOptions::maxDecompressedBytes)"));
    }

    // The default is what the machine can hold, not a fixed 8 GiB: half of
    // physical memory (and of any cgroup or address-space limit), at most 8 GiB.
    void defaultLimitFollowsMemory()
    {
        const LoadOptions defaults;
        const uint64_t physical = uint64_t(sysconf(_SC_PHYS_PAGES)) * uint64_t(sysconf(_SC_PAGESIZE));
        QCOMPARE(defaults.maxDecompressedBytes, defaultMaxDecompressedBytes());
        QVERIFY(defaults.maxDecompressedBytes <= uint64_t(8) << 30);
        QVERIFY2(defaults.maxDecompressedBytes <= std::max<uint64_t>(physical / 2, uint64_t(64) << 20),
            qPrintable(QString::number(defaults.maxDecompressedBytes)));
    }

    // A truncated .jsonl.gz / .jsonl.zst keeps every line that decompressed
    // whole, as the same truncated plain file does, with a diagnostic.
    void truncatedJsonLinesKeepsCompleteLines_data()
    {
        QTest::addColumn<QString>("codec");
        QTest::newRow("gzip") << QStringLiteral("gzip");
        QTest::newRow("zstd") << QStringLiteral("zstd");
    }
    void truncatedJsonLinesKeepsCompleteLines()
    {
        QFETCH(QString, codec);
        std::string text;
        for (int i = 0; i < 4000; ++i) {
            char id[17];
            std::snprintf(id, sizeof id, "%016x", i + 1);
            text += "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                    "\"spanId\":\"" + std::string(id) + "\",\"name\":\"" + "op-"
                + std::to_string(i) + "\",\"startTimeUnixNano\":\"" + std::to_string(1000 + i) + "\",\"endTimeUnixNano\":\""
                + std::to_string(2000 + i) + "\",\"attributes\":[{\"key\":\"r\",\"value\":{\"stringValue\":\""
                + std::to_string(uint64_t(i) * 2654435761u) + "\"}}]}]}]}]}\n";
        }
        const std::string packed = codec == QLatin1String("gzip") ? gzip(text, 1) : zstdStreamed(text);
        const std::string cut = packed.substr(0, packed.size() * 2 / 3);
        Model plainModel, model;
        const LoadResult plain = loadBuffer("cut.jsonl", std::string_view(text).substr(0, text.size() * 2 / 3), plainModel);
        QVERIFY(plain.ok);
        const LoadResult r = loadBuffer("cut.jsonl.z", cut, model);
        QVERIFY2(r.ok, r.error.text().c_str());
        QVERIFY2(model.spanCount() > 1000, qPrintable(QString::number(model.spanCount())));
        QVERIFY(model.spanCount() < 4000);
        bool named = false;
        for (const auto &d : model.diagnostics.items())
            if (d.code == "compressed_data_damaged") {
                QCOMPARE(d.severity, Severity::Error);
                QVERIFY2(d.message.find("cut.jsonl.z: ") == 0 && d.message.find("truncated") != std::string::npos,
                    d.message.c_str());
                named = true;
            }
        QVERIFY(named);
        // A single document cut the same way is still an error, naming the truncation.
        Model doc;
        const std::string one = "{\"resourceSpans\":[" + std::string(50000, ' ') + "]}";
        const std::string packedDoc = codec == QLatin1String("gzip") ? gzip(one) : zstdStreamed(one);
        const LoadResult bad = loadBuffer("doc.json.z", packedDoc.substr(0, packedDoc.size() / 2), doc);
        QVERIFY(!bad.ok);
        QVERIFY2(bad.error.message.find("truncated") != std::string::npos, bad.error.text().c_str());
    }

    // pzstd begins its files with a skippable frame.
    void zstdSkippableFrameFirst()
    {
        const std::string plain = sampleText(100000, 9);
        std::string skippable("\x50\x2a\x4d\x18\x04\x00\x00\x00\x01\x02\x03\x04", 12);
        const std::string packed = skippable + zstd(plain) + skippable;
        QCOMPARE(sniffFormat(packed), Format::Zstd);
        std::string out, error;
        QVERIFY2(detail::decompress(packed, uint64_t(1) << 30, out, error), error.c_str());
        QVERIFY(out == plain);
    }

    // Corruption in the middle of a zstd stream names where, not byte 0.
    void zstdCorruptionOffset()
    {
        const std::string plain = sampleText(3 << 20, 4);
        std::string packed = zstd(plain, 1);
        const size_t at = packed.size() / 2;
        for (size_t i = at; i < at + 64; ++i)
            packed[i] = char(packed[i] ^ 0x5a);
        std::string out, error;
        QVERIFY(!detail::decompress(packed, uint64_t(1) << 30, out, error));
        const auto pos = error.find("byte ");
        QVERIFY2(pos != std::string::npos, error.c_str());
        const uint64_t reported = std::stoull(error.substr(pos + 5));
        // The block holding the damage starts at most one block (128 KiB) before it.
        QVERIFY2(reported <= at && reported + (128 << 10) + 3 >= at, error.c_str());
        QVERIFY2(error.find("corrupt") != std::string::npos, error.c_str());
    }

    void notCompressed()
    {
        std::string out, error;
        QVERIFY(!detail::decompress("{\"resourceSpans\":[]}", 100, out, error));
        QVERIFY(!error.empty());
    }

    // Through the loader: a bomb is a fatal load error naming the file and the limit.
    void loaderReportsTheLimit()
    {
        const std::string packed = gzip(std::string(size_t(8) << 20, '\0'), 9);
        Model model;
        LoadOptions options;
        options.maxDecompressedBytes = uint64_t(1) << 20;
        const LoadResult r = loadBuffer("bomb.gz", packed, model, options);
        QVERIFY(!r.ok);
        QCOMPARE(QString::fromStdString(r.error.text()),
            QStringLiteral("bomb.gz: gzip: decompressed size exceeds the limit of 1 MiB (LoadOptions::maxDecompressedBytes)"));
        QCOMPARE(model.spanCount(), size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestCompress)
#include "tst_compress.moc"
