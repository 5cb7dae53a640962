// Reading the user's digit images: PNG (any colour type and bit depth) or PGM (P5, P2) to grey.
#pragma once
#include <string>

#include "core/data/grey_image.hpp"

namespace trainctl {

// The format is told by the first bytes, not the name. Colour becomes grey (sRGB luminance),
// transparency is composited onto white (as image viewers show it), 16-bit and PGM maxval
// are scaled to 0..255. Throws Error "PATH: what is wrong" for a missing, empty, truncated,
// oversized or non-image file.
GreyImage read_grey_image(const std::string& path);

}  // namespace trainctl
