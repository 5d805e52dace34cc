// `causeway export`: a view drawn to an image file without a display.

#include "app/cli.h"
#include "app/cli_backend.h"

#include "core/layout/graphlayout.h"
#include "core/linkgraph.h"
#include "core/linkmap.h"
#include "core/load.h"
#include "ui/drawing.h"
#include "ui/graphpainter.h"
#include "ui/linkmappainter.h"

#include <QGuiApplication>
#include <QPainter>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

namespace causeway::app {

namespace {

constexpr const char *kUsage =
    "Usage: causeway export --view graph|flame|lanes|linkmap [--trace REF] [--span SPANID] [--depth N]\n"
    "                       [--by service|operation|destination] [--critical-path]\n"
    "                       --format svg|png|pdf|dot -o OUT [--width PX] [--scale S] [--dark] FILE...\n\n"
    "Draws a view of the loaded traces to an image file, the way the GUI shows it,\n"
    "without needing a display.\n\n"
    "  --view VIEW       graph: the traces tied by span links (the default);\n"
    "                    flame: one trace's spans; lanes: one trace with its linked\n"
    "                    traces in lanes on one time axis\n"
    "  --trace REF       TRACEID or TRACEID/SPANID (unique prefixes will do) to show\n"
    "                    or centre on. Without it\n"
    "                    the graph shows every trace, and flame and lanes show the\n"
    "                    trace with the most links; linkmap: every link of the\n"
    "                    files, aggregated between groups of spans\n"
    "  --by GROUPING     linkmap: service (the default), operation or destination\n"
    "  --span SPANID     a span to select (its trace, if --trace is not given)\n"
    "  --depth N         link hops around the trace (graph: default 2; lanes: 1)\n"
    "  --format FMT      svg, png, pdf, or dot (the Graphviz source; graph, linkmap);\n"
    "                    without it, taken from the name of OUT\n"
    "  -o, --output OUT  the file to write\n"
    "  --width PX        flame, lanes: the width to draw for (default 1600);\n"
    "                    graph: the picture is scaled to this width\n"
    "  --scale S         device pixels per pixel for PNG (default 1)\n"
    "  --dark            the dark palette\n"
    "  --critical-path   flame, lanes: highlight the focus trace's critical path\n";

std::optional<std::string> formatFromName(const std::string &path)
{
    const auto dot = path.rfind('.');
    if (dot == std::string::npos)
        return std::nullopt;
    std::string ext = path.substr(dot + 1);
    for (char &c : ext)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    if (ext == "svg" || ext == "png" || ext == "pdf" || ext == "dot" || ext == "gv")
        return ext == "gv" ? "dot" : ext;
    return std::nullopt;
}

bool parseScale(const std::string &text, double &out)
{
    try {
        size_t used = 0;
        out = std::stod(text, &used);
        return used == text.size() && std::isfinite(out) && out > 0 && out <= 16;
    } catch (...) {
        return false;
    }
}

// Qt's chatter about the offscreen session (no XDG_RUNTIME_DIR, no input
// devices) is noise on a command's stderr; real warnings still get through.
void quietMessages(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtDebugMsg || type == QtInfoMsg || message.startsWith(QLatin1String("QStandardPaths:")))
        return;
    std::fprintf(stderr, "causeway: %s\n", message.toLocal8Bit().constData());
}

// The span with this id: in `trace` if given, else anywhere.
uint32_t findSpanById(const Model &model, const SpanId &id, uint32_t trace)
{
    if (trace != kNone)
        return model.findSpan(model.traces[trace].id, id);
    for (uint32_t s = 0; s < model.cold.size(); ++s)
        if (model.cold[s].spanId == id)
            return s;
    return kNone;
}

int exportView(const std::vector<std::string> &argvIn)
{
    std::vector<std::string> argv = argvIn;
    BackendCli backendCli;
    if (int status = kExitOk; !backendCli.take("export", argv, status))
        return status;
    Args args;
    std::string error;
    if (!args.parse(argv, {"--view", "--trace", "--span", "--depth", "--format", "-o", "--output", "--width", "--scale", "--by"},
                    {"--dark", "--critical-path"}, error))
        return usageError("export", error);

    const std::string view = args.value("--view").value_or("graph");
    if (view != "graph" && view != "flame" && view != "lanes" && view != "linkmap")
        return usageError("export", "unknown view '" + view + "' (graph, flame, lanes or linkmap)");
    LinkMapGrouping grouping = LinkMapGrouping::Service;
    if (auto by = args.value("--by")) {
        if (view != "linkmap")
            return usageError("export", "--by is for the linkmap view only");
        if (!parseLinkMapGrouping(*by, grouping))
            return usageError("export", "--by takes service, operation or destination, not '" + *by + "'");
    }
    auto output = args.value("-o");
    if (!output)
        output = args.value("--output");
    if (!output || output->empty())
        return usageError("export", "-o OUT is required");
    std::optional<std::string> format = args.value("--format");
    if (!format)
        format = formatFromName(*output);
    if (!format)
        return usageError("export", "--format is required (svg, png, pdf or dot)");
    std::optional<ui::ImageFormat> imageFormat;
    if (*format == "dot" && view != "graph" && view != "linkmap")
        return usageError("export", "--format dot is for the graph and linkmap views only");
    if (*format != "dot") {
        imageFormat = ui::imageFormatFromName(QString::fromStdString(*format));
        if (!imageFormat)
            return usageError("export", "unknown format '" + *format + "' (svg, png, pdf or dot)");
    }

    ui::DrawingOptions options;
    options.depth = view == "graph" ? 2 : 1;
    options.dark = args.flag("--dark");
    options.criticalPath = args.flag("--critical-path");
    if (options.criticalPath && view != "lanes" && view != "flame")
        return usageError("export", "--critical-path is for the flame and lanes views only");
    if (auto depth = args.value("--depth")) {
        uint64_t n = 0;
        if (!parseCount(*depth, n) || n > 1000)
            return usageError("export", "--depth needs a number of hops (0 to 1000), not '" + *depth + "'");
        options.depth = uint32_t(n);
    }
    std::optional<double> width;
    if (auto w = args.value("--width")) {
        uint64_t n = 0;
        if (!parseCount(*w, n) || n < 16 || n > 32000)
            return usageError("export", "--width needs a number of pixels (16 to 32000), not '" + *w + "'");
        width = double(n);
    }
    double scale = 1;
    if (auto s = args.value("--scale"); s && !parseScale(*s, scale))
        return usageError("export", "--scale needs a positive number up to 16, not '" + *s + "'");
    std::optional<SpanId> spanId;
    if (auto s = args.value("--span")) {
        SpanId id;
        if (parseId(*s, id) != IdParse::Ok)
            return usageError("export", "--span needs a span id (16 hex digits), not '" + *s + "'");
        spanId = id;
    }
    if (args.positionals().empty() && !backendCli.enabled())
        return usageError("export", "no input files");
    if (backendCli.enabled() && !args.value("--trace"))
        return usageError("export", "--backend needs --trace REF: the trace to grow the view around");

    Model model;
    if (!loadForCommand(args.positionals(), model))
        return kExitError;
    if (backendCli.enabled()) {
        TraceId id;
        std::optional<SpanId> span;
        if (!parseReference(*args.value("--trace"), id, span, &error))
            return fatalError("--trace: " + error);
        uint64_t hops = view == "graph" ? 2 : 1;
        if (auto d = args.value("--depth"))
            parseCount(*d, hops);
        if (!backendCli.expand(model, {id}, uint32_t(std::min<uint64_t>(hops, 10)), uint32_t(std::min<uint64_t>(hops, 10))))
            return kExitError;
    }
    if (model.traces.empty())
        return fatalError("no traces loaded from the input files");

    if (auto ref = args.value("--trace")) {
        Reference reference;
        if (!resolveReference(model, *ref, reference, error))
            return fatalError("--trace " + *ref + ": " + error);
        options.trace = reference.trace;
        options.span = reference.span;
    }
    if (spanId) {
        const uint32_t span = findSpanById(model, *spanId, options.trace);
        if (span == kNone)
            return fatalError("--span " + spanId->hex() + ": no such span is loaded"
                              + (options.trace != kNone ? " in trace " + model.traces[options.trace].id.hex() : std::string()));
        options.span = span;
        options.trace = model.hot[span].trace;
    }
    const bool picture = view == "graph" || view == "linkmap"; // scaled to --width, not flowed
    if (!picture && options.trace == kNone) {
        // Where the story is: the trace with the most links, as the GUI opens on.
        options.trace = 0;
        for (uint32_t t = 1; t < model.traces.size(); ++t) {
            const Trace &a = model.traces[t], &b = model.traces[options.trace];
            if (a.linksIn + a.linksOut > b.linksIn + b.linksOut)
                options.trace = t;
        }
    }
    if (!picture && width)
        options.width = *width;

    // Drawing needs fonts, hence a QGuiApplication; offscreen needs no display.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    qInstallMessageHandler(quietMessages);
    static int qtArgc = 1;
    static char qtName[] = "causeway";
    static char *qtArgv[] = {qtName, nullptr};
    QGuiApplication app(qtArgc, qtArgv);

    QString qerror;
    if (*format == "dot") {
        std::string text;
        if (view == "linkmap") {
            std::shared_ptr<ui::LinkMapPicture> map = ui::buildLinkMapPicture(model, grouping, options.dark, &qerror);
            if (!map)
                return fatalError(qerror.toStdString());
            text = toDot(map->layoutRequest());
        } else {
            std::shared_ptr<ui::GraphPicture> graph = ui::buildGraphPicture(model, options, &qerror);
            if (!graph)
                return fatalError(qerror.toStdString());
            text = toDot(graph->layoutRequest());
        }
        std::ofstream out(*output, std::ios::binary | std::ios::trunc);
        if (!out)
            return fatalError(*output + ": cannot open for writing");
        out << text;
        if (!text.empty() && text.back() != '\n')
            out << '\n';
        out.close();
        if (!out)
            return fatalError(*output + ": write failed");
        return kExitOk;
    }

    std::optional<ui::Drawing> drawing;
    if (view == "flame")
        drawing = ui::flameDrawing(model, options);
    else if (view == "lanes")
        drawing = ui::lanesDrawing(model, options);
    else if (view == "linkmap")
        drawing = ui::linkMapDrawing(model, grouping, options.dark, &qerror);
    else
        drawing = ui::graphDrawing(model, options, &qerror);
    if (!drawing)
        return fatalError(qerror.toStdString());
    if (picture && width)
        *drawing = ui::scaledToWidth(*drawing, *width); // a legend keeps its size
    if (*imageFormat == ui::ImageFormat::Png && !args.value("--scale") && !width) {
        // A whole-model graph can be tens of thousands of pixels across: unless
        // asked for a size, shrink the PNG to one every viewer opens.
        const double w = drawing->size.width(), h = drawing->size.height();
        const double fit = std::min({1.0, 16384 / w, 16384 / h, std::sqrt(64e6 / (w * h))});
        if (fit < 1 && drawing->toWidth) {
            // Shrink the graph, not the legend: it must stay legible.
            *drawing = ui::scaledToWidth(*drawing, w * fit);
            std::fprintf(stderr, "causeway: note: the picture is %.0f x %.0f pixels, drawn %.0f wide; SVG and PDF keep every detail\n",
                         w, h, w * fit);
        } else if (fit < 1) {
            scale = fit;
            std::fprintf(stderr, "causeway: note: the picture is %.0f x %.0f pixels, written at %.2f scale; SVG and PDF keep every detail\n",
                         w, h, fit);
        }
    }
    if (!ui::writeDrawing(*drawing, *imageFormat, QString::fromStdString(*output), scale, &qerror))
        return fatalError(qerror.toStdString());
    return kExitOk;
}

const CommandRegistrar exportCommand({"export", "draw the graph, flame, lanes or link map view to SVG, PNG or PDF (graph, link map also DOT)", std::string(kUsage) + "\nWith --backend (and --trace), linked traces that are not in the files are\nfetched first, --depth hops both ways; FILEs are optional.\n\n" + kBackendUsage, exportView});

} // namespace

} // namespace causeway::app
