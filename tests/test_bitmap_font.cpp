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
