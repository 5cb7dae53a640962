// Deciding and saying where a resumed run writes.
#include "cmd/run/resume_target.hpp"

#include <sys/stat.h>

#include <optional>
#include <nlohmann/json.hpp>

#include "ckpt_format/ckpt_names.hpp"
#include "core/error.hpp"
#include "core/path_text.hpp"

namespace trainctl {

namespace {
// "ck/" and "ck" are one directory; so are "." and "./".
std::string without_trailing_slashes(std::string dir) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir;
}

bool same_directory(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return without_trailing_slashes(a) == without_trailing_slashes(b);  // a directory still to be made
}
}  // namespace

std::string checkpoint_dir(const std::string& path) {
    return dir_name(path);
}

std::string resume_prefix(const std::string& path, const std::string& stored_run_prefix) {
    if (!stored_run_prefix.empty()) {
        if (is_valid_prefix(stored_run_prefix)) return stored_run_prefix;
        const std::string quoted =
            nlohmann::json(stored_run_prefix).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        throw Error(path + ": metadata \"run_prefix\" is " + quoted +
                    ", expected letters, digits, '.', '_' or '-' (not starting with '.')");
    }
    const std::optional<CkptName> name = parse_ckpt_file_name(base_name(path));
    if (!name)
        throw Error(path + ": no \"run_prefix\" in the metadata and the name is not PREFIX-EPOCH_STEP.ckpt: " +
                    "cannot tell which run to continue");
    return name->prefix;
}

bool resume_asks_new_run(const RunConfig& resumed, const std::string& from, const std::string& run_prefix,
                         const std::string& stored_prefix) {
    if (!same_directory(resumed.out, checkpoint_dir(from))) return true;
    return resumed.prefix != run_prefix && resumed.prefix != stored_prefix;
}

std::string resuming_line(const std::string& from, const std::string& run_prefix, bool new_run,
                          const std::string& dir, const std::string& prefix) {
    const std::string line = "resuming " + from;
    if (!new_run) return line;
    const std::string source_dir = checkpoint_dir(from);
    return line + " into " + dir + "/" + prefix + "-* (a branch: " + source_dir + "/" + run_prefix +
           "-* stay as they are)";
}

}  // namespace trainctl
