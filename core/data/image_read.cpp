// PNG through libpng's simplified API (it handles palette, 16-bit, alpha and gamma) and a
// hand-written PGM parser; both read from memory so every error can name the file.
#include "core/data/image_read.hpp"

#include <png.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/input_file.hpp"

namespace trainctl {
namespace {

// Bigger images are almost surely a mistake, and would cost gigabytes.
constexpr std::size_t kMaxSide = 16384;
// A 4096x4096 16-bit PGM is 32 MiB; a bigger file is not a digit to classify.
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{64} << 20;
// Deflate expands at most ~1032:1, as in core/data/idx.cpp.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

// The whole file, once it is known to be a regular file of a size worth reading.
std::vector<std::uint8_t> read_file(const std::string& path) {
    const InputFile file = open_input_file(path, "a PNG or PGM image", kExitError);
    if (!file.fd.valid()) throw Error(path + ": cannot open image: " + std::strerror(errno));
    if (file.size == 0) throw Error(path + ": empty file (0 bytes), expected a PNG or PGM image");
    if (file.size > kMaxFileBytes)
        throw Error(path + ": image file is " + std::to_string(file.size) + " bytes, expected at most " +
                    std::to_string(kMaxFileBytes));
    return read_input_file(path, file, kExitError);
}

void check_size(const std::string& path, std::size_t width, std::size_t height) {
    if (width == 0 || height == 0 || width > kMaxSide || height > kMaxSide)
        throw Error(path + ": image is " + std::to_string(width) + "x" + std::to_string(height) +
                    ", expected 1x1 to " + std::to_string(kMaxSide) + "x" + std::to_string(kMaxSide));
}

GreyImage decode_png(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
        throw Error(path + ": bad PNG: " + image.message);
    const std::size_t width = image.width, height = image.height;
    try {
        check_size(path, width, height);
        // Each row is a filter byte and at least width/8 bytes (1-bit pixels), all deflated
        // into the file: a header claiming more rows than the file can hold allocates nothing.
        const std::uint64_t min_raw = std::uint64_t{height} * ((width + 7) / 8 + 1);
        if (min_raw > bytes.size() * kMaxDeflateRatio)
            throw Error(path + ": bad PNG: header claims " + std::to_string(width) + "x" + std::to_string(height) +
                        " pixels, more than a " + std::to_string(bytes.size()) + "-byte file can hold");
    } catch (const Error&) {
        png_image_free(&image);
        throw;
    }
    image.format = PNG_FORMAT_GRAY;
    GreyImage out{width, height, std::vector<std::uint8_t>(width * height, 255)};
    const png_color white{255, 255, 255};
    if (!png_image_finish_read(&image, &white, out.pixels.data(), 0, nullptr))
        throw Error(path + ": bad PNG: " + image.message);
    return out;
}

// PGM header fields are whitespace-separated, with '#' comments running to the end of a line.
class PgmHeader {
public:
    PgmHeader(const std::string& path, const std::vector<std::uint8_t>& bytes) : path_(path), bytes_(bytes) {}
    std::size_t number(const char* what) {
        skip_space();
        std::size_t v = 0, digits = 0;
        for (; pos_ < bytes_.size() && bytes_[pos_] >= '0' && bytes_[pos_] <= '9'; ++pos_, ++digits) {
            if (v > kMaxSide * 16)  // stop before the number overflows; the exact bound is checked later
                throw Error(path_ + ": PGM " + what + " is too large (at most " + std::to_string(kMaxSide) + ")");
            v = v * 10 + (bytes_[pos_] - '0');
        }
        if (digits == 0) throw Error(path_ + ": PGM: expected the " + what + " (a number), " + found());
        return v;
    }
    std::size_t pos() const { return pos_; }
    void advance(std::size_t n) { pos_ += n; }

private:
    void skip_space() {
        while (pos_ < bytes_.size()) {
            if (bytes_[pos_] == '#')
                while (pos_ < bytes_.size() && bytes_[pos_] != '\n') ++pos_;
            else if (std::isspace(bytes_[pos_])) ++pos_;
            else break;
        }
    }
    std::string found() const {
        return pos_ < bytes_.size() ? "found '" + std::string(1, static_cast<char>(bytes_[pos_])) + "'"
                                    : "found the end of the file";
    }
    const std::string& path_;
    const std::vector<std::uint8_t>& bytes_;
    std::size_t pos_ = 2;  // after the magic
};

GreyImage decode_pgm(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    const bool binary = bytes[1] == '5';
    PgmHeader h(path, bytes);
    GreyImage out;
    out.width = h.number("width");
    out.height = h.number("height");
    const std::size_t maxval = h.number("maxval");
    check_size(path, out.width, out.height);
    if (maxval == 0 || maxval > 65535)
        throw Error(path + ": PGM maxval is " + std::to_string(maxval) + ", expected 1 to 65535");
    const std::size_t n = out.width * out.height;
    // The header's size against the bytes that follow it, before allocating: a 19-byte file may
    // claim 16384x16384. A P2 pixel takes at least a digit and a separator.
    if (binary) h.advance(1);  // the single whitespace byte that ends a P5 header
    const std::size_t bytes_per = maxval < 256 ? 1 : 2;
    const std::size_t have = bytes.size() > h.pos() ? bytes.size() - h.pos() : 0;
    if (binary ? have < n * bytes_per : have + 1 < 2 * n)
        throw Error(path + ": truncated PGM: expected " +
                    (binary ? std::to_string(n * bytes_per) + " bytes of pixels"
                            : "at least " + std::to_string(2 * n - 1) + " bytes of " + std::to_string(n) + " pixel values") +
                    " for " + std::to_string(out.width) + "x" + std::to_string(out.height) + ", found " +
                    std::to_string(have));
    out.pixels.resize(n);
    auto scale = [&](std::size_t v) {
        if (v > maxval) throw Error(path + ": PGM pixel value " + std::to_string(v) + " exceeds maxval " +
                                    std::to_string(maxval));
        return static_cast<std::uint8_t>((v * 255 + maxval / 2) / maxval);
    };
    if (!binary) {
        for (std::size_t i = 0; i < n; ++i) out.pixels[i] = scale(h.number("pixel value"));
        return out;
    }
    const std::uint8_t* p = bytes.data() + h.pos();
    for (std::size_t i = 0; i < n; ++i)  // 16-bit PGM samples are big-endian
        out.pixels[i] = scale(bytes_per == 1 ? p[i] : (std::size_t{p[2 * i]} << 8) | p[2 * i + 1]);
    return out;
}

}  // namespace

GreyImage read_grey_image(const std::string& path) {
    const std::vector<std::uint8_t> bytes = read_file(path);
    static const std::uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPngSignature, 8) == 0) return decode_png(path, bytes);
    if (bytes.size() >= 2 && bytes[0] == 'P' && (bytes[1] == '5' || bytes[1] == '2')) return decode_pgm(path, bytes);
    throw Error(path + ": not an image: expected a PNG or a PGM (P5/P2) file, found " + std::to_string(bytes.size()) +
                " bytes of something else");
}

}  // namespace trainctl
