#pragma once
// The causeway command line: `causeway [FILE...]` opens the GUI; `causeway
// COMMAND ...` runs a headless command. Commands register themselves, each in
// its own cli_*.cpp, through CommandRegistrar.

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace causeway {
class Model;
struct LoadOptions;
}

namespace causeway::app {

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;   // fatal error: one line on stderr
inline constexpr int kExitUsage = 2;   // usage error

// A small option parser: "--name value", "--name=value", flags, positionals.
class Args
{
public:
    // valueOptions take a value; flags do not. Returns false with `error` set
    // on an unknown option or a missing value.
    bool parse(const std::vector<std::string> &argv, const std::set<std::string> &valueOptions,
               const std::set<std::string> &flags, std::string &error);
    bool flag(const std::string &name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string &name) const;
    const std::vector<std::string> &positionals() const { return m_positionals; }

private:
    std::set<std::string> m_flags;
    std::map<std::string, std::string> m_values;
    std::vector<std::string> m_positionals;
};

struct Command
{
    std::string name;
    std::string summary;   // one line for `causeway --help`
    std::string usage;     // full text for `causeway NAME --help`
    std::function<int(const std::vector<std::string> &args)> run; // args exclude the command name
};

struct CommandRegistrar
{
    explicit CommandRegistrar(Command command);
};

// Loads files for a command. On a fatal error prints "causeway: FILE: ..." to
// stderr and returns false. Diagnostics stay in the model.
bool loadForCommand(const std::vector<std::string> &files, Model &model);

// Prints a usage error ("causeway NAME: MESSAGE" and a hint) and returns kExitUsage.
int usageError(const std::string &command, const std::string &message);
// Prints a fatal error ("causeway: MESSAGE") and returns kExitError.
int fatalError(const std::string &message);

// Parses a non-negative integer option; false on malformed text.
bool parseCount(const std::string &text, uint64_t &out);

int run(int argc, char **argv);

// The registered command nearest to a misspelt `word`, or empty when none is close.
std::string suggestCommand(const std::string &word);

// Opens the GUI (app/gui.cpp) on `files`, the arguments that are neither
// Qt's own options (QApplication takes those out of argv) nor their values.
int runGui(int argc, char **argv, const std::vector<std::string> &files);

} // namespace causeway::app
