#pragma once
// Graph layout with Graphviz, behind plain structs.
//
// The request says what to place (boxes of a given size, edges between them,
// optional edge labels); the result says where, in points with y growing
// downward and the origin at the top-left of the bounding box, ready for Qt.
//
// Graphviz is not thread-safe, not even with one context per thread, so every
// call into it in this process goes through one mutex and one reused
// gvContext. `dot` time cannot be bounded or cancelled once started: callers
// collapse big fan-outs first, and beyond `dotNodeLimit` nodes the layout
// switches to `sfdp`.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace causeway {

struct LayoutNode
{
    std::string id;                  // unique name in the DOT output; empty: "n<index>"
    std::string label;               // text for the DOT output; lines separated by '\n'
    double width = 72;               // points
    double height = 36;              // points
};

struct LayoutEdge
{
    uint32_t from = 0;               // node index (tail: the cause)
    uint32_t to = 0;                 // node index (head: the effect)
    std::string label;               // empty: no label, and no space reserved for one
};

enum class LayoutEngine { Auto, Dot, Sfdp };

struct LayoutRequest
{
    std::vector<LayoutNode> nodes;
    std::vector<LayoutEdge> edges;
    LayoutEngine engine = LayoutEngine::Auto;
    uint32_t dotNodeLimit = 1000;    // Auto: dot up to this many nodes, sfdp beyond
    double labelFontSize = 9;        // points, for the space edge labels take
    double nodeSeparation = 18;      // points between nodes of one rank
    double rankSeparation = 54;      // points between ranks (dot)
};

struct LayoutPoint
{
    double x = 0;
    double y = 0;
};

struct LayoutBox
{
    double x = 0, y = 0;             // top-left
    double width = 0, height = 0;
    LayoutPoint centre() const { return {x + width / 2, y + height / 2}; }
};

struct LayoutEdgePath
{
    // Piecewise cubic Bezier: points[0] is the start, then three points
    // (control, control, end) per segment. Ends at the arrow's base.
    std::vector<LayoutPoint> points;
    bool hasArrow = false;
    LayoutPoint arrowTip;            // where the arrow touches the head node
    bool hasLabel = false;
    LayoutPoint labelCentre;
    double labelWidth = 0, labelHeight = 0;
};

struct LayoutResult
{
    bool ok = false;
    std::string error;               // set when !ok; Graphviz's own messages included
    std::string engine;              // "dot" or "sfdp"
    double width = 0, height = 0;    // bounding box, points
    std::vector<LayoutBox> nodes;    // parallel to LayoutRequest::nodes
    std::vector<LayoutEdgePath> edges; // parallel to LayoutRequest::edges
    std::vector<std::string> warnings; // Graphviz warnings, captured instead of printed
};

// The engine Auto resolves to for this request.
LayoutEngine chooseEngine(const LayoutRequest &request);

// Lays out synchronously on the calling thread; waits for the process-wide
// Graphviz mutex. Node indices out of range in an edge fail the request.
LayoutResult layoutGraph(const LayoutRequest &request);

// The Graphviz source of the request (what layoutGraph gives Graphviz, with
// labels), for writing a .dot file.
std::string toDot(const LayoutRequest &request);

// Lays out off the caller's thread on one worker thread. Each request gets a
// generation number; a newer request supersedes every older one: an older
// request that has not started is skipped, one that is running finishes
// (Graphviz cannot be interrupted) but its result is dropped.
class AsyncLayout
{
public:
    // Called on the worker thread, only for the newest request at the time
    // the layout finished. Receivers on another thread compare `generation`
    // with latest() again, as a newer request may arrive meanwhile.
    using Callback = std::function<void(uint64_t generation, LayoutResult result)>;

    AsyncLayout();
    // Waits for a running layout to finish; queued ones are dropped.
    ~AsyncLayout();
    AsyncLayout(const AsyncLayout &) = delete;
    AsyncLayout &operator=(const AsyncLayout &) = delete;

    // Thread-safe. Returns the request's generation (1, 2, ...).
    uint64_t submit(LayoutRequest request, Callback done);
    // Supersedes everything submitted so far without a new request.
    void cancel();
    uint64_t latest() const;
    // Blocks until nothing is queued or running.
    void waitIdle();

    // Counters, for tests and diagnostics.
    uint64_t delivered() const;
    uint64_t skipped() const;        // superseded before they started
    uint64_t dropped() const;        // superseded while running

private:
    void run();

    struct Job
    {
        uint64_t generation = 0;
        LayoutRequest request;
        Callback done;
    };

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<Job> m_queue;
    uint64_t m_latest = 0;
    bool m_running = false;
    bool m_stop = false;
    uint64_t m_delivered = 0, m_skipped = 0, m_dropped = 0;
    std::thread m_thread;
};

} // namespace causeway
