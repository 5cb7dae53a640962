// Encodes in memory with libpng's simplified API, then hands the bytes to atomic_write_file,
// which gives the .tmp + fsync + rename sequence the checkpoints use.
#include "cmd/render/png_write.hpp"

#include <png.h>

#include <cassert>
#include <cstring>

#include "ckpt_format/atomic_file.hpp"
#include "core/error.hpp"

namespace trainctl {

void write_png_rgb(const std::string& path, std::size_t width, std::size_t height,
                   const std::vector<std::uint8_t>& rgb) {
    assert(rgb.size() == width * height * 3);
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(width);
    image.height = static_cast<png_uint_32>(height);
    image.format = PNG_FORMAT_RGB;
    // First call measures, second encodes.
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, nullptr, &size, 0, rgb.data(), 0, nullptr))
        throw Error(path + ": cannot encode PNG: " + image.message);
    std::vector<std::uint8_t> bytes(size);
    if (!png_image_write_to_memory(&image, bytes.data(), &size, 0, rgb.data(), 0, nullptr))
        throw Error(path + ": cannot encode PNG: " + image.message);
    atomic_write_file(path, {{bytes.data(), size}});
}

}  // namespace trainctl
