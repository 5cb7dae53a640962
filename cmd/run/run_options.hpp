// What a run mode is told besides its config: how much to say, and how trainctl was run.
#pragma once
#include <string>

#include "core/phase_times.hpp"

namespace trainctl {

constexpr const char* kCheckReplicasFlagHelp =
    "under mpirun: check after every step that all ranks hold the same parameters (one extra allreduce "
    "per step; the check at the end is always on)";

struct RunOptions {
    bool quiet = false;
    // Under mpirun: compare a hash of every rank's parameters after every step, not only at the end.
    bool check_replicas = false;
    // How the user ran trainctl (argv[0], e.g. build/trainctl): hints print commands with it.
    std::string program = "trainctl";
    // When the command started: the run's wall time (--timings) counts from here.
    PhaseClock::time_point started = PhaseClock::now();
};

}  // namespace trainctl
