// Folders are listed with readdir through std::filesystem and globs expanded with glob(3); both
// sorted by byte order, so the output order does not depend on the file system or the locale.
#include "cmd/infer_inputs.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/data/image_folder.hpp"
#include "core/error.hpp"

namespace trainctl {
namespace fs = std::filesystem;

namespace {

bool exists_no_follow(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

bool is_folder(const std::string& path) {
    struct stat st;  // stat: a link to a folder is a folder; stat never opens, so a FIFO cannot block it
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool has_glob_chars(const std::string& value) { return value.find_first_of("*?[") != std::string::npos; }

std::vector<std::string> folder_images(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (is_image_file_name(name)) out.push_back((fs::path(dir) / name).string());
    }
    if (ec) throw Error("--input: " + dir + ": cannot list the folder: " + ec.message());
    if (out.empty()) throw Error("--input: " + dir + ": no .png or .pgm files in the folder, expected images to classify");
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> glob_matches(const std::string& pattern) {
    glob_t g;
    std::memset(&g, 0, sizeof g);
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    std::vector<std::string> out(g.gl_pathv, g.gl_pathv + (rc == 0 ? g.gl_pathc : 0));
    globfree(&g);
    if (rc == GLOB_NOSPACE) throw Error("--input: " + pattern + ": out of memory expanding the pattern");
    if (out.empty()) throw Error("--input: '" + pattern + "' matches no file, expected image files (a glob, a folder or a file)");
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

bool is_batch_input(const std::string& value) {
    return is_folder(value) || (!exists_no_follow(value) && has_glob_chars(value));
}

std::vector<std::string> expand_image_inputs(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const std::string& v : values) {
        if (is_folder(v)) {
            const auto files = folder_images(v);
            out.insert(out.end(), files.begin(), files.end());
        } else if (!exists_no_follow(v) && has_glob_chars(v)) {
            const auto files = glob_matches(v);
            out.insert(out.end(), files.begin(), files.end());
        } else {
            out.push_back(v);
        }
    }
    return out;
}

}  // namespace trainctl
