#include "app/cli.h"

#include "core/load.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <iostream>

namespace causeway::app {

namespace {

std::map<std::string, Command> &registry()
{
    static std::map<std::string, Command> commands;
    return commands;
}

void printHelp()
{
    std::cout << "Causeway " CAUSEWAY_VERSION ": a viewer for OpenTelemetry traces tied together by span links.\n\n"
                 "Usage:\n"
                 "  causeway [FILE...]            open the GUI, loading FILEs\n"
                 "  causeway COMMAND [OPTIONS]    run a headless command\n\n"
                 "Commands:\n";
    size_t width = 0;
    for (const auto &[name, command] : registry())
        width = std::max(width, name.size());
    for (const auto &[name, command] : registry())
        std::cout << "  " << name << std::string(width + 2 - name.size(), ' ') << command.summary << '\n';
    std::cout << "\nFILE: OTLP/JSON, OTLP/JSON Lines, OTLP protobuf, optionally gzip or zstd compressed.\n"
                 "Run 'causeway COMMAND --help' for a command's options.\n";
}

} // namespace

CommandRegistrar::CommandRegistrar(Command command)
{
    registry().emplace(command.name, std::move(command));
}

bool Args::parse(const std::vector<std::string> &argv, const std::set<std::string> &valueOptions,
                 const std::set<std::string> &flags, std::string &error)
{
    bool onlyPositionals = false;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string &a = argv[i];
        if (onlyPositionals || a.size() < 2 || a[0] != '-' || a == "-") {
            m_positionals.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyPositionals = true;
            continue;
        }
        std::string name = a, value;
        bool inlineValue = false;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
            inlineValue = true;
        }
        if (valueOptions.count(name)) {
            if (!inlineValue) {
                if (i + 1 >= argv.size()) {
                    error = "option " + name + " needs a value";
                    return false;
                }
                value = argv[++i];
            }
            m_values[name] = value;
        } else if (flags.count(name) && !inlineValue) {
            m_flags.insert(name);
        } else {
            error = "unknown option " + name;
            return false;
        }
    }
    return true;
}

std::optional<std::string> Args::value(const std::string &name) const
{
    auto it = m_values.find(name);
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

bool parseCount(const std::string &text, uint64_t &out)
{
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

int usageError(const std::string &command, const std::string &message)
{
    std::cerr << "causeway " << command << ": " << message << "\n"
              << "Run 'causeway " << command << " --help' for usage.\n";
    return kExitUsage;
}

int fatalError(const std::string &message)
{
    std::cerr << "causeway: " << message << '\n';
    return kExitError;
}

bool loadForCommand(const std::vector<std::string> &files, Model &model)
{
    LoadResult result = loadFiles(files, model);
    if (!result.ok) {
        fatalError(result.error.text());
        return false;
    }
    return true;
}

namespace {

// Qt's own command-line options (QGuiApplication and QApplication), with
// whether they take a value. QApplication removes them from argv itself; this
// table only lets a bad option be refused before a display is needed. Qt
// accepts them with one dash or two.
const std::map<std::string, bool> &qtOptions()
{
    static const std::map<std::string, bool> options{
        {"platform", true}, {"platformpluginpath", true}, {"platformtheme", true}, {"plugin", true},
        {"qmljsdebugger", true}, {"qwindowgeometry", true}, {"geometry", true}, {"qwindowicon", true},
        {"icon", true}, {"qwindowtitle", true}, {"title", true}, {"reverse", false}, {"session", true},
        {"display", true}, {"name", true}, {"style", true}, {"stylesheet", true}, {"widgetcount", false},
        {"nograb", false}, {"dograb", false}, {"visual", true}, {"ncols", true}, {"cmap", false},
        {"testability", false}, {"qwindowscreen", true}};
    return options;
}

// The Qt option `arg` names, or nullptr; "-style=Fusion" and "--style" count too.
const bool *qtOption(const std::string &arg, bool &inlineValue)
{
    std::string name = arg.substr(arg.rfind("--", 0) == 0 ? 2 : 1);
    inlineValue = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
        name.resize(eq);
        inlineValue = true;
    }
    auto it = qtOptions().find(name);
    return it == qtOptions().end() ? nullptr : &it->second;
}

// Edit distance with transpositions (optimal string alignment), for "did you mean".
size_t editDistance(const std::string &a, const std::string &b)
{
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

// A word a command could be: lowercase letters and dashes, no path or extension.
bool looksLikeCommand(const std::string &arg)
{
    if (arg.empty() || arg.size() > 32)
        return false;
    return std::all_of(arg.begin(), arg.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; })
        && arg.front() != '-';
}

} // namespace

std::string suggestCommand(const std::string &word)
{
    std::string best;
    size_t bestDistance = std::max<size_t>(2, word.size() / 3) + 1;
    for (const auto &[name, command] : registry()) {
        const size_t distance = editDistance(word, name);
        if (distance < bestDistance || (distance == bestDistance && !best.empty() && name < best)) {
            bestDistance = distance;
            best = name;
        }
    }
    return best;
}

int run(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
        if (args[0] == "help" && args.size() > 1 && registry().count(args[1])) {
            std::cout << registry().at(args[1]).usage;
            return kExitOk;
        }
        printHelp();
        return kExitOk;
    }
    if (!args.empty() && (args[0] == "--version" || args[0] == "-v")) {
        std::cout << "causeway " CAUSEWAY_VERSION "\n";
        return kExitOk;
    }
    if (!args.empty()) {
        auto it = registry().find(args[0]);
        if (it != registry().end()) {
            std::vector<std::string> rest(args.begin() + 1, args.end());
            for (const auto &a : rest) {
                if (a == "--help" || a == "-h") {
                    std::cout << it->second.usage;
                    return kExitOk;
                }
                if (a == "--")
                    break;
            }
            return it->second.run(rest);
        }
        // As git does: a misspelt command is not a file to open.
        std::error_code ec;
        if (looksLikeCommand(args[0]) && !std::filesystem::exists(args[0], ec)) {
            std::cerr << "causeway: unknown command '" << args[0] << "'";
            if (const std::string suggestion = suggestCommand(args[0]); !suggestion.empty())
                std::cerr << " (did you mean '" << suggestion << "'?)";
            std::cerr << "\nRun 'causeway --help' for the commands.\n";
            return kExitUsage;
        }
    }
    // The GUI. Qt's standard options (-platform, -style, -stylesheet, -reverse,
    // ...) are QApplication's: it takes them out of argv. Anything else that
    // looks like an option is refused here, before a display is needed.
    std::vector<std::string> files;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--") {
            files.insert(files.end(), args.begin() + long(i) + 1, args.end());
            break;
        }
        if (a.size() < 2 || a[0] != '-') {
            files.push_back(a);
            continue;
        }
        bool inlineValue = false;
        if (const bool *takesValue = qtOption(a, inlineValue)) {
            if (*takesValue && !inlineValue)
                ++i;
            continue;
        }
        std::cerr << "causeway: unknown option " << a << "\nRun 'causeway --help' for usage.\n";
        return kExitUsage;
    }
    return runGui(argc, argv, files);
}

} // namespace causeway::app
