// gzip and zstd decompression: round trips, concatenated members and frames,
// truncated and corrupt streams, and bombs stopped by the size limit.

#include "core/load.h"
#include "core/readers.h"

#include <QElapsedTimer>
#include <QTest>

#include <zlib.h>
#include <zstd.h>

#include <random>

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
        const LoadOptions defaults;
        QCOMPARE(defaults.maxDecompressedBytes, uint64_t(8) << 30);
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
