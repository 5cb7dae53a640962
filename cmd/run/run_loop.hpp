// The training loop every run mode ends in: checkpoints, the final save, breakpoint saves on the way out.
#pragma once
#include <string>

#include "cmd/run/run_dir.hpp"
#include "cmd/run/run_display.hpp"
#include "cmd/run/run_options.hpp"
#include "cmd/run/run_steps.hpp"
#include "core/config.hpp"
#include "core/train_state.hpp"

namespace trainctl {

// Where a run writes, and the checkpoint it resumes.
struct RunTarget {
    std::string dir;
    std::string prefix;        // the locked run's
    std::string resumed_from;  // "" for a new run; a resume adopts its run's files and says so
    std::string metrics_from;  // a resume: the metrics log its own starts from (cmd/run/metrics_log.hpp)
};

// Trains from `state` to config.epochs, saving in target.dir under target.prefix; `created` is
// kept once the run's first file is written. Throws Error: a failure or a divergence (after its
// breakpoint save), or a stop by a signal after its breakpoint save (exit code 130/143, the
// message already on stderr). A run that finishes shows `phases` (data_s filled by the caller)
// with the loop's phases and the wall time since options.started added.
void train_and_checkpoint(const RunConfig& config, const RunOptions& options, const RunTarget& target,
                          CreatedDirs& created, const RunData& data, RunModel& model, TrainState& state,
                          RunDisplay& display, PhaseTimes phases);

}  // namespace trainctl
