// Graph layout with Graphviz: the only file that includes Graphviz headers.

#include "core/layout/graphlayout.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <memory>
#include <sstream>
#include <unordered_set>

namespace causeway {

namespace {

// Graphviz keeps global state (error handler, lexer, plugin tables, caches)
// even across contexts, so one mutex guards every call into it.
std::mutex &graphvizMutex()
{
    static std::mutex m;
    return m;
}

// Where Graphviz messages go while a call holds the mutex.
std::string *g_messages = nullptr;

int captureMessage(char *text)
{
    if (g_messages && text)
        g_messages->append(text);
    return 0;
}

struct ContextDeleter
{
    void operator()(GVC_t *gvc) const { gvFreeContext(gvc); }
};

// One context for the process: creating one loads the plugin configuration,
// which is slow and, per context, leaks.
GVC_t *context()
{
    static std::unique_ptr<GVC_t, ContextDeleter> gvc;
    if (!gvc) {
        agseterrf(captureMessage);
        agseterr(AGWARN);
        gvc.reset(gvContext());
    }
    return gvc.get();
}

// agwrite goes through the graph's I/O discipline: this one appends to a std::string.
int putString(void *chan, const char *text)
{
    static_cast<std::string *>(chan)->append(text);
    return 0;
}

int flushString(void *)
{
    return 0;
}

Agiodisc_t g_stringIo = {nullptr, putString, flushString};

struct GraphDeleter
{
    void operator()(Agraph_t *g) const { agclose(g); }
};
using GraphPtr = std::unique_ptr<Agraph_t, GraphDeleter>;

// Graphviz takes char* for strings it only reads.
char *cs(const char *s)
{
    return const_cast<char *>(s);
}

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// Graphviz interprets backslash escapes in labels (\n, \N, \G...): make the
// text literal and turn line breaks into its own.
std::string graphvizLabel(const std::string &text)
{
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            continue;
        else
            out += c;
    }
    return out;
}

struct Built
{
    GraphPtr graph;
    std::vector<Agnode_t *> nodes;
    std::vector<Agedge_t *> edges;
    LayoutEngine engine = LayoutEngine::Dot;
};

// Builds the cgraph graph for a request. With `withNodeLabels` false the
// node labels are left empty: sizes are fixed, so the text only costs time.
bool build(const LayoutRequest &request, bool withNodeLabels, Built &out, std::string &error)
{
    static Agdisc_t disc = {&AgMemDisc, &AgIdDisc, &g_stringIo};
    for (size_t i = 0; i < request.edges.size(); ++i) {
        const auto &e = request.edges[i];
        if (e.from >= request.nodes.size() || e.to >= request.nodes.size()) {
            error = "edge " + std::to_string(i) + " refers to a node that does not exist";
            return false;
        }
    }
    out.engine = chooseEngine(request);
    out.graph.reset(agopen(cs("causeway"), Agdirected, &disc));
    if (!out.graph) {
        error = "Graphviz could not create a graph";
        return false;
    }
    Agraph_t *g = out.graph.get();
    const bool dot = out.engine == LayoutEngine::Dot;
    const size_t n = request.nodes.size();

    agattr(g, AGRAPH, cs("rankdir"), cs("LR"));
    agattr(g, AGRAPH, cs("nodesep"), cs(number(request.nodeSeparation / 72).c_str()));
    if (dot) {
        agattr(g, AGRAPH, cs("ranksep"), cs(number(request.rankSeparation / 72).c_str()));
        // Bound the crossing minimisation and network simplex: on bigger graphs
        // their default iteration counts are what makes dot take minutes.
        agattr(g, AGRAPH, cs("mclimit"), cs(n > 300 ? "0.3" : "1"));
        agattr(g, AGRAPH, cs("nslimit"), cs(n > 300 ? "2" : "20"));
        agattr(g, AGRAPH, cs("nslimit1"), cs(n > 300 ? "2" : "20"));
        agattr(g, AGRAPH, cs("searchsize"), cs("30"));
    } else {
        // Straight edges: routing splines around 10,000 nodes costs more than the layout.
        agattr(g, AGRAPH, cs("splines"), cs("false"));
        agattr(g, AGRAPH, cs("overlap"), cs("prism"));
    }

    Agsym_t *shape = agattr(g, AGNODE, cs("shape"), cs("box"));
    (void)shape;
    agattr(g, AGNODE, cs("style"), cs("rounded"));
    agattr(g, AGNODE, cs("fixedsize"), cs("true"));
    agattr(g, AGNODE, cs("fontsize"), cs("10"));
    Agsym_t *nodeLabel = agattr(g, AGNODE, cs("label"), cs(""));
    Agsym_t *width = agattr(g, AGNODE, cs("width"), cs("1"));
    Agsym_t *height = agattr(g, AGNODE, cs("height"), cs("0.5"));

    agattr(g, AGEDGE, cs("style"), cs("dotted"));
    agattr(g, AGEDGE, cs("fontsize"), cs(number(request.labelFontSize).c_str()));
    Agsym_t *edgeLabel = agattr(g, AGEDGE, cs("label"), cs(""));

    std::unordered_set<std::string> seen;
    seen.reserve(n * 2);
    bool idsUsable = true;
    for (const auto &node : request.nodes) {
        if (node.id.empty() || !seen.insert(node.id).second) {
            idsUsable = false;
            break;
        }
    }
    out.nodes.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const auto &node = request.nodes[i];
        char fallback[24];
        std::snprintf(fallback, sizeof fallback, "n%zu", i);
        Agnode_t *v = agnode(g, cs(idsUsable ? node.id.c_str() : fallback), 1);
        agxset(v, width, cs(number(std::max(node.width, 1.0) / 72).c_str()));
        agxset(v, height, cs(number(std::max(node.height, 1.0) / 72).c_str()));
        if (withNodeLabels)
            agxset(v, nodeLabel, cs(graphvizLabel(node.label).c_str()));
        out.nodes[i] = v;
    }
    out.edges.resize(request.edges.size());
    for (size_t i = 0; i < request.edges.size(); ++i) {
        const auto &edge = request.edges[i];
        Agedge_t *e = agedge(g, out.nodes[edge.from], out.nodes[edge.to], nullptr, 1);
        if (!edge.label.empty())
            agxset(e, edgeLabel, cs(graphvizLabel(edge.label).c_str()));
        out.edges[i] = e;
    }
    return true;
}

