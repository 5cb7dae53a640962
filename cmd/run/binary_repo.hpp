// The source tree a trainctl binary was built in, so data the set-up fetched there is found from
// any working directory.
#pragma once
#include <string>

namespace trainctl {

// The repository of the running binary: the parent of its folder (<repo>/build/trainctl) when
// that holds scripts/get-mnist.sh; "" otherwise (an installed copy, a test binary).
std::string binary_repo_dir();

// The same for a binary at `exe` (an absolute path), for tests.
std::string repo_dir_of(const std::string& exe);

}  // namespace trainctl
