// Finding the MNIST files on disk and loading a split.
#pragma once
#include <string>
#include <vector>

#include "core/data/idx.hpp"

namespace trainctl {

// Where a run's data is: four IDX files (MNIST, Fashion-MNIST or any IDX classification set), or
// an image folder tree (image_root set, the IDX paths empty).
struct MnistFiles {
    std::string dir;  // the folder that was chosen, for messages
    std::string train_images, train_labels, test_images, test_labels;
    std::string image_root;                // DIR of DIR/train/<class>/ and DIR/test/<class>/
    bool one_tree = false;                 // image folder DIR/<class>/ without train/ and test/: no test set
    std::vector<std::string> class_names;  // the set's own names (Fashion-MNIST's), else empty
    bool is_image_folder() const { return !image_root.empty(); }
    bool has_test_set() const { return !one_tree; }
};

// A folder matches when it holds the four files (raw or .gz, canonical names
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte) either flat or as DIR/train/ + DIR/test/ (the tutorials' layout).
// Where to look is the caller's policy (cmd/data_lookup.cpp): core reads no environment.

// Fills `files` from `dir` (flat first, then train/ + test/; with `also_sub` non-empty then
// DIR/<also_sub>, e.g. data/mnist where scripts/get-mnist.sh puts it under data/). Returns "" when
// found, else why not, naming a missing file of the layout the folder seems to use.
std::string find_mnist_in(const std::string& dir, const std::string& also_sub, MnistFiles& files);

// Loads "train" or "test"; `pack`: with the images packed (core/data/zero_runs.hpp).
LabeledImages load_mnist_split(const MnistFiles& files, const std::string& split, bool pack = false);

}  // namespace trainctl
