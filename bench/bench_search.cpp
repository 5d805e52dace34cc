// Span search (the search bar's scan) over a large model: a name substring
// and an attribute key=value, as ratios against baselines measured in the
// same run: one pass reading every span's name id in trace order (the least
// work any scan does), and the same substring test done per span without
// deciding each interned name once.
//
// Usage: bench_search [TRACES] [REPEATS]   (10 spans per trace; default 200,000 traces)

#include "benchutil.h"
#include "core/spansearch.h"

#include "tests/common/modelbuilder.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

using namespace causeway;
using causeway::bench::g_sink;
using causeway::bench::medianMs;
using causeway::test::TestModelBuilder;

namespace {

Model build(uint32_t traces)
{
    TestModelBuilder b("checkout-api");
    std::vector<std::string> names;
    for (int i = 0; i < 400; ++i)
        names.push_back("GET /api/v1/Inventory/Item" + std::to_string(i) + "/availability");
    constexpr uint64_t ms = 1'000'000;
    uint64_t x = 88172645463325252ull; // xorshift: deterministic names
    for (uint32_t t = 0; t < traces; ++t) {
        for (uint32_t s = 1; s <= 10; ++s) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b.add({.trace = t + 1, .span = s, .parent = s == 1 ? 0u : 1u, .start = uint64_t(t) * ms + s,
                   .duration = 1000, .name = names[x % names.size()]});
        }
    }
    Model m = b.finish();
    // Two attributes per span: a route and a status code (1 in 50 is a 500).
    const StringId route = m.strings.intern("http.route"), code = m.strings.intern("http.response.status_code");
    causeway::ModelBuilder build(m);
    for (uint32_t s = 0; s < m.spanCount(); ++s) {
        build.beginAttributes();
        build.addAttribute(route, Value::makeString(m.hot[s].name));
        build.addAttribute(code, Value::makeInt(s % 50 == 7 ? 500 : 200));
        m.cold[s].attributes = build.endAttributes();
    }
    return m;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

// The per-span substring test, with no reuse across spans sharing a name.
bool naiveContains(std::string_view hay, std::string_view needle)
{
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        size_t j = 0;
        while (j < needle.size() && lower(hay[i + j]) == needle[j])
            ++j;
        if (j == needle.size())
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    const uint32_t traces = argc > 1 ? uint32_t(std::strtoul(argv[1], nullptr, 10)) : 200'000;
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;

    const auto b0 = std::chrono::steady_clock::now();
    const Model model = build(traces);
    const auto b1 = std::chrono::steady_clock::now();
    std::printf("model: %zu traces, %zu spans (built in %.0f ms); %d repeats, medians\n", model.traces.size(),
                model.spanCount(), std::chrono::duration<double, std::milli>(b1 - b0).count(), repeats);

    const double pass = medianMs(repeats, [&] {
        uint64_t sum = 0;
        for (const Trace &t : model.traces)
            for (uint32_t i = t.spans.first; i < t.spans.end(); ++i)
                sum += model.hot[model.traceSpans[i]].name;
        return sum;
    });
    const std::string needle = "item17/";
    const double naive = medianMs(repeats, [&] {
        uint64_t n = 0;
        for (const Trace &t : model.traces)
            for (uint32_t i = t.spans.first; i < t.spans.end(); ++i)
                n += naiveContains(model.str(model.hot[model.traceSpans[i]].name), needle);
        return n;
    });
    size_t nameMatches = 0, attrMatches = 0;
    const SpanQuery nameQuery = SpanQuery::parse("Item17/");
    const double byName = medianMs(repeats, [&] {
        const SearchResult r = searchSpans(model, nameQuery, SIZE_MAX);
        nameMatches = r.spans.size();
        return uint64_t(r.spans.size());
    });
    const SpanQuery attrQuery = SpanQuery::parse("http.response.status_code=500");
    const double byAttribute = medianMs(repeats, [&] {
        const SearchResult r = searchSpans(model, attrQuery, SIZE_MAX);
        attrMatches = r.spans.size();
        return uint64_t(r.spans.size());
    });

    std::printf("baseline: one pass over every span's name id      %8.2f ms\n", pass);
    std::printf("baseline: per-span substring, no name reuse       %8.2f ms  (%.2fx the pass)\n", naive, naive / pass);
    std::printf("search \"Item17/\" (%zu matches)                  %8.2f ms  (%.2fx the pass, %.2fx the per-span test)\n",
                nameMatches, byName, byName / pass, byName / naive);
    std::printf("search http.response.status_code=500 (%zu)     %8.2f ms  (%.2fx the pass)\n", attrMatches, byAttribute,
                byAttribute / pass);
    return 0;
}
