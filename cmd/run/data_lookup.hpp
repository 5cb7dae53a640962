// Where the commands look for their data: --data, the environment, the working directory, then
// the binary's own repository (and, for Fashion-MNIST, Debian's dataset-fashion-mnist). The
// policy lives here so core/data reads no environment.
#pragma once
#include <string>
#include <vector>

#include "core/data/mnist.hpp"

namespace trainctl {

// Fashion-MNIST's classes, in label order (its README).
const std::vector<std::string>& fashion_mnist_class_names();

// Lookup order for `dataset` "mnist": `data_flag` (if non-empty), $TRAINCTL_DATA, $TRAINCTL_MNIST,
// ./data/mnist, ./MNIST_Data, then <repo>/data/mnist of the binary's repository (binary_repo_dir()).
// For "fashion-mnist": `data_flag`, $TRAINCTL_DATA (its fashion-mnist/ subfolder too),
// $TRAINCTL_FASHION_MNIST, ./data/fashion-mnist, <repo>/data/fashion-mnist, then
// /usr/share/datasets/fashion-mnist (Debian's package); the set's class names come along.
// The flag and the variables name a folder that holds the data or holds it in its mnist/
// (fashion-mnist/) subfolder (see find_mnist_in). A --data folder without IDX files but with
// DIR/train/<class>/ folders is an image folder (image_root set; with fashion-mnist an error), as
// is one without train/ whose class folders hold images (one_tree: no test set).
// An explicit --data that does not match is an error naming it and what is missing; when
// nothing is found the error lists every place looked at and says which script fetches the set.
// `last_resort` (a checkpoint's stored data folder) is looked at after every default place.
MnistFiles locate_mnist(const std::string& data_flag, const std::string& last_resort = "",
                        const std::string& dataset = "mnist");
// The lookup order in words, for the --help of commands that take --data.
inline constexpr const char* kDataFlagHelp =
    "data folder: IDX files (or their parent holding mnist/), or an image folder DIR/train/<class>/ + DIR/test/<class>/ "
    "or one tree DIR/<class>/ (no test set: hold out images with --val-split) "
    "(default: the run's; for MNIST $TRAINCTL_DATA, $TRAINCTL_MNIST, ./data/mnist, ./MNIST_Data, then data/mnist of "
    "the repository the binary was built in)";

}  // namespace trainctl
