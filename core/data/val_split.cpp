// Stratified validation split and the image subsets it makes.
#include "core/data/val_split.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.hpp"
#include "core/float_text.hpp"
#include "core/rng.hpp"

namespace trainctl {

ValSplit split_for_validation(const std::vector<std::uint8_t>& labels, std::size_t count, double fraction,
                              std::uint64_t seed) {
    std::array<std::vector<std::uint32_t>, 256> by_class;
    for (std::size_t i = 0; i < count; ++i) by_class[labels[i]].push_back(static_cast<std::uint32_t>(i));
    ValSplit split;
    for (std::size_t c = 0; c < by_class.size(); ++c) {
        std::vector<std::uint32_t>& members = by_class[c];
        if (members.empty()) continue;
        const auto n = members.size();
        const auto held = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
        if (held == 0 || held == n)
            throw usage_error("--val-split " + shortest_float_text(static_cast<float>(fraction)) + ": class " + std::to_string(c) +
                              " has " + std::to_string(n) + " of the " + std::to_string(count) +
                              " training images, which leaves " + (held == 0 ? "none for validation" : "none for training") +
                              " (every class needs at least one of each: use more images or another fraction)");
        // Each class its own stream, so one class's images never move another's choice.
        Rng rng(seed ^ (0xD1B54A32D192ED03ULL * (c + 1)), kStreamValSplit);
        for (std::size_t i = n; i > 1; --i) std::swap(members[i - 1], members[rng.below(static_cast<std::uint32_t>(i))]);
        split.held_out.insert(split.held_out.end(), members.begin(), members.begin() + static_cast<long>(held));
        split.kept.insert(split.kept.end(), members.begin() + static_cast<long>(held), members.end());
    }
    std::sort(split.held_out.begin(), split.held_out.end());
    std::sort(split.kept.begin(), split.kept.end());
    return split;
}

std::vector<std::uint32_t> take_classes_in_turn(const std::vector<std::uint8_t>& labels, std::size_t limit) {
    std::array<std::vector<std::uint32_t>, 256> by_class;
    for (std::size_t i = 0; i < labels.size(); ++i) by_class[labels[i]].push_back(static_cast<std::uint32_t>(i));
    std::vector<std::uint32_t> taken;
    taken.reserve(std::min(limit, labels.size()));
    for (std::size_t round = 0; taken.size() < std::min(limit, labels.size()); ++round)
        for (std::size_t c = 0; c < by_class.size() && taken.size() < limit; ++c)
            if (round < by_class[c].size()) taken.push_back(by_class[c][round]);
    std::sort(taken.begin(), taken.end());
    return taken;
}

LabeledImages select_images(const LabeledImages& from, const std::vector<std::uint32_t>& indices) {
    LabeledImages out;
    out.rows = from.rows;
    out.cols = from.cols;
    out.count = indices.size();
    out.labels.reserve(indices.size());
    const std::size_t pixels = from.rows * from.cols;
    if (from.is_packed()) out.packed_at.reserve(indices.size());
    else out.images.reserve(indices.size() * pixels);
    for (const std::uint32_t i : indices) {
        out.labels.push_back(from.labels[i]);
        if (from.is_packed()) {
            const std::uint64_t begin = from.packed_at[i];
            const std::uint64_t end = i + 1 < from.count ? from.packed_at[i + 1] : from.packed.size();
            out.packed_at.push_back(out.packed.size());
            out.packed.insert(out.packed.end(), from.packed.begin() + static_cast<long>(begin),
                              from.packed.begin() + static_cast<long>(end));
        } else {
            out.images.insert(out.images.end(), from.image(i), from.image(i) + pixels);
        }
    }
    return out;
}

}  // namespace trainctl
