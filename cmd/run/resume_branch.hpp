// A resume that would write over a run's later history branches instead: when the run has
// checkpoints past the one resumed from, it continues as a new run (the prefix_N rule) and
// leaves them as they are. So does a run whose prefix ends in "-best" (allowed before): its
// step files would bear the names of another run's best files.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace trainctl {

struct ResumeBranch {
    std::vector<std::string> newer;  // the run's own checkpoints past the resumed one, by step
    bool reserved_prefix = false;    // the run's prefix ends in "-best"
    bool needed() const { return reserved_prefix || !newer.empty(); }
};

// Whether resuming run `prefix` in `dir` at `global_step` branches. Call with the run's lock
// held, so no process of the run changes its files meanwhile.
ResumeBranch resume_branch(const std::string& dir, const std::string& prefix, std::uint64_t global_step);

// The prefix whose _N the branch takes: the --prefix the run was started with (stored in its
// config) when `run_prefix` is it or one of its _N, else `run_prefix`.
std::string branch_base(const std::string& run_prefix, const std::string& config_prefix);

// The one line said when branching ("trainctl: " not included), e.g. "lenet-2_200.ckpt and
// lenet-3_200.ckpt are newer than lenet-1_200.ckpt: continuing as run lenet_1 (files lenet_1-*),
// the newer checkpoints are kept".
std::string branch_message(const ResumeBranch& branch, const std::string& run_prefix, const std::string& from_file,
                           const std::string& new_prefix);

}  // namespace trainctl
