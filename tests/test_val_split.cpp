// The validation split: seeded, stratified, disjoint from the kept images, and its subsets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/data/val_split.hpp"
#include "core/data/zero_runs.hpp"
#include "core/gemm.hpp"
#include "error_of.hpp"
#include "synthetic.hpp"

using namespace trainctl;

namespace {

// An unbalanced set: class c has 20 + 7c images, interleaved.
std::vector<std::uint8_t> val_split_unbalanced_labels() {
    std::vector<std::uint8_t> labels;
    for (int round = 0; round < 83; ++round)
        for (int c = 0; c < 10; ++c)
            if (round < 20 + 7 * c) labels.push_back(static_cast<std::uint8_t>(c));
    return labels;
}

}  // namespace

TEST_CASE("the split holds out round(F * n) of every class, disjoint from the kept images", "[core][data]") {
    const std::vector<std::uint8_t> labels = val_split_unbalanced_labels();
    const ValSplit s = split_for_validation(labels, labels.size(), 0.2, 7);
    REQUIRE(std::is_sorted(s.kept.begin(), s.kept.end()));
    REQUIRE(std::is_sorted(s.held_out.begin(), s.held_out.end()));
    std::vector<std::uint32_t> all = s.kept;
    all.insert(all.end(), s.held_out.begin(), s.held_out.end());
    std::sort(all.begin(), all.end());
    REQUIRE(std::adjacent_find(all.begin(), all.end()) == all.end());  // disjoint
    REQUIRE(all.size() == labels.size());                              // and every image in one of them
    REQUIRE(all.back() == labels.size() - 1);
    std::map<int, int> held, total;
    for (std::uint8_t l : labels) ++total[l];
    for (std::uint32_t i : s.held_out) ++held[labels[i]];
    for (int c = 0; c < 10; ++c) {
        INFO("class " << c);
        CHECK(held[c] == std::lround(0.2 * total[c]));
    }
}

TEST_CASE("the split depends on the seed and nothing else", "[core][data]") {
    const std::vector<std::uint8_t> labels = val_split_unbalanced_labels();
    const ValSplit a = split_for_validation(labels, labels.size(), 0.25, 3);
    // The engine's thread count is no input of the split: the same images at 1 and 2 threads.
    set_num_threads(1);
    const ValSplit b = split_for_validation(labels, labels.size(), 0.25, 3);
    set_num_threads(2);
    const ValSplit c = split_for_validation(labels, labels.size(), 0.25, 3);
    set_num_threads(0);
    REQUIRE(a.held_out == b.held_out);
    REQUIRE(a.held_out == c.held_out);
    REQUIRE(a.kept == b.kept);
    const ValSplit other = split_for_validation(labels, labels.size(), 0.25, 4);
    REQUIRE(other.held_out != a.held_out);
    REQUIRE(other.held_out.size() == a.held_out.size());
}

TEST_CASE("the split covers only the first `count` images (train_limit)", "[core][data]") {
    const std::vector<std::uint8_t> labels = val_split_unbalanced_labels();
    const ValSplit s = split_for_validation(labels, 100, 0.1, 1);
    REQUIRE(s.kept.size() + s.held_out.size() == 100);
    REQUIRE(s.held_out.size() == 10);
    REQUIRE(std::max(s.kept.back(), s.held_out.back()) < 100);
}

TEST_CASE("a split that leaves a class without validation or training images is refused", "[core][data]") {
    std::vector<std::uint8_t> labels(40);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint8_t>(i % 4);
    labels[3] = labels[7] = 0;  // class 3 keeps 8 images
    auto [code, msg] = testing::error_of([&] { split_for_validation(labels, labels.size(), 0.05, 1); });
    REQUIRE(code == kExitUsage);
    REQUIRE(msg.rfind("--val-split 0.05: class ", 0) == 0);
    REQUIRE(msg.find("leaves none for validation") != std::string::npos);
    std::tie(code, msg) = testing::error_of([&] { split_for_validation(labels, labels.size(), 0.95, 1); });
    REQUIRE(code == kExitUsage);
    REQUIRE(msg.find("leaves none for training") != std::string::npos);
    REQUIRE(testing::error_of([&] { split_for_validation(labels, labels.size(), 0.25, 1); }).first == 0);
}

TEST_CASE("select_images copies the chosen images, packed or not", "[core][data]") {
    const LabeledImages plain = testing::synthetic_bars(30, 5);
    LabeledImages packed_set = plain;
    packed_set.images.clear();
    for (std::size_t i = 0; i < plain.count; ++i) {
        packed_set.packed_at.push_back(packed_set.packed.size());
        pack_zero_runs(plain.image(i), plain.rows * plain.cols, packed_set.packed);
    }
    const std::vector<std::uint32_t> pick = {0, 4, 17, 29};
    const LabeledImages& packed = packed_set;
    for (const LabeledImages* from : {&plain, &packed}) {
        const LabeledImages got = select_images(*from, pick);
        REQUIRE(got.count == pick.size());
        REQUIRE(got.is_packed() == from->is_packed());
        std::vector<std::uint8_t> scratch(plain.rows * plain.cols);
        for (std::size_t k = 0; k < pick.size(); ++k) {
            REQUIRE(got.labels[k] == plain.labels[pick[k]]);
            const std::uint8_t* px = got.pixels(k, scratch.data());
            REQUIRE(std::equal(px, px + scratch.size(), plain.image(pick[k])));
        }
    }
}

TEST_CASE("take_classes_in_turn: a folder's train_limit takes each class's first images in turn", "[core][data]") {
    // Listed class by class as an image folder is: 5 of class 0, 3 of class 1, 1 of class 3.
    const std::vector<std::uint8_t> labels = {0, 0, 0, 0, 0, 1, 1, 1, 3};
    CHECK(take_classes_in_turn(labels, 3) == std::vector<std::uint32_t>{0, 5, 8});
    // Class 3 is out of images after one: the turn goes on without it.
    CHECK(take_classes_in_turn(labels, 6) == std::vector<std::uint32_t>{0, 1, 2, 5, 6, 8});
    CHECK(take_classes_in_turn(labels, 100).size() == labels.size());
    CHECK(take_classes_in_turn(labels, 0).empty());
}
