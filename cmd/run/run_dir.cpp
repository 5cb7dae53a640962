// Making the run's directory, and unmaking what a failed run made.
#include "cmd/run/run_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace trainctl {

CreatedDirs::~CreatedDirs() {
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) rmdir(it->c_str());  // only empty ones go
}

void make_dirs(const std::string& dir, CreatedDirs& created) {
    struct stat st {};
    if (stat(dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
        throw usage_error("--out " + dir + ": exists and is not a directory");
    std::string partial;
    for (std::size_t i = 0; i <= dir.size(); ++i) {
        if (i == dir.size() || (dir[i] == '/' && i > 0)) {
            partial = dir.substr(0, i);
            if (mkdir(partial.c_str(), 0777) == 0) created.add(partial);
            else if (errno != EEXIST)
                throw Error(partial + ": cannot create checkpoint directory: " + std::strerror(errno), kExitSaveFailed);
        }
    }
    if (access(dir.c_str(), W_OK) != 0)
        throw Error(dir + ": checkpoint directory is not writable: " + std::strerror(errno), kExitSaveFailed);
}

}  // namespace trainctl
