// Where a resumed run writes: its checkpoint's own directory and run, or a new run the user
// asked for with --out DIR or --prefix P (or a --config file's out or prefix), which branches
// the run there and only reads the source directory (as Lightning and MindSpore users do).
#pragma once
#include <string>

#include "core/config.hpp"

namespace trainctl {

// The directory of a checkpoint path: "ck" for ck/a.ckpt, "." for a bare a.ckpt.
std::string checkpoint_dir(const std::string& path);

// The prefix a resumed run continues under: `stored_run_prefix` (metadata run_prefix), or for a
// file that stores none (written by another tool), the one in its name. Never a path: it names
// files. Error (exit 1) when neither tells.
std::string resume_prefix(const std::string& path, const std::string& stored_run_prefix);

// Whether the resumed config asks for a new run: `resumed.out` is not the checkpoint's directory
// (by device and inode when both exist), or `resumed.prefix` is neither the run's prefix nor the
// --prefix the run was started with (`stored_prefix`, its config's).
bool resume_asks_new_run(const RunConfig& resumed, const std::string& from, const std::string& run_prefix,
                         const std::string& stored_prefix);

// The one line said as a resume starts ("trainctl: " not included): "resuming ck/a-1_6.ckpt",
// and for a new run where its files go: "resuming ck/a-1_6.ckpt into new/a-* (a branch: ck/a-*
// stay as they are)".
std::string resuming_line(const std::string& from, const std::string& run_prefix, bool new_run,
                          const std::string& dir, const std::string& prefix);

}  // namespace trainctl
