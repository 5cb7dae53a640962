// One split of a run's data, whatever its form (IDX files or an image folder), with the notes
// its loading leaves for the user; and the checks that tie labels to the net's class count.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/data/idx.hpp"
#include "core/data/mnist.hpp"

namespace trainctl {

struct SplitOptions {
    std::size_t size = 32;   // the net's input side (image folders resize mixed sizes to it)
    bool skip_bad = false;   // image folders: leave out files that do not decode
    bool pack = false;       // IDX sets: pack the images (core/data/zero_runs.hpp)
};

struct LoadedSplit {
    LabeledImages data;
    std::string labels_from;             // what errors about a label name: the labels file, or the split's folder
    std::vector<std::size_t> per_class;  // image folders: images of each class
    std::vector<std::string> files;      // image folders: image i's file
    std::size_t skipped_bad = 0;         // image folders: files that did not decode (skip_bad)
    std::vector<std::string> warnings;   // lines for stderr, without "trainctl: "
    std::vector<std::string> notes;
};

// "train" or "test". An image folder's images are labelled by their folder's index in `classes`;
// an empty `classes` on "train" is filled with the split's sorted folder names. An IDX set
// ignores `classes` (its labels are numbers).
LoadedSplit load_split(const MnistFiles& files, const std::string& split, std::vector<std::string>& classes,
                       const SplitOptions& opt);

// The classes a new run trains: `wanted` (num_classes; 0 = from the data), the number of
// `names` when the data names its classes, else the largest training label + 1, refusing labels
// with no image below the largest (a set counting from 1, a subset) unless `wanted` says so.
// Every label of both splits must be below the count. `wanted_origin` names where `wanted` came
// from ("--num-classes"). usage_error or Error naming the labels file or folder.
std::size_t count_classes(std::size_t wanted, const std::string& wanted_origin, const std::vector<std::string>& names,
                          const LoadedSplit& train, const LoadedSplit& test);

// A class as people read it: its name when the run knows names, else its number.
inline std::string class_label(const std::vector<std::string>& names, std::size_t c) {
    return c < names.size() ? names[c] : std::to_string(c);
}

// Every label below `classes`; `whose` says where the count comes from ("the checkpoint's").
void check_labels(const LoadedSplit& split, std::size_t classes, const std::string& whose);

// The names to label an image folder by for a checkpoint's net: its stored names, or for a net
// without names (trained on IDX labels) the numbers "0".."classes-1", so a folder of digit
// folders 0..9 scores an MNIST checkpoint.
std::vector<std::string> folder_classes_for(const std::vector<std::string>& names, std::size_t classes);

}  // namespace trainctl
