// The images infer classifies: picked MNIST test images or the user's own files, each as the
// grey picture to draw and the normalised input the net sees.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/input_spec.hpp"
#include "core/data/idx.hpp"
#include "core/data/image_read.hpp"

namespace trainctl {

struct InferSample {
    std::string name;          // "test[1234]" or the file name
    GreyImage display;         // MNIST: the raw image; files: grey, resized to the net's side (if asked)
    std::vector<float> input;  // size*size floats after the checkpoint's transforms
    int truth = -1;            // -1: unknown (the user's own image)
    std::size_t index = 0;     // position in the test set (MNIST picks only)
};

// `indices` when given (each checked against the set's size, naming --index), else `count`
// distinct images drawn from Rng(seed, kStreamPick).
std::vector<InferSample> pick_test_samples(const LabeledImages& test, const InputSpec& spec,
                                           const std::vector<std::size_t>& indices, std::size_t count,
                                           std::uint64_t seed);

// Reads every file first (on several threads), so a bad one stops the run before anything is
// printed or written; of several bad files the first in `files` is reported. `invert` turns
// dark-on-light into MNIST's light-on-dark; a mean brightness that suggests the other polarity
// prints a hint on stderr (in file order, once all are read).
// `display`: also fill each sample's display picture (only drawing needs it).
std::vector<InferSample> load_file_samples(const std::vector<std::string>& files, const InputSpec& spec, bool invert,
                                           bool display = true);

}  // namespace trainctl
