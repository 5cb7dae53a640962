// What a run mode is told besides its config: how much to say, and how trainctl was run.
#pragma once
#include <string>

#include "core/phase_times.hpp"

namespace trainctl {

struct RunOptions {
    bool quiet = false;
    // How the user ran trainctl (argv[0], e.g. build/trainctl): hints print commands with it.
    std::string program = "trainctl";
    // When the command started: the run's wall time (--timings) counts from here.
    PhaseClock::time_point started = PhaseClock::now();
};

}  // namespace trainctl
