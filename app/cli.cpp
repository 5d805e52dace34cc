#include "app/cli.h"

#include "core/load.h"

#include <charconv>
#include <cstring>
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
    for (const auto &[name, command] : registry())
        std::cout << "  " << name << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') << command.summary << '\n';
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
        if (args[0].size() > 1 && args[0][0] == '-' && args[0] != "--") {
            std::cerr << "causeway: unknown option " << args[0] << "\nRun 'causeway --help' for usage.\n";
            return kExitUsage;
        }
    }
    // Anything else is a list of files for the GUI (Qt options such as -platform pass through).
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] == '-') {
            if (i + 1 < argc && (!std::strcmp(argv[i], "-platform") || !std::strcmp(argv[i], "-style")))
                ++i;
            continue;
        }
        files.emplace_back(argv[i]);
    }
    return runGui(argc, argv, files);
}

} // namespace causeway::app
