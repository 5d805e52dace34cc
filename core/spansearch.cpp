#include "core/spansearch.h"

#include <charconv>
#include <cstdio>

namespace causeway {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool containsIgnoringCase(std::string_view haystack, std::string_view needle)
{
    if (needle.empty())
        return true;
    if (needle.size() > haystack.size())
        return false;
    for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        size_t j = 0;
        while (j < needle.size() && lower(haystack[i + j]) == needle[j])
            ++j;
        if (j == needle.size())
            return true;
    }
    return false;
}

// The wanted value, with its number form worked out once rather than per span.
struct Wanted
{
    std::string_view text;
    bool isInt = false;
    int64_t i = 0;

    explicit Wanted(std::string_view t)
        : text(t)
    {
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
        isInt = ec == std::errc() && end == t.data() + t.size() && !t.empty();
    }
};

bool matchesValue(const Model &model, const Value &v, const Wanted &wanted)
{
    switch (v.type) {
    case ValueType::String: return model.str(v.str) == wanted.text;
    case ValueType::Int: return wanted.isInt && v.i == wanted.i;
    case ValueType::Array:
        // An array attribute matches when one of its elements does.
        for (uint32_t i = v.range.first; i < v.range.end(); ++i)
            if (matchesValue(model, model.values[i], wanted))
                return true;
        return false;
    default: return valueText(model, v) == wanted.text;
    }
}

bool hasAttribute(const Model &model, Range attrs, StringId key, const Wanted &value)
{
    for (uint32_t a = attrs.first; a < attrs.end(); ++a) {
        const Attribute &attr = model.attributes[a];
        if (attr.key == key && matchesValue(model, attr.value, value))
            return true;
    }
    return false;
}

} // namespace

SpanQuery SpanQuery::parse(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    SpanQuery q;
    if (text.empty())
        return q;
    const size_t eq = text.find('=');
    if (eq != std::string_view::npos && eq > 0 && text.substr(0, eq).find(' ') == std::string_view::npos) {
        q.kind = Kind::Attribute;
        q.text = std::string(text.substr(0, eq));
        std::string_view value = text.substr(eq + 1);
        // Quotes let a value keep leading or trailing spaces: key="a b ".
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        q.value = std::string(value);
        return q;
    }
    q.kind = Kind::Name;
    q.text.reserve(text.size());
    for (char c : text)
        q.text.push_back(lower(c));
    return q;
}

namespace {
// Every span of `traces` (indices, or every trace when null) in trace order.
SearchResult searchTraces(const Model &model, const SpanQuery &query, const std::vector<uint32_t> *traces, size_t limit,
                          const std::atomic<bool> *cancel)
{
    SearchResult result;
    if (query.kind == SpanQuery::Kind::Empty)
        return result;

    // Names are interned: decide each distinct string once (0 unknown, 1 no, 2 yes).
    std::vector<uint8_t> nameMatch;
    StringId key = StringPool::kNotFound;
    std::vector<uint8_t> resourceMatch;
    const Wanted wanted(query.value);
    if (query.kind == SpanQuery::Kind::Name) {
        nameMatch.assign(model.strings.size(), 0);
    } else {
        key = model.strings.find(query.text);
        resourceMatch.resize(model.resources.size());
        // A resource's service name counts even where the reader derived it
        // without keeping the attribute.
        const bool service = query.text == "service.name";
        for (size_t r = 0; r < model.resources.size(); ++r) {
            const Resource &res = model.resources[r];
            resourceMatch[r] = (key != StringPool::kNotFound && hasAttribute(model, res.attributes, key, wanted))
                || (service && res.serviceName && model.str(res.serviceName) == query.value);
        }
        if (key == StringPool::kNotFound && !service)
            return result; // no attribute anywhere has this key
    }

    const size_t traceCount = traces ? traces->size() : model.traces.size();
    for (size_t k = 0; k < traceCount; ++k) {
        const uint32_t t = traces ? (*traces)[k] : uint32_t(k);
        if (t >= model.traces.size())
            continue;
        const Trace &trace = model.traces[t];
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            result.cancelled = true;
            return result;
        }
        for (uint32_t i = trace.spans.first; i < trace.spans.end(); ++i) {
            const uint32_t s = model.traceSpans[i];
            bool match;
            if (query.kind == SpanQuery::Kind::Name) {
                const StringId name = model.hot[s].name;
                uint8_t &known = nameMatch[name];
                if (!known)
                    known = containsIgnoringCase(model.str(name), query.text) ? 2 : 1;
                match = known == 2;
            } else {
                const SpanCold &c = model.cold[s];
                match = (key != StringPool::kNotFound && hasAttribute(model, c.attributes, key, wanted))
                    || (c.scope < model.scopes.size() && model.scopes[c.scope].resource < resourceMatch.size()
                        && resourceMatch[model.scopes[c.scope].resource]);
            }
            if (!match)
                continue;
            if (result.spans.size() >= limit) {
                result.truncated = true;
                return result;
            }
            result.spans.push_back(s);
        }
    }
    return result;
}
} // namespace

SearchResult searchSpans(const Model &model, const SpanQuery &query, size_t limit, const std::atomic<bool> *cancel)
{
    return searchTraces(model, query, nullptr, limit, cancel);
}

SearchResult searchSpansOf(const Model &model, const SpanQuery &query, const std::vector<uint32_t> &traces, size_t limit,
                           const std::atomic<bool> *cancel)
{
    return searchTraces(model, query, &traces, limit, cancel);
}

std::string valueText(const Model &model, const Value &value)
{
    switch (value.type) {
    case ValueType::Empty: return {};
    case ValueType::String: return std::string(model.str(value.str));
    case ValueType::Bool: return value.b ? "true" : "false";
    case ValueType::Int: return std::to_string(value.i);
    case ValueType::Double: {
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value.d);
        return ec == std::errc() ? std::string(buf, end) : std::string();
    }
    case ValueType::Bytes: return toHex(model.str(value.str));
    // Appending (not "literal" + string) sidesteps a GCC 12 -Wrestrict false positive.
    case ValueType::Array: return std::string("[").append(std::to_string(value.range.count)).append(" items]");
    case ValueType::KvList: return std::string("{").append(std::to_string(value.range.count)).append(" keys}");
    }
    return {};
}

} // namespace causeway
