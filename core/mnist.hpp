// Finding the MNIST files on disk and loading a split.
#pragma once
#include <string>

#include "core/idx.hpp"

namespace trainctl {

struct MnistFiles {
    std::string dir;  // the folder that was chosen, for messages
    std::string train_images, train_labels, test_images, test_labels;
};

// Lookup order: `data_flag` (if non-empty), $TRAINCTL_DATA, $TRAINCTL_MNIST, ./data/mnist, ./MNIST_Data,
// then <repo>/data/mnist of the binary's repository (binary_repo_dir()). The flag and the variables
// name a folder that holds the data or holds it in its mnist/ subfolder. A folder matches when it holds the four files (raw or .gz, canonical names
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte) either flat or as DIR/train/ + DIR/test/ (the tutorials' layout).
// An explicit --data that does not match is an error naming it and the missing file; when
// nothing is found the error lists every place looked at and says: run scripts/get-mnist.sh.
// `last_resort` (a checkpoint's stored data folder) is looked at after every default place.
MnistFiles locate_mnist(const std::string& data_flag, const std::string& last_resort = "");
// The lookup order in words, for the --help of commands that take --data.
inline constexpr const char* kDataFlagHelp =
    "MNIST folder, or its parent holding mnist/ (default: $TRAINCTL_DATA, $TRAINCTL_MNIST, ./data/mnist, "
    "./MNIST_Data, then data/mnist of the repository the binary was built in)";

// Loads "train" or "test".
LabeledImages load_mnist_split(const MnistFiles& files, const std::string& split);

}  // namespace trainctl
