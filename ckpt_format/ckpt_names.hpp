// Checkpoint file names: prefix-EPOCH_STEP.ckpt, its breakpoint and best variants,
// prefix-graph.meta, prefix-latest, prefix.lock, temporaries, and the prefix_N rule.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trainctl {

enum class CkptKind { kStep, kBreakpoint, kBest };

struct CkptName {
    std::string prefix;        // the run prefix, e.g. "lenet" or "lenet_1"
    std::uint64_t epoch = 0;   // 1-based
    std::uint64_t step = 0;    // 1-based step within the epoch
    CkptKind kind = CkptKind::kStep;
};

// lenet-2_1875.ckpt, lenet-2_1875_breakpoint.ckpt, lenet-best-2_1875.ckpt
std::string ckpt_file_name(const CkptName& name);
std::string graph_meta_name(const std::string& prefix);  // lenet-graph.meta
std::string latest_pointer_name(const std::string& prefix);  // lenet-latest
std::string lock_file_name(const std::string& prefix);  // lenet.lock
// True for a temporary (NAME.tmp) of a file the run `prefix` writes: a checkpoint, its graph
// description or its latest pointer. Another prefix's temporaries (lenet-adam-*) are not.
bool is_run_temporary(const std::string& file, const std::string& prefix);
// True when `run_prefix` is `prefix` or `prefix_N`: a run started with --prefix `prefix`.
bool is_run_of_prefix(const std::string& run_prefix, const std::string& prefix);
// Parses a file name (no directory) written by ckpt_file_name; nullopt for anything else.
std::optional<CkptName> parse_ckpt_file_name(const std::string& file);

// The run prefix for a new run in `dir`: `prefix` when no file there starts with "prefix-",
// else "prefix_N" with the smallest N >= 1 that is free (MindSpore's rule).
std::string choose_run_prefix(const std::string& dir, const std::string& prefix);

// Regular files in dir (names only, sorted); empty when dir does not exist.
std::vector<std::string> list_dir(const std::string& dir);
// Every name in dir but . and .., of any type (a dangling symlink too), sorted.
std::vector<std::string> list_dir_names(const std::string& dir);

}  // namespace trainctl
