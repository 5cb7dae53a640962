// The whole command line as one call, so main.cpp stays free of CLI11 (see CMakeLists.txt).
#pragma once

namespace trainctl {

// Parses argv, runs the subcommand, prints any error as one line; returns the exit code.
int cli_main(int argc, char** argv);

}  // namespace trainctl
