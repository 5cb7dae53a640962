// What a path names, asked without throwing: a missing or unreadable path is simply "not a
// folder", which is what every lookup that probes places wants.
#pragma once
#include <filesystem>
#include <system_error>

namespace trainctl {

// A directory, or a symlink to one.
inline bool is_dir(const std::filesystem::path& path) {
    std::error_code ec;
    return std::filesystem::is_directory(path, ec);
}

}  // namespace trainctl
