// Whether a directory entry exists at `path`, a dangling symlink included (lstat: never followed).
#pragma once
#include <sys/stat.h>

#include <string>

namespace trainctl::testing {

inline bool path_exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace trainctl::testing
