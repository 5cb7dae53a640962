// What a run mode is told besides its config: how much to say, and how trainctl was run.
#pragma once
#include <string>

namespace trainctl {

struct RunOptions {
    bool quiet = false;
    // How the user ran trainctl (argv[0], e.g. build/trainctl): hints print commands with it.
    std::string program = "trainctl";
};

}  // namespace trainctl
