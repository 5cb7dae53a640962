// The PNG titles' font: a descender makes 'p' read as p, not as P.
#include <catch2/catch.hpp>

#include "cmd/render/bitmap_font.hpp"

using namespace trainctl;

namespace {

// The lowest canvas row with ink after drawing `c` at the top-left at scale 1, or -1.
int lowest_ink_row(char c) {
    Canvas canvas;
    canvas.width = kGlyphWidth;
    canvas.height = 16;  // taller than any glyph: nothing is clipped
    canvas.rgb.assign(canvas.width * canvas.height * 3, 0);
    draw_text(canvas, 0, 0, std::string(1, c), 1, {255, 255, 255});
    int lowest = -1;
    for (std::size_t i = 0; i < canvas.width * canvas.height; ++i)
        if (canvas.rgb[i * 3]) lowest = static_cast<int>(i / canvas.width);
    return lowest;
}

}  // namespace

TEST_CASE("bitmap font: p has a descender below the baseline that o, n, d and 1 sit on", "[cmd][font]") {
    const int baseline = lowest_ink_row('o');
    for (char c : {'n', 'd', 'h', '1', '7'}) CHECK(lowest_ink_row(c) == baseline);
    CHECK(lowest_ink_row('p') >= baseline + 2);
    CHECK(static_cast<std::size_t>(lowest_ink_row('p')) < kGlyphHeight);  // within the cell the grid reserves
}

TEST_CASE("bitmap font: every printable ASCII character has a glyph (plot's labels are any run name)", "[cmd][font]") {
    Canvas canvas;
    canvas.width = 200 * kGlyphAdvance;
    canvas.height = kGlyphHeight;
    canvas.rgb.assign(canvas.width * canvas.height * 3, 0);
    std::string all;
    for (char c = ' '; c <= '~'; ++c) all += c;
    draw_text(canvas, 0, 0, all, 1, {255, 255, 255});
    // Each glyph but the space has ink, and no two of them are the same picture.
    std::vector<std::string> pictures;
    for (std::size_t i = 1; i < all.size(); ++i) {
        std::string picture;
        for (std::size_t y = 0; y < kGlyphHeight; ++y)
            for (std::size_t x = 0; x < kGlyphWidth; ++x)
                picture += canvas.rgb[(y * canvas.width + i * kGlyphAdvance + x) * 3] ? '#' : '.';
        CHECK(picture.find('#') != std::string::npos);
        for (const std::string& p : pictures) CHECK(p != picture);
        pictures.push_back(picture);
    }
    CHECK_THROWS_WITH(draw_text(canvas, 0, 0, "\t", 1, {0, 0, 0}), "bitmap font: no glyph for '\t'");
}
