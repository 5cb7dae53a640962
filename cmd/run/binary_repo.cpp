// Finding the repository a binary lives in, from /proc/self/exe.
#include "cmd/run/binary_repo.hpp"

#include <filesystem>
#include <system_error>

namespace trainctl {

namespace fs = std::filesystem;

std::string repo_dir_of(const std::string& exe) {
    const fs::path repo = fs::path(exe).parent_path().parent_path();
    std::error_code ec;
    // The script that fetches MNIST into <repo>/data/mnist marks a trainctl checkout; without it
    // a binary in /usr/local/bin would send the lookup to /usr/local/data.
    if (repo.empty() || !fs::is_regular_file(repo / "scripts" / "get-mnist.sh", ec)) return "";
    return repo.string();
}

std::string binary_repo_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);  // symlinks resolved: the real file
    return ec ? "" : repo_dir_of(exe.string());
}

}  // namespace trainctl
