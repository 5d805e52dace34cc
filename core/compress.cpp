// gzip and zstd decompression with a size limit enforced while decompressing,
// so a compression bomb stops after producing `limit` bytes instead of
// exhausting memory.

#include "core/readers.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace causeway::detail {

namespace {

constexpr size_t kChunk = size_t(1) << 18;

std::string describeLimit(uint64_t limit)
{
    auto unit = [limit](uint64_t size, const char *name) {
        return limit >= size && limit % size == 0 ? std::to_string(limit / size) + " " + name : std::string();
    };
    for (auto [size, name] : {std::pair{uint64_t(1) << 30, "GiB"}, {uint64_t(1) << 20, "MiB"}, {uint64_t(1) << 10, "KiB"}})
        if (auto text = unit(size, name); !text.empty())
            return text;
    return std::to_string(limit) + " bytes";
}

std::string limitMessage(uint64_t limit)
{
    return "decompressed size exceeds the limit of " + describeLimit(limit) + " (LoadOptions::maxDecompressedBytes)";
}

bool isGzip(std::string_view b)
{
    return b.size() >= 2 && uint8_t(b[0]) == 0x1f && uint8_t(b[1]) == 0x8b;
}

bool isZstd(std::string_view b)
{
    if (b.size() >= 4 && uint8_t(b[0]) == 0x28 && uint8_t(b[1]) == 0xb5 && uint8_t(b[2]) == 0x2f && uint8_t(b[3]) == 0xfd)
        return true;
    // A skippable frame (magic 0x184D2A50..5F), as pzstd writes first.
    return b.size() >= 8 && (uint8_t(b[0]) & 0xf0) == 0x50 && uint8_t(b[1]) == 0x2a && uint8_t(b[2]) == 0x4d && uint8_t(b[3]) == 0x18;
}

uint32_t le32(const char *p)
{
    auto u = reinterpret_cast<const unsigned char *>(p);
    return uint32_t(u[0]) | uint32_t(u[1]) << 8 | uint32_t(u[2]) << 16 | uint32_t(u[3]) << 24;
}

// Where the frames and blocks of a zstd stream start, read from their
// headers. The decoder is fed one unit at a time so that an error names the
// block it is in; the walk stops where the headers stop making sense, and the
// rest is fed at once.
std::vector<size_t> zstdUnits(std::string_view b)
{
    std::vector<size_t> units;
    size_t pos = 0;
    while (pos + 8 <= b.size()) {
        const auto u = reinterpret_cast<const unsigned char *>(b.data() + pos);
        if ((u[0] & 0xf0) == 0x50 && u[1] == 0x2a && u[2] == 0x4d && u[3] == 0x18) {
            units.push_back(pos);
            pos += 8 + size_t(le32(b.data() + pos + 4));
            continue;
        }
        if (!(u[0] == 0x28 && u[1] == 0xb5 && u[2] == 0x2f && u[3] == 0xfd))
            break;
        units.push_back(pos);
        const unsigned fhd = u[4];
        const bool single = fhd & 0x20, checksum = fhd & 0x04;
        static constexpr size_t dictSize[] = {0, 1, 2, 4};
        const size_t fcsSize = (fhd >> 6) == 0 ? (single ? 1 : 0) : size_t(1) << (fhd >> 6);
        pos += 5 + (single ? 0 : 1) + dictSize[fhd & 3] + fcsSize;
        for (;;) {
            if (pos + 3 > b.size())
                return units;
            const auto h = reinterpret_cast<const unsigned char *>(b.data() + pos);
            const uint32_t header = uint32_t(h[0]) | uint32_t(h[1]) << 8 | uint32_t(h[2]) << 16;
            const uint32_t type = (header >> 1) & 3, size = header >> 3;
            if (type == 3)
                return units;
            units.push_back(pos);
            pos += 3 + (type == 1 ? 1 : size);
            if (header & 1)
                break;
        }
        pos += checksum ? 4 : 0;
    }
    return units;
}

// Appends `produced` bytes unless that would pass the limit.
bool append(std::string &out, const char *data, size_t produced, uint64_t limit, std::string &error)
{
    if (out.size() + produced > limit) {
        error = limitMessage(limit);
        return false;
    }
    out.append(data, produced);
    return true;
}

bool gunzip(std::string_view bytes, uint64_t limit, std::string &out, std::string &error)
{
    z_stream zs{};
    // 16 + MAX_WBITS: gzip wrapper only, with its CRC and length checked.
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        error = "cannot initialise zlib";
        return false;
    }
    struct Guard { z_stream *z; ~Guard() { inflateEnd(z); } } guard{&zs};
    auto buffer = std::make_unique<char[]>(kChunk);

