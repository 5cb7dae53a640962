// Lays the tiles out in the same grid as the terminal view, in pixels.
#include "cmd/render/png_grid.hpp"

#include <algorithm>

namespace trainctl {
namespace {

constexpr std::size_t kImageScale = 8;  // a 28x28 digit becomes 224x224
constexpr std::size_t kFontScale = 2;
constexpr std::size_t kMargin = 32;     // around the grid and between cells
constexpr std::size_t kTitleGap = 8;    // between a title and its image
constexpr Rgb kBackground{255, 255, 255};
constexpr Rgb kRight{30, 90, 220};
constexpr Rgb kWrong{210, 30, 30};
constexpr Rgb kNeutral{0, 0, 0};

void draw_image(Canvas& canvas, std::size_t x0, std::size_t y0, const GreyImage& im) {
    for (std::size_t y = 0; y < im.height; ++y)
        for (std::size_t x = 0; x < im.width; ++x) {
            const std::uint8_t v = im.pixels[y * im.width + x];
            canvas.fill_rect(x0 + x * kImageScale, y0 + y * kImageScale, kImageScale, kImageScale, {v, v, v});
        }
}

}  // namespace

Canvas render_png_grid(const std::vector<DigitTile>& tiles) {
    std::size_t cell_w = 0, image_h = 0;
    for (const auto& t : tiles) {
        cell_w = std::max({cell_w, t.image.width * kImageScale, text_width(t.title, kFontScale)});
        image_h = std::max(image_h, t.image.height * kImageScale);
    }
    const std::size_t title_h = kGlyphHeight * kFontScale + kTitleGap;
    const std::size_t cell_h = title_h + image_h;
    const std::size_t cols = grid_columns(tiles.size());
    const std::size_t rows = (tiles.size() + cols - 1) / cols;

    Canvas c;
    c.width = kMargin + cols * (cell_w + kMargin);
    c.height = kMargin + rows * (cell_h + kMargin);
    c.rgb.resize(c.width * c.height * 3);
    c.fill_rect(0, 0, c.width, c.height, kBackground);
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        const std::size_t x = kMargin + (i % cols) * (cell_w + kMargin);
        const std::size_t y = kMargin + (i / cols) * (cell_h + kMargin);
        const DigitTile& t = tiles[i];
        const Rgb colour = t.verdict == Verdict::kRight ? kRight : t.verdict == Verdict::kWrong ? kWrong : kNeutral;
        draw_text(c, x, y, t.title, kFontScale, colour);
        draw_image(c, x, y + title_h, t.image);
    }
    return c;
}

}  // namespace trainctl
