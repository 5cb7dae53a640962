// Checkpoint file names: prefix-EPOCH_STEP.ckpt, its breakpoint and best variants,
// prefix-graph.meta, prefix-latest, prefix-metrics.csv, prefix.lock, temporaries, and the prefix_N rule.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trainctl {

enum class CkptKind { kStep, kBreakpoint, kBest };

// Epochs and steps in names: 1 to kMaxNameNumber, in decimal without leading zeros, so a
// name has one spelling (18 digits: far beyond any run, and no overflow when parsed).
constexpr std::uint64_t kMaxNameNumber = 999999999999999999ULL;

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
std::string metrics_csv_name(const std::string& prefix);  // lenet-metrics.csv (docs/metrics.md)

// Run lenet's best files are lenet-best-E_S.ckpt, so a run prefixed lenet-best would have step
// files of the same names: new runs may not use a prefix ending in "-best".
bool is_reserved_prefix(const std::string& prefix);
// For such a prefix, the run whose best files it would name ("lenet" for "lenet-best").
std::string best_files_run_of(const std::string& prefix);

// Parses a file name (no directory) written by ckpt_file_name for a prefix new runs may use
// (is_valid_prefix, not ending in "-best"); nullopt for anything else. Unambiguous: the numbers
// follow the last '-', and a stem ending in "-best" can only be a best file.
std::optional<CkptName> parse_ckpt_file_name(const std::string& file);
// The file as a checkpoint of run `prefix` (any kind), or nullopt when it is not named as one.
// Unlike the parse above, `prefix` may end in "-best" (a run started before that was refused):
// lenet-best-1_20.ckpt is then that run's step file, and only its metadata tells whose it is.
std::optional<CkptName> parse_ckpt_file_name_of(const std::string& file, const std::string& prefix);

// True for a temporary (NAME.tmp) of a file the run `prefix` writes: a checkpoint, its graph
// description, its latest pointer or its metrics log. Another prefix's temporaries (lenet-adam-*) are not.
bool is_run_temporary(const std::string& file, const std::string& prefix);
// True when `run_prefix` is `prefix` or `prefix_N` (N as choose_run_prefix writes it): a run
// started with --prefix `prefix`.
bool is_run_of_prefix(const std::string& run_prefix, const std::string& prefix);

// The run prefix for a new run in `dir`: `prefix` when no file there is named as run `prefix`'s
// (a checkpoint by the parse, its graph, latest pointer, metrics log or their temporaries), else "prefix_N"
// with the smallest N >= 1 that is free (MindSpore's rule). Run X-1's files leave X free.
std::string choose_run_prefix(const std::string& dir, const std::string& prefix);
// The same for a resume that branches into a new run: a PREFIX.lock also takes a name (a live
// run may not have written anything yet), and a prefix ending in "-best" always gets its _N.
std::string choose_branch_prefix(const std::string& dir, const std::string& prefix);

// Regular files in dir (names only, sorted); empty when dir does not exist.
std::vector<std::string> list_dir(const std::string& dir);
// Every name in dir but . and .., of any type (a dangling symlink too), sorted.
std::vector<std::string> list_dir_names(const std::string& dir);

}  // namespace trainctl
