// Picking the newest complete checkpoint of a directory.
#include "cmd/ckpt_find.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "ckpt_format/ckpt_names.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/checkpoint_io.hpp"
#include "core/error.hpp"
#include "core/json_limit.hpp"

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
        if (stat(from.c_str(), &st) != 0) throw usage_error("--from: " + from + ": no such checkpoint file or directory");
        return from;
    }
    const std::string dir = from == "latest" ? default_dir : from;
    struct Candidate { std::string path; std::uint64_t global_step; };
    std::vector<Candidate> candidates;
    for (const std::string& file : list_dir(dir)) {
        if (!ends_with(file, ".ckpt")) continue;
        const std::string path = dir + "/" + file;
        try {
            CkptHeader header = ckpt_read_header(path);
            auto it = header.metadata.find(kMetaState);
            if (it == header.metadata.end()) throw Error(path + ": not a training checkpoint (no train_state)");
            auto state = parse_json_limited(it->second, path + ": metadata key \"" + kMetaState + "\"", kExitError);
            candidates.push_back({path, state.at("global_step").get<std::uint64_t>()});
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
