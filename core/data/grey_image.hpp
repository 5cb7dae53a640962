// One grey picture in memory: what image decoding yields and what infer draws, so drawing needs
// no decoder (and no libpng).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace trainctl {

// 8-bit grey, row-major, width*height bytes.
struct GreyImage {
    std::size_t width = 0;
    std::size_t height = 0;
    std::vector<std::uint8_t> pixels;
};

}  // namespace trainctl
