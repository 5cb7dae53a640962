// The infer grid as a picture: each image scaled up without smoothing, its title above it.
#pragma once
#include <vector>

#include "cmd/render/bitmap_font.hpp"
#include "cmd/render/digit_tiles.hpp"

namespace trainctl {

// White background; titles blue when right, red when wrong, black when the truth is unknown.
Canvas render_png_grid(const std::vector<DigitTile>& tiles);

}  // namespace trainctl
