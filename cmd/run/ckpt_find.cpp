// Resolving a checkpoint argument: a file, a bare name, or a directory's latest of one run.
#include "cmd/run/ckpt_find.hpp"

#include <sys/stat.h>

#include <iostream>
#include <vector>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/run/ckpt_runs.hpp"
#include "core/error.hpp"
#include "core/path_kind.hpp"
#include "core/path_text.hpp"

namespace trainctl {

namespace {
bool is_file(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

// " (did you mean ckpt/NAME?)" for a near miss in the default directory: the same name under
// another folder, or the name without its .ckpt.
std::string near_miss(const std::string& spec, const std::string& default_dir) {
    for (const std::string& guess : {default_dir + "/" + base_name(spec), spec + ".ckpt",
                                     default_dir + "/" + base_name(spec) + ".ckpt"})
        if (guess != spec && is_file(guess)) return " (did you mean " + guess + "?)";
    return "";
}

std::string run_names(const std::vector<DirRun>& runs) {
    std::string names;
    for (const DirRun& r : runs) names += (names.empty() ? "" : ", ") + r.prefix;
    return names;
}

// The run's newest file that is healthy and verifies; "" when none.
std::string newest_healthy(const std::string& dir, const DirRun& run) {
    for (const DirCkpt& c : run.ckpts) {
        const std::string path = dir + "/" + c.file;
        if (!c.diverged.empty()) {
            std::cerr << "trainctl: note: skipping " << path << ": diverged (" << c.diverged << ")\n";
            continue;
        }
        const std::vector<std::string> problems = ckpt_verify(path);
        if (problems.empty()) return path;
        std::cerr << "trainctl: warning: skipping " << problems.front() << "\n";
    }
    return "";
}

std::string resolve_latest(const std::string& spec, const std::string& dir, const CkptLookup& lookup) {
    std::vector<std::string> skipped;
    const std::vector<DirRun> runs = scan_dir_runs(dir, skipped);
    for (const std::string& why : skipped) std::cerr << "trainctl: warning: skipping " << why << "\n";
    if (runs.empty()) throw usage_error(lookup.flag + " " + spec + ": no complete checkpoint in " + dir + "/");
    const DirRun* run = &runs.back();  // the run that saved last
    if (!lookup.run.empty()) {
        run = nullptr;
        for (const DirRun& r : runs)
            if (r.prefix == lookup.run) run = &r;
        if (!run)
            throw usage_error(lookup.run_flag + " " + lookup.run + ": no checkpoint of that run in " + dir +
                              "/ (runs there: " + run_names(runs) + ")");
    }
    const std::string path = newest_healthy(dir, *run);
    const std::string pick_another = "pick a run with " + lookup.run_flag + " NAME (runs there: " + run_names(runs) + ")";
    if (path.empty())
        throw usage_error(lookup.flag + " " + spec + ": run " + run->prefix + (lookup.run.empty() ? " (saved last in " : " (in ") +
                          dir + "/) has no healthy complete checkpoint" + (runs.size() > 1 ? "; " + pick_another : ""));
    if (runs.size() > 1 && lookup.run.empty())
        std::cerr << "trainctl: " << spec << ": " << runs.size() << " runs in " << dir << "/, taking run " << run->prefix
                  << " (saved last): " << path << "; " << pick_another << "\n";
    return path;
}
}  // namespace

std::string resolve_checkpoint(const std::string& spec, const CkptLookup& lookup) {
    const bool latest = spec == "latest" || is_dir(spec);
    if (!latest) {
        if (!lookup.run.empty())
            throw usage_error(lookup.run_flag + " " + lookup.run + " picks a run for " + lookup.flag +
                              " latest or DIR, not for a file (" + spec + ")");
        if (is_file(spec)) return spec;
        // A bare name, as the tutorials write it (`--from lenet-2_1875.ckpt`), is also looked up there.
        const bool bare = spec.find('/') == std::string::npos;
        const std::string in_dir = lookup.default_dir + "/" + spec;
        if (bare && is_file(in_dir)) return in_dir;
        throw usage_error(lookup.flag + ": " + spec + ": no such checkpoint file or directory" +
                          (bare ? " (nor " + in_dir + ")" : "") + near_miss(spec, lookup.default_dir));
    }
    return resolve_latest(spec, spec == "latest" ? lookup.default_dir : spec, lookup);
}

}  // namespace trainctl
