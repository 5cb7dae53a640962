// A tiny synthetic MNIST-like set: class k is a bright bar on row k of a 12x12 image, plus noise.
#pragma once
#include "core/data/idx.hpp"
#include "core/rng.hpp"

namespace trainctl::testing {

inline LabeledImages synthetic_bars(std::size_t count, std::uint64_t seed) {
    LabeledImages d;
    d.count = count;
    d.rows = d.cols = 12;
    d.images.resize(count * 144);
    d.labels.resize(count);
    Rng rng(seed, 99);
    for (std::size_t i = 0; i < count; ++i) {
        auto label = static_cast<std::uint8_t>(i % 10);
        d.labels[i] = label;
        std::uint8_t* img = d.images.data() + i * 144;
        for (std::size_t p = 0; p < 144; ++p) img[p] = static_cast<std::uint8_t>(rng.below(40));
        for (std::size_t x = 1; x < 11; ++x) img[(label + 1) * 12 + x] = static_cast<std::uint8_t>(200 + rng.below(56));
    }
    return d;
}

}  // namespace trainctl::testing
