// Picking the newest complete checkpoint of a directory.
#include "cmd/ckpt_find.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <iostream>
#include <vector>

#include "ckpt_format/ckpt_names.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/checkpoint_io.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {
bool is_dir(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

std::string resolve_checkpoint(const std::string& from, const std::string& default_dir) {
    if (from != "latest" && !is_dir(from)) {
        struct stat st {};
        if (stat(from.c_str(), &st) == 0) return from;
        // A bare name, as the tutorials write it (`--from lenet-2_1875.ckpt`), is also looked up in DIR.
        const bool bare = from.find('/') == std::string::npos;
        const std::string in_dir = default_dir + "/" + from;
        if (bare && stat(in_dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) return in_dir;
        throw usage_error("--from: " + from + ": no such checkpoint file or directory" +
                          (bare ? " (nor " + in_dir + ")" : ""));
    }
    const std::string dir = from == "latest" ? default_dir : from;
    struct Candidate { std::string path; std::uint64_t global_step; };
    std::vector<Candidate> candidates;
    for (const std::string& file : list_dir(dir)) {
        if (!ends_with(file, ".ckpt")) continue;
        const std::string path = dir + "/" + file;
        try {
            CkptHeader header = ckpt_read_header(path);
            // The same checks resume makes, so a file it would refuse is skipped here instead.
            candidates.push_back({path, read_stored_state(header.metadata, path).state.global_step});
        } catch (const std::exception& e) {
            std::cerr << "trainctl: warning: skipping " << e.what() << "\n";
        }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.global_step > b.global_step; });
    for (const Candidate& c : candidates) {
        std::vector<std::string> problems = ckpt_verify(c.path);
        if (problems.empty()) return c.path;
        std::cerr << "trainctl: warning: skipping " << problems.front() << "\n";
    }
    throw usage_error("--from " + from + ": no complete checkpoint in " + dir + "/");
}

}  // namespace trainctl
