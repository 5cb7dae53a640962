// The runs in a checkpoint directory, as their files' metadata tells them: which run each
// checkpoint belongs to (run_prefix), when it was saved (saved_at) and whether it diverged.
// `latest` and a DIR argument pick the most recently active run from this, not from file names.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ckpt_format/ckpt_names.hpp"
#include "ckpt_format/ckpt_types.hpp"

namespace trainctl {

struct DirCkpt {
    std::string file;                 // name in the directory
    std::string run;                  // metadata run_prefix (the name's prefix for a file without one)
    std::uint64_t global_step = 0;
    CkptKind kind = CkptKind::kStep;  // by its name; a name trainctl did not write counts as a step file
    std::string diverged;             // why it holds diverged weights; "" when healthy
    double saved_at = 0;              // seconds since 1970: metadata saved_at, else the file's mtime
};

struct DirRun {
    std::string prefix;
    std::vector<DirCkpt> ckpts;  // newest first: by global step, a step file before a best one
    double active_at = 0;        // its newest save
};

// One file's entry from its header's metadata; throws Error when resume would refuse its state.
DirCkpt dir_ckpt(const std::string& dir, const std::string& file, const CkptMetadata& metadata);

// The files grouped into runs, least recently active first. A diverged breakpoint repeats the
// state of its run's last step before the bad loss: the run's files at or past its global step
// are marked diverged too (a step file saved at that step holds the same weights).
std::vector<DirRun> group_runs(std::vector<DirCkpt> ckpts);

// Every run with a readable training checkpoint in `dir`, as group_runs orders them. Files that
// cannot be read (or whose state resume would refuse) are left out, one "PATH: why" each in
// `skipped`.
std::vector<DirRun> scan_dir_runs(const std::string& dir, std::vector<std::string>& skipped);

}  // namespace trainctl
