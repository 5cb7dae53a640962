// The run shared by `train` and `resume`: data, net, optimizer, hooks, and the loop.
#pragma once
#include "core/config.hpp"

namespace trainctl {

struct RunOptions {
    bool quiet = false;
};

// Trains per config; returns the process exit code.
int run_training(const RunConfig& config, const RunOptions& options);

}  // namespace trainctl
