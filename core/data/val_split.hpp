// The validation split: a seeded, stratified share of the training images held out of training.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/idx.hpp"

namespace trainctl {

// Which of a training set's images are held out, both lists in ascending index order.
struct ValSplit {
    std::vector<std::uint32_t> kept;
    std::vector<std::uint32_t> held_out;
};

// Holds out round(fraction * n_c) of the n_c images of every label c present in the first
// `count` labels, chosen by a shuffle drawn from (seed, c) alone: the same images on every run,
// resume, thread count and MPI world size (like sklearn's stratified train_test_split).
// `fraction` in (0, 1). Throws a usage Error naming --val-split when a class would be left
// with no validation image or no training image.
ValSplit split_for_validation(const std::vector<std::uint8_t>& labels, std::size_t count, double fraction,
                              std::uint64_t seed);

// `limit` images taken from the classes in turn (class 0's first, class 1's first, ..., then each
// one's second...), each class's in index order; a class out of images leaves the turn. Ascending
// indices. For --train-limit on an image folder, whose listing is class by class: its first N
// would be the first classes only.
std::vector<std::uint32_t> take_classes_in_turn(const std::vector<std::uint8_t>& labels, std::size_t limit);

// The images at `indices` (packed or not, as `from` is), in that order.
LabeledImages select_images(const LabeledImages& from, const std::vector<std::uint32_t>& indices);

}  // namespace trainctl
