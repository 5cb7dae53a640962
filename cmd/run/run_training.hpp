// The run modes `train` and `resume` start: a new run, a fine-tune, a resume, each over shared steps.
#pragma once
#include <string>

#include "cmd/run/ckpt_source.hpp"
#include "cmd/run/run_display.hpp"
#include "cmd/run/run_options.hpp"
#include "core/config.hpp"

namespace trainctl {

// A fine-tune: a new run that starts from this checkpoint's weights.
struct FineTuneFrom {
    std::string path;
    bool skip_mismatch = false;    // tensors that do not fit keep their initial values
    bool reset_optimizer = false;  // the optimizer starts fresh, not from the checkpoint's state
};

// A resume: continue this checkpoint's run (its arenas, state, directory and prefix).
struct ResumeFrom {
    explicit ResumeFrom(const std::string& from) : path(from), source(from) {}
    std::string path;
    // Opened once: its stored run resolves the config (cmd/resume.cpp), picks the run to lock
    // and restores the net and optimizer.
    CkptSource source;
    // A new run in config.out under config.prefix (or its _N), asked for with --out or --prefix:
    // the checkpoint's directory is only read (cmd/run/resume_target.hpp).
    bool new_run = false;
};

// Each trains per `config`, showing it on `display`. Throws Error: a failure, or a stop by a
// signal after its breakpoint save (exit code 130/143, the message already on stderr).
void run_new(const RunConfig& config, const RunOptions& options, RunDisplay& display);
void run_fine_tune(const RunConfig& config, const FineTuneFrom& from, const RunOptions& options, RunDisplay& display);
void run_resume(const RunConfig& config, ResumeFrom& from, const RunOptions& options, RunDisplay& display);

}  // namespace trainctl
