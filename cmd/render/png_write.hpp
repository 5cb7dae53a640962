// Writing an 8-bit RGB picture as a PNG file, atomically (PATH.tmp, then rename).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace trainctl {

// rgb holds width*height*3 bytes, row-major. Throws Error naming `path` when encoding or
// writing fails; an existing file at `path` is then left as it was.
void write_png_rgb(const std::string& path, std::size_t width, std::size_t height,
                   const std::vector<std::uint8_t>& rgb);

}  // namespace trainctl