    // The ISIZE trailer of a single-member file gives the size modulo 4 GiB:
    // a reservation hint only.
    if (bytes.size() >= 18) {
        auto t = reinterpret_cast<const unsigned char *>(bytes.data() + bytes.size() - 4);
        uint64_t hint = uint64_t(t[0]) | uint64_t(t[1]) << 8 | uint64_t(t[2]) << 16 | uint64_t(t[3]) << 24;
        // deflate cannot compress better than about 1032:1, so a larger
        // claim is a lie not worth allocating for.
        if (hint <= limit && hint < (uint64_t(1) << 31) && hint <= uint64_t(bytes.size()) * 1032)
            out.reserve(out.size() + hint);
    }

    size_t memberStart = 0;
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
    // zlib counts input in uInt; feed at most 1 GiB at a time.
    size_t remaining = bytes.size();
    auto feed = [&] {
        if (zs.avail_in == 0 && remaining > 0) {
            zs.avail_in = uInt(std::min<size_t>(remaining, size_t(1) << 30));
            remaining -= zs.avail_in;
        }
    };
    auto consumed = [&] { return size_t(reinterpret_cast<const char *>(zs.next_in) - bytes.data()); };

    for (;;) {
        feed();
        zs.next_out = reinterpret_cast<Bytef *>(buffer.get());
        zs.avail_out = uInt(kChunk);
        int rc = inflate(&zs, Z_NO_FLUSH);
        size_t produced = kChunk - zs.avail_out;
        if (produced && !append(out, buffer.get(), produced, limit, error))
            return false;
        if (rc == Z_STREAM_END) {
            // Another member may follow (e.g. `cat a.gz b.gz`); trailing zero
            // padding is ignored like gzip(1) does.
            size_t pos = consumed();
            if (pos == bytes.size())
                return true;
            std::string_view rest = bytes.substr(pos);
            if (rest.find_first_not_of('\0') == std::string_view::npos)
                return true;
            if (!isGzip(rest)) {
                error = "unexpected data after the gzip stream at byte " + std::to_string(pos);
                return false;
            }
            memberStart = pos;
            inflateReset(&zs);
            continue;
        }
        if (rc == Z_OK)
            continue;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0 && remaining == 0) {
            error = "truncated gzip stream: the data ends at byte " + std::to_string(bytes.size())
                + " inside the member that starts at byte " + std::to_string(memberStart);
            return false;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0)
            continue; // more input to feed
        error = "corrupt gzip data near byte " + std::to_string(consumed()) + " (member at byte "
            + std::to_string(memberStart) + "): " + (zs.msg ? zs.msg : "inflate failed");
        return false;
    }
}

bool unzstd(std::string_view bytes, uint64_t limit, std::string &out, std::string &error)
{
    std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx *)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
    if (!dctx) {
        error = "cannot initialise zstd";
        return false;
    }
    // The first frame's declared size lets a bomb be refused before any work.
    const unsigned long long declared = ZSTD_getFrameContentSize(bytes.data(), bytes.size());
    if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR) {
        if (out.size() + declared > limit) {
            error = limitMessage(limit);
            return false;
        }
        // A frame header costs nothing to forge: reserve no more than a
        // generous ratio of the input, and let the string grow past that.
        out.reserve(out.size() + std::min<uint64_t>(declared, uint64_t(bytes.size()) * 256 + (uint64_t(1) << 20)));
    }
    auto buffer = std::make_unique<char[]>(kChunk);
    const std::vector<size_t> units = zstdUnits(bytes);
    size_t unit = 0; // the first unit starting after what is fed
    ZSTD_inBuffer in{bytes.data(), 0, 0};
    size_t last = 0;
    for (;;) {
        if (in.pos == in.size && in.size < bytes.size()) {
            while (unit < units.size() && units[unit] <= in.size)
                ++unit;
            in.size = unit < units.size() ? units[unit] : bytes.size();
        }
        ZSTD_outBuffer ob{buffer.get(), kChunk, 0};
        const size_t before = in.pos;
        last = ZSTD_decompressStream(dctx.get(), &ob, &in);
        if (ZSTD_isError(last)) {
            // The unit being fed holds the fault: the block (or header) that starts there.
            size_t at = unit > 0 && unit <= units.size() ? units[unit - 1] : before;
            error = std::string("corrupt zstd data in the block at byte ") + std::to_string(at) + ": " + ZSTD_getErrorName(last);
            return false;
        }
        if (ob.pos && !append(out, buffer.get(), ob.pos, limit, error))
            return false;
        if (last == 0 && in.pos == bytes.size())
            return true; // the last frame is complete and flushed
        if (in.pos == bytes.size() && in.pos == before && ob.pos == 0) {
            error = "truncated zstd stream: the data ends at byte " + std::to_string(bytes.size()) + " inside a frame";
            return false;
        }
    }
}

} // namespace

bool decompress(std::string_view bytes, uint64_t limit, std::string &out, std::string &error)
{
    out.clear();
    if (isGzip(bytes))
        return gunzip(bytes, limit, out, error);
    if (isZstd(bytes))
        return unzstd(bytes, limit, out, error);
    error = "neither gzip nor zstd data";
    return false;
}

} // namespace causeway::detail
