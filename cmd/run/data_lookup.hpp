// Where the commands look for MNIST: --data, the environment, the working directory, then the
// binary's own repository. The policy lives here so core/data reads no environment.
#pragma once
#include <string>

#include "core/data/mnist.hpp"

namespace trainctl {

// Lookup order: `data_flag` (if non-empty), $TRAINCTL_DATA, $TRAINCTL_MNIST, ./data/mnist, ./MNIST_Data,
// then <repo>/data/mnist of the binary's repository (binary_repo_dir()). The flag and the variables
// name a folder that holds the data or holds it in its mnist/ subfolder (see find_mnist_in).
// An explicit --data that does not match is an error naming it and the missing file; when
// nothing is found the error lists every place looked at and says: run scripts/get-mnist.sh.
// `last_resort` (a checkpoint's stored data folder) is looked at after every default place.
MnistFiles locate_mnist(const std::string& data_flag, const std::string& last_resort = "");
// The lookup order in words, for the --help of commands that take --data.
inline constexpr const char* kDataFlagHelp =
    "MNIST folder, or its parent holding mnist/ (default: $TRAINCTL_DATA, $TRAINCTL_MNIST, ./data/mnist, "
    "./MNIST_Data, then data/mnist of the repository the binary was built in)";

}  // namespace trainctl
