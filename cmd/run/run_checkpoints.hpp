// Which checkpoints in a directory are a run's own: the name says so (the parse, any kind) and
// so does the file (a regular file, not a symlink, whose metadata run_prefix is the run's).
// Only these are adopted by a resumed run, counted as newer, replaced or deleted.
#pragma once
#include <string>
#include <vector>

#include "ckpt_format/ckpt_names.hpp"
#include "cmd/run/owned_files.hpp"
#include "core/train_state.hpp"

namespace trainctl {

struct RunCheckpoint {
    std::string file;  // name in the directory
    CkptName name;
    FileId id;         // the file that was checked
    TrainState state;  // as its metadata records it
};

// Run `prefix`'s checkpoints in `dir`, by global step. Files named as the run's whose metadata
// cannot be read are left out, and listed as "PATH: why" in `unreadable` when given.
std::vector<RunCheckpoint> list_run_checkpoints(const std::string& dir, const std::string& prefix,
                                                std::vector<std::string>* unreadable = nullptr);

}  // namespace trainctl
