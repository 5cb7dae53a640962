// trainctl entry point.
#include "cmd/cli_main.hpp"

int main(int argc, char** argv) { return trainctl::cli_main(argc, argv); }
