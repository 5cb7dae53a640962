// The image readers (PNG of every colour type, PGM P5/P2) and the PNG writer, incl. bad files.
#include <png.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "ckpt_test_util.hpp"
#include "cmd/render/png_write.hpp"
#include "core/data/image_read.hpp"
#include "core/error.hpp"

using namespace trainctl;
using trainctl::testing::CkptTempDir;
using trainctl::testing::read_bytes;
using trainctl::testing::write_bytes;

namespace {

// Encodes pixels in one of libpng's simplified formats (grey, RGB, RGBA, 16-bit, colour-mapped).
std::string encode_png(std::size_t w, std::size_t h, png_uint_32 format, const void* pixels,
                       const void* colormap = nullptr, png_uint_32 colormap_entries = 0) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(w);
    image.height = static_cast<png_uint_32>(h);
    image.format = format;
    image.colormap_entries = colormap_entries;
    png_alloc_size_t size = 0;
    REQUIRE(png_image_write_to_memory(&image, nullptr, &size, 0, pixels, 0, colormap));
    std::string bytes(size, '\0');
    REQUIRE(png_image_write_to_memory(&image, bytes.data(), &size, 0, pixels, 0, colormap));
    return bytes;
}

// Reads a PNG back as 8-bit RGB, independently of read_grey_image.
std::vector<std::uint8_t> decode_rgb(const std::string& path, std::size_t& w, std::size_t& h) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    REQUIRE(png_image_begin_read_from_file(&image, path.c_str()));
    image.format = PNG_FORMAT_RGB;
    w = image.width;
    h = image.height;
    std::vector<std::uint8_t> rgb(PNG_IMAGE_SIZE(image));
    REQUIRE(png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr));
    return rgb;
}

}  // namespace

TEST_CASE("read_grey_image: PGM P5, P2 with comments, 16-bit, odd sizes", "[cmd]") {
    CkptTempDir dir;
    std::string p5 = "P5\n# a comment\n5 3\n255\n";
    for (int i = 0; i < 15; ++i) p5 += static_cast<char>(i * 17);
    write_bytes(dir.file("a.pgm"), p5);
    GreyImage a = read_grey_image(dir.file("a.pgm"));
    REQUIRE(a.width == 5);
    REQUIRE(a.height == 3);
    CHECK(a.pixels[0] == 0);
    CHECK(a.pixels[7] == 7 * 17);
    CHECK(a.pixels[14] == 238);

    write_bytes(dir.file("b.pgm"), "P2 # maxval 15 scales to 0..255\n3 1\n15\n0 15\n# mid\n5\n");
    GreyImage b = read_grey_image(dir.file("b.pgm"));
    REQUIRE(b.pixels.size() == 3);
    CHECK(b.pixels[0] == 0);
    CHECK(b.pixels[1] == 255);
    CHECK(b.pixels[2] == 85);

    write_bytes(dir.file("c.pgm"), std::string("P5 2 1 65535\n\xff\xff\x80\x00", 17));  // big-endian samples
    GreyImage c = read_grey_image(dir.file("c.pgm"));
    CHECK(c.pixels[0] == 255);
    CHECK(c.pixels[1] == 128);
}

TEST_CASE("read_grey_image: PNG grey, RGB, RGBA, palette and 16-bit", "[cmd]") {
    CkptTempDir dir;
    SECTION("8-bit grey, odd size") {
        std::vector<std::uint8_t> px(7 * 5);
        for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i * 7);
        write_bytes(dir.file("g.png"), encode_png(7, 5, PNG_FORMAT_GRAY, px.data()));
        GreyImage g = read_grey_image(dir.file("g.png"));
        REQUIRE(g.width == 7);
        REQUIRE(g.height == 5);
        CHECK(g.pixels == px);
    }
    SECTION("RGB: greys keep their value, green is brighter than red, red than blue") {
        const std::uint8_t px[] = {0, 0, 0, 255, 255, 255, 100, 100, 100, 255, 0, 0, 0, 255, 0, 0, 0, 255};
        write_bytes(dir.file("c.png"), encode_png(3, 2, PNG_FORMAT_RGB, px));
        GreyImage c = read_grey_image(dir.file("c.png"));
        REQUIRE(c.pixels.size() == 6);
        CHECK(c.pixels[0] == 0);
        CHECK(c.pixels[1] == 255);
        CHECK(std::abs(c.pixels[2] - 100) <= 1);
        CHECK(c.pixels[4] > c.pixels[3]);
        CHECK(c.pixels[3] > c.pixels[5]);
    }
    SECTION("RGBA: transparency shows white, opaque black stays black") {
        const std::uint8_t px[] = {0, 0, 0, 0, 0, 0, 0, 255};
        write_bytes(dir.file("a.png"), encode_png(2, 1, PNG_FORMAT_RGBA, px));
        GreyImage a = read_grey_image(dir.file("a.png"));
        CHECK(a.pixels[0] == 255);
        CHECK(a.pixels[1] == 0);
    }
    SECTION("palette") {
        const std::uint8_t colormap[] = {0, 0, 0, 255, 255, 255, 60, 60, 60};
        const std::uint8_t idx[] = {2, 1, 0, 1};
        write_bytes(dir.file("p.png"), encode_png(2, 2, PNG_FORMAT_RGB_COLORMAP, idx, colormap, 3));
        GreyImage p = read_grey_image(dir.file("p.png"));
        CHECK(std::abs(p.pixels[0] - 60) <= 1);
        CHECK(p.pixels[1] == 255);
        CHECK(p.pixels[2] == 0);
    }
    SECTION("16-bit grey") {
        const std::uint16_t px[] = {0, 65535, 20000};
        write_bytes(dir.file("l.png"), encode_png(3, 1, PNG_FORMAT_LINEAR_Y, px));
        GreyImage l = read_grey_image(dir.file("l.png"));
        CHECK(l.pixels[0] == 0);
        CHECK(l.pixels[1] == 255);
        CHECK(l.pixels[2] > 0);
        CHECK(l.pixels[2] < 255);
    }
}

