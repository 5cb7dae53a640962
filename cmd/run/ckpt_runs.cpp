// Grouping a directory's checkpoints into runs and ordering the runs by their last activity.
#include "cmd/run/ckpt_runs.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <optional>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "cmd/run/ckpt_marks.hpp"
#include "core/strings.hpp"

namespace trainctl {

namespace {
double mtime_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) * 1e-9;
}

bool newer(const DirCkpt& a, const DirCkpt& b) {
    if (a.global_step != b.global_step) return a.global_step > b.global_step;
    return (a.kind == CkptKind::kBest) < (b.kind == CkptKind::kBest);  // the same state: the run's own file
}

void mark_past_divergence(std::vector<DirCkpt>& ckpts) {
    const DirCkpt* first = nullptr;
    for (const DirCkpt& c : ckpts)
        if (!c.diverged.empty() && (!first || c.global_step < first->global_step)) first = &c;
    if (!first) return;
    const std::string note = "the state of diverged " + first->file;
    const std::uint64_t step = first->global_step;
    for (DirCkpt& c : ckpts)
        if (c.diverged.empty() && c.global_step >= step) c.diverged = note;
}
}  // namespace

DirCkpt dir_ckpt(const std::string& dir, const std::string& file, const CkptMetadata& metadata) {
    const std::string path = dir + "/" + file;
    DirCkpt c;
    c.file = file;
    // The same checks resume makes, so a file it would refuse is skipped instead.
    c.global_step = read_stored_state(metadata, path).state.global_step;
    const std::optional<CkptName> name = parse_ckpt_file_name(file);
    if (name) c.kind = name->kind;
    const auto stored = metadata.find(kMetaRunPrefix);
    c.run = stored != metadata.end() && !stored->second.empty() ? stored->second : name ? name->prefix : file;
    c.diverged = diverged_note(metadata);
    // Metadata first: a copy (cp, rsync without -t) gives every file the same new mtime.
    const std::optional<double> at = saved_at_seconds(metadata);
    c.saved_at = at ? *at : mtime_of(path);
    return c;
}

std::vector<DirRun> group_runs(std::vector<DirCkpt> ckpts) {
    std::map<std::string, DirRun> runs;
    for (DirCkpt& c : ckpts) {
        DirRun& run = runs[c.run];
        run.active_at = std::max(run.active_at, c.saved_at);
        run.ckpts.push_back(std::move(c));
    }
    std::vector<DirRun> ordered;
    for (auto& [prefix, run] : runs) {
        run.prefix = prefix;
        std::stable_sort(run.ckpts.begin(), run.ckpts.end(), newer);
        mark_past_divergence(run.ckpts);
        ordered.push_back(std::move(run));
    }
    // Ties (files without saved_at copied at once): the run that got further, then by name.
    std::stable_sort(ordered.begin(), ordered.end(), [](const DirRun& a, const DirRun& b) {
        if (a.active_at != b.active_at) return a.active_at < b.active_at;
        return a.ckpts.front().global_step < b.ckpts.front().global_step;
    });
    return ordered;
}

std::vector<DirRun> scan_dir_runs(const std::string& dir, std::vector<std::string>& skipped) {
    std::vector<DirCkpt> ckpts;
    for (const std::string& file : list_dir(dir)) {
        if (!ends_with(file, ".ckpt")) continue;
        try {
            ckpts.push_back(dir_ckpt(dir, file, ckpt_read_header(dir + "/" + file).metadata));
        } catch (const std::exception& e) {
            skipped.push_back(e.what());
        }
    }
    return group_runs(std::move(ckpts));
}

}  // namespace trainctl