// Whether the installed Graphviz has this layout engine (sfdp needs the
// neato layout plugin, which a minimal installation may lack).
bool engineAvailable(GVC_t *gvc, const char *engine)
{
    static std::vector<std::string> engines;
    static bool listed = false;
    if (!listed) {
        listed = true;
        int count = 0;
        if (char **list = gvPluginList(gvc, "layout", &count, nullptr)) {
            for (int i = 0; i < count; ++i) {
                engines.emplace_back(list[i]);
                std::free(list[i]);
            }
            std::free(list);
        }
    }
    return std::find(engines.begin(), engines.end(), engine) != engines.end();
}

// Graphviz messages arrive in pieces ("Warning: ", text, "\n"): split lines.
void collectMessages(const std::string &text, std::vector<std::string> &warnings, std::string *errors)
{
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        if (errors && line.rfind("Error", 0) == 0) {
            if (!errors->empty())
                *errors += "; ";
            *errors += line;
        } else {
            warnings.push_back(line);
        }
    }
}

// Where the segment from the box centre towards `towards` leaves the box.
LayoutPoint clipToBox(const LayoutBox &box, LayoutPoint towards)
{
    const LayoutPoint c = box.centre();
    const double dx = towards.x - c.x, dy = towards.y - c.y;
    if (dx == 0 && dy == 0)
        return c;
    const double sx = dx != 0 ? (box.width / 2) / std::abs(dx) : INFINITY;
    const double sy = dy != 0 ? (box.height / 2) / std::abs(dy) : INFINITY;
    const double s = std::min({sx, sy, 1.0});
    return {c.x + dx * s, c.y + dy * s};
}

} // namespace

LayoutEngine chooseEngine(const LayoutRequest &request)
{
    if (request.engine != LayoutEngine::Auto)
        return request.engine;
    return request.nodes.size() <= request.dotNodeLimit ? LayoutEngine::Dot : LayoutEngine::Sfdp;
}

