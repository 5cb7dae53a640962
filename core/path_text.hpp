// A path as text, split at its last '/': the folder to open or compare, and the file name.
// No file-system access, so a name that does not exist yet splits the same way.
#pragma once
#include <string>

namespace trainctl {

// "ck/a.ckpt" -> "ck", "a.ckpt" -> ".", "/a.ckpt" -> "/".
inline std::string dir_name(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// "ck/a.ckpt" -> "a.ckpt", "a.ckpt" -> "a.ckpt".
inline std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace trainctl
