#include "ui/tracetexts.h"

#include "ui/displaytext.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>

namespace causeway::ui {

QString rootText(const Model &model, const Trace &trace)
{
    return trace.root != kNone ? display::spanCaption(model, trace.root) : QStringLiteral("(no root)");
}

QString servicesText(const Model &model, const Trace &trace)
{
    QStringList names;
    for (uint32_t i = trace.services.first; i < trace.services.end(); ++i)
        names << display::fromStd(model.str(model.traceServices[i]));
    return names.join(QStringLiteral(", "));
}

namespace {
// A trace without a root shows "(no root)" but sorts first, apart from a
// span that happens to be named so: its distinct entry has a key no text has.
const QString &noRootKey()
{
    static const QString key(QChar(0));
    return key;
}

uint32_t intern(QHash<QString, uint32_t> &index, std::vector<QString> &shown, std::vector<QString> &lower,
                const QString &key, const QString &text, const QString &sortText, bool &added)
{
    const auto it = index.constFind(key);
    if (it != index.constEnd())
        return it.value();
    const auto id = uint32_t(shown.size());
    index.insert(key, id);
    shown.push_back(text);
    lower.push_back(sortText);
    added = true;
    return id;
}
} // namespace

uint32_t TraceTexts::rootOf(const Model &model, const Trace &trace)
{
    if (trace.root == kNone)
        return intern(m_rootIndex, rootShown, m_rootLower, noRootKey(), rootText(model, trace), QString(), m_rankStale);
    const QString text = rootText(model, trace);
    return intern(m_rootIndex, rootShown, m_rootLower, text, text, text.toLower(), m_rankStale);
}

uint32_t TraceTexts::servicesOf(const Model &model, const Trace &trace)
{
    const QString text = servicesText(model, trace);
    return intern(m_servicesIndex, servicesShown, m_servicesLower, text, text, text.toLower(), m_rankStale);
}

void TraceTexts::extend(const Model &model, uint32_t rows)
{
    rows = uint32_t(std::min<size_t>(rows, model.traces.size()));
    if (rows <= size())
        return;
    // Traces share few root names and sets of services: the texts are made
    // once per distinct string id (or list of them) in this model.
    std::unordered_map<StringId, uint32_t> byName;
    std::unordered_map<std::string, uint32_t> byServices;
    root.reserve(rows);
    services.reserve(rows);
    for (uint32_t t = uint32_t(size()); t < rows; ++t) {
        const Trace &trace = model.traces[t];
        uint32_t r;
        if (trace.root == kNone) {
            r = rootOf(model, trace);
        } else {
            const StringId name = model.hot[trace.root].name;
            auto it = byName.find(name);
            if (it == byName.end())
                it = byName.emplace(name, rootOf(model, trace)).first;
            r = it->second;
        }
        std::string key(reinterpret_cast<const char *>(model.traceServices.data() + trace.services.first),
                        trace.services.count * sizeof(StringId));
        auto it = byServices.find(key);
        if (it == byServices.end())
            it = byServices.emplace(std::move(key), servicesOf(model, trace)).first;
        root.push_back(r);
        services.push_back(it->second);
    }
    rank();
}

void TraceTexts::refresh(const Model &model, uint32_t trace)
{
    if (trace >= size() || trace >= model.traces.size())
        return;
    root[trace] = rootOf(model, model.traces[trace]);
    services[trace] = servicesOf(model, model.traces[trace]);
    rank();
}

void TraceTexts::erase(uint32_t first, uint32_t last)
{
    if (first >= size())
        return;
    const size_t end = std::min<size_t>(size_t(last) + 1, size());
    root.erase(root.begin() + first, root.begin() + end);
    services.erase(services.begin() + first, services.begin() + end);
}

void TraceTexts::rank()
{
    if (!m_rankStale)
        return;
    m_rankStale = false;
    // New distinct texts fall between the old ones: ranks are worked out
    // again, and keep the old texts' order, so that a list sorted by the old
    // ranks is still sorted by the new.
    auto rankOf = [](const std::vector<QString> &lower, std::vector<uint32_t> &ranks) {
        std::vector<uint32_t> order(lower.size());
        std::iota(order.begin(), order.end(), 0u);
        std::sort(order.begin(), order.end(), [&lower](uint32_t a, uint32_t b) { return lower[a] < lower[b]; });
        ranks.assign(lower.size(), 0);
        uint32_t r = 0;
        for (size_t i = 0; i < order.size(); ++i) {
            if (i > 0 && lower[order[i]] != lower[order[i - 1]])
                ++r;
            ranks[order[i]] = r;
        }
    };
    rankOf(m_rootLower, rootRank);
    rankOf(m_servicesLower, servicesRank);
}

} // namespace causeway::ui
