// What infer draws: one titled grey image per prediction, laid out in a grid. Shared by the
// terminal renderer and the PNG grid so both show the same thing.
#pragma once
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "core/data/grey_image.hpp"

namespace trainctl {

enum class Verdict { kRight, kWrong, kUnknown };  // unknown: the user's own image, no label

struct DigitTile {
    GreyImage image;
    std::string title;  // "prediction: 7, truth: 7"
    Verdict verdict = Verdict::kUnknown;
};

// A near-square grid: 2 per row for 4 images, 3 for 9.
inline std::size_t grid_columns(std::size_t count) {
    auto cols = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(count))));
    return cols ? cols : 1;
}

}  // namespace trainctl
