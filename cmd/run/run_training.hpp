// The run shared by `train` and `resume`: data, net, optimizer, checkpoints, signals, the loop.
#pragma once
#include <memory>
#include <string>

#include "cmd/run/ckpt_source.hpp"
#include "cmd/run/run_display.hpp"
#include "core/config.hpp"

namespace trainctl {

struct RunPlan {
    RunConfig config;
    bool quiet = false;
    // resume: continue this checkpoint's run (its arenas, state, directory and prefix), opened once.
    std::string resume_from;
    std::shared_ptr<CkptSource> resume_source;
    // resume as a new run in config.out under config.prefix (or its _N), asked for with --out or
    // --prefix: the checkpoint's directory is only read (cmd/run/resume_target.hpp).
    bool resume_new_run = false;
    // fine-tune: a new run that starts from this checkpoint's weights.
    std::string init_from;
    bool skip_mismatch = false;
    bool reset_optimizer = false;
    // How the user ran trainctl (argv[0], e.g. build/trainctl): hints print commands with it.
    std::string program = "trainctl";
};

// Trains per plan, showing it on `display`. Throws Error: a failure, or a stop by a signal after
// its breakpoint save (exit code 130/143, the message already on stderr).
void run_training(const RunPlan& plan, RunDisplay& display);

}  // namespace trainctl