TEST_CASE("read_grey_image: bad files are one-line errors naming the file", "[cmd]") {
    CkptTempDir dir;
    const std::uint8_t px[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const std::string png = encode_png(3, 3, PNG_FORMAT_GRAY, px);
    write_bytes(dir.file("empty.png"), "");
    write_bytes(dir.file("text.png"), "hello, not an image\n");
    write_bytes(dir.file("cut.png"), png.substr(0, png.size() / 2));
    std::string flipped = png;  // a flipped bit inside the image data: the IDAT CRC fails
    flipped[png.find("IDAT") + 6] ^= 0x10;
    write_bytes(dir.file("crc.png"), flipped);
    write_bytes(dir.file("cut.pgm"), "P5 4 4 255\n0123456789");
    write_bytes(dir.file("zero.pgm"), "P5 0 3 255\n");
    write_bytes(dir.file("bad.pgm"), "P2 2 1 255\n7 x\n");
    std::string huge = png;  // the 3x3 image's IHDR (CRC fixed) claiming 16000x16000 pixels
    for (std::size_t at : {16, 20}) huge.replace(at, 4, std::string("\0\0\x3e\x80", 4));
    const uLong ihdr_crc = crc32(0, reinterpret_cast<const Bytef*>(huge.data() + 12), 17);
    for (int i = 0; i < 4; ++i) huge[29 + i] = static_cast<char>(ihdr_crc >> (24 - 8 * i));
    write_bytes(dir.file("huge.png"), huge);

    const std::string missing = dir.file("missing.png");
    CHECK_THROWS_WITH(read_grey_image(missing), missing + ": cannot open image: No such file or directory");
    CHECK_THROWS_WITH(read_grey_image(dir.file("empty.png")), Catch::Contains("empty.png: empty file (0 bytes)"));
    CHECK_THROWS_WITH(read_grey_image(dir.file("text.png")), Catch::Contains("text.png: not an image"));
    CHECK_THROWS_WITH(read_grey_image(dir.file("cut.png")), Catch::Contains("cut.png: bad PNG: "));
    CHECK_THROWS_WITH(read_grey_image(dir.file("crc.png")), Catch::Contains("crc.png: bad PNG: "));
    CHECK_THROWS_WITH(read_grey_image(dir.file("cut.pgm")),
                      Catch::Contains("cut.pgm: truncated PGM: expected 16 bytes of pixels for 4x4, found 10"));
    CHECK_THROWS_WITH(read_grey_image(dir.file("zero.pgm")), Catch::Contains("zero.pgm: image is 0x3"));
    CHECK_THROWS_WITH(read_grey_image(dir.file("bad.pgm")),
                      Catch::Contains("bad.pgm: PGM: expected the pixel value (a number), found 'x'"));
    CHECK_THROWS_WITH(read_grey_image(dir.file("huge.png")),
                      Catch::Contains("huge.png: bad PNG: header claims 16000x16000 pixels, more than a"));
    CHECK_THROWS_WITH(read_grey_image(dir.path.string()), Catch::Contains(": not a regular file"));
}

TEST_CASE("write_png_rgb: round trip, odd size, no temporary left", "[cmd]") {
    CkptTempDir dir;
    const std::size_t w = 5, h = 3;
    std::vector<std::uint8_t> rgb(w * h * 3);
    for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>(i * 5 + 1);
    const std::string path = dir.file("grid.png");
    write_png_rgb(path, w, h, rgb);
    CHECK(read_bytes(path).substr(0, 8) == "\x89PNG\r\n\x1a\n");
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    std::size_t rw = 0, rh = 0;
    CHECK(decode_rgb(path, rw, rh) == rgb);
    CHECK(rw == w);
    CHECK(rh == h);

    std::vector<std::uint8_t> grey(w * h * 3, 77);
    write_png_rgb(path, w, h, grey);  // replaces the file
    GreyImage g = read_grey_image(path);
    CHECK(g.pixels == std::vector<std::uint8_t>(w * h, 77));

    CHECK_THROWS_AS(write_png_rgb(dir.file("no/such/dir.png"), w, h, rgb), Error);
}
