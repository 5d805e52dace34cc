#include "core/module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <map>
#include <mutex>

namespace causeway {

std::string moduleDir()
{
    char exe[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return "lib/causeway";
    std::string dir(exe, size_t(n));
    const auto slash = dir.rfind('/');
    dir.resize(slash == std::string::npos ? 0 : slash);
    return dir + "/../lib/causeway";
}

void *moduleSymbol(const char *file, const char *symbol, std::string &error)
{
    // A module is opened once; one that failed is not tried again.
    struct Loaded
    {
        std::string path;
        void *handle = nullptr;
        std::string error;
    };
    static std::mutex mutex;
    static std::map<std::string, Loaded> loaded;
    std::lock_guard lock(mutex);
    auto [it, inserted] = loaded.try_emplace(file);
    Loaded &m = it->second;
    if (inserted) {
        m.path = moduleDir() + "/" + file;
        m.handle = dlopen(m.path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!m.handle) {
            const char *why = dlerror();
            m.error = why ? why : m.path + ": cannot be loaded";
        }
    }
    if (!m.handle) {
        error = m.error;
        return nullptr;
    }
    dlerror();
    void *address = dlsym(m.handle, symbol);
    if (!address)
        error = m.path + ": no " + symbol + " in it";
    return address;
}

} // namespace causeway