LayoutResult layoutGraph(const LayoutRequest &request)
{
    LayoutResult result;
    if (request.nodes.empty()) {
        result.ok = true;
        result.engine = chooseEngine(request) == LayoutEngine::Dot ? "dot" : "sfdp";
        return result;
    }

    std::lock_guard lock(graphvizMutex());
    std::string messages;
    g_messages = &messages;
    struct Reset { ~Reset() { g_messages = nullptr; } } reset;

    GVC_t *gvc = context();
    if (!gvc) {
        result.error = "Graphviz could not start (no layout plugins?)";
        return result;
    }
    Built built;
    if (!build(request, false, built, result.error))
        return result;
    Agraph_t *g = built.graph.get();
    result.engine = built.engine == LayoutEngine::Dot ? "dot" : "sfdp";
    if (!engineAvailable(gvc, result.engine.c_str())) {
        result.error = "the Graphviz layout engine '" + result.engine + "' is not installed"
            + (built.engine == LayoutEngine::Sfdp ? " (needed for graphs of more than " + std::to_string(request.dotNodeLimit)
                       + " nodes; install Debian's graphviz package, or show fewer traces)"
                                                   : std::string());
        return result;
    }

    if (gvLayout(gvc, g, result.engine.c_str()) != 0) {
        gvFreeLayout(gvc, g);
        std::string errors;
        collectMessages(messages, result.warnings, &errors);
        result.error = "Graphviz layout with " + result.engine + " failed" + (errors.empty() ? std::string() : ": " + errors);
        return result;
    }

    const boxf bb = GD_bb(g);
    result.width = bb.UR.x - bb.LL.x;
    result.height = bb.UR.y - bb.LL.y;
    // Graphviz's y grows upward from the bottom-left; Qt's grows downward.
    auto flip = [&](pointf p) { return LayoutPoint{p.x - bb.LL.x, bb.UR.y - p.y}; };

    result.nodes.resize(built.nodes.size());
    for (size_t i = 0; i < built.nodes.size(); ++i) {
        Agnode_t *v = built.nodes[i];
        const LayoutPoint c = flip(ND_coord(v));
        const double w = ND_width(v) * 72, h = ND_height(v) * 72;
        result.nodes[i] = {c.x - w / 2, c.y - h / 2, w, h};
    }

    result.edges.resize(built.edges.size());
    for (size_t i = 0; i < built.edges.size(); ++i) {
        Agedge_t *e = built.edges[i];
        LayoutEdgePath &path = result.edges[i];
        const splines *spl = ED_spl(e);
        if (spl && spl->size > 0) {
            for (int b = 0; b < spl->size; ++b) {
                const bezier &bz = spl->list[b];
                // Later pieces repeat the previous end point.
                for (int k = (b == 0 || path.points.empty()) ? 0 : 1; k < bz.size; ++k)
                    path.points.push_back(flip(bz.list[k]));
                if (bz.eflag) {
                    path.hasArrow = true;
                    path.arrowTip = flip(bz.ep);
                }
            }
        }
        if (path.points.size() < 4) {
            // No route from the engine: a straight edge between the box borders.
            const LayoutBox &tail = result.nodes[request.edges[i].from];
            const LayoutBox &head = result.nodes[request.edges[i].to];
            const LayoutPoint a = clipToBox(tail, head.centre());
            const LayoutPoint tip = clipToBox(head, tail.centre());
            const double dx = tip.x - a.x, dy = tip.y - a.y, len = std::hypot(dx, dy);
            const double arrow = std::min(10.0, len / 2);
            const LayoutPoint base = len > 0 ? LayoutPoint{tip.x - dx / len * arrow, tip.y - dy / len * arrow} : tip;
            path.points = {a, {a.x + (base.x - a.x) / 3, a.y + (base.y - a.y) / 3},
                           {a.x + 2 * (base.x - a.x) / 3, a.y + 2 * (base.y - a.y) / 3}, base};
            path.hasArrow = true;
            path.arrowTip = tip;
        }
        if (const textlabel_t *label = ED_label(e); label && label->set) {
            path.hasLabel = true;
            path.labelCentre = flip(label->pos);
            path.labelWidth = label->dimen.x;
            path.labelHeight = label->dimen.y;
        }
    }

    gvFreeLayout(gvc, g);
    collectMessages(messages, result.warnings, nullptr);
    result.ok = true;
    return result;
}

std::string toDot(const LayoutRequest &request)
{
    std::lock_guard lock(graphvizMutex());
    std::string messages;
    g_messages = &messages;
    struct Reset { ~Reset() { g_messages = nullptr; } } reset;
    context(); // installs the error capture

    Built built;
    std::string error;
    if (!build(request, true, built, error))
        return "// " + error + "\n";
    std::string text;
    agwrite(built.graph.get(), &text);
    return text;
}

AsyncLayout::AsyncLayout()
    : m_thread([this] { run(); })
{
}

AsyncLayout::~AsyncLayout()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_skipped += m_queue.size();
        m_queue.clear();
    }
    m_wake.notify_all();
    m_thread.join();
}

uint64_t AsyncLayout::submit(LayoutRequest request, Callback done)
{
    uint64_t generation;
    {
        std::lock_guard lock(m_mutex);
        generation = ++m_latest;
        m_skipped += m_queue.size();
        m_queue.clear();
        m_queue.push_back({generation, std::move(request), std::move(done)});
    }
    m_wake.notify_one();
    return generation;
}

void AsyncLayout::cancel()
{
    std::lock_guard lock(m_mutex);
    ++m_latest;
    m_skipped += m_queue.size();
    m_queue.clear();
    if (!m_running)
        m_idle.notify_all();
}

uint64_t AsyncLayout::latest() const
{
    std::lock_guard lock(m_mutex);
    return m_latest;
}

void AsyncLayout::waitIdle()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_queue.empty() && !m_running; });
}

uint64_t AsyncLayout::delivered() const
{
    std::lock_guard lock(m_mutex);
    return m_delivered;
}

uint64_t AsyncLayout::skipped() const
{
    std::lock_guard lock(m_mutex);
    return m_skipped;
}

uint64_t AsyncLayout::dropped() const
{
    std::lock_guard lock(m_mutex);
    return m_dropped;
}

void AsyncLayout::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_stop)
            break;
        Job job = std::move(m_queue.back());
        m_skipped += m_queue.size() - 1;
        m_queue.clear();
        m_running = true;
        lock.unlock();

        LayoutResult result = layoutGraph(job.request);

        lock.lock();
        const bool current = job.generation == m_latest && !m_stop;
        if (current) {
            ++m_delivered;
            lock.unlock();
            job.done(job.generation, std::move(result));
            lock.lock();
        } else {
            ++m_dropped;
        }
        m_running = false;
        if (m_queue.empty())
            m_idle.notify_all();
    }
    m_running = false;
    m_idle.notify_all();
}

} // namespace causeway
