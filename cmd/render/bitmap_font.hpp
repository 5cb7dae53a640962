// A 5x7 pixel font with 2 descender rows for the PNG pictures' text (infer's grid titles, plot's
// labels): every printable ASCII character.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace trainctl {

constexpr std::size_t kGlyphWidth = 5;
constexpr std::size_t kGlyphHeight = 9;   // 7 rows down to the baseline, 2 for descenders (p, g, y)
constexpr std::size_t kGlyphAdvance = 6;  // one blank column between letters

struct Rgb {
    std::uint8_t r, g, b;
};

// An RGB canvas, row-major, 3 bytes a pixel.
struct Canvas {
    std::size_t width = 0;
    std::size_t height = 0;
    std::vector<std::uint8_t> rgb;
    void fill_rect(std::size_t x, std::size_t y, std::size_t w, std::size_t h, Rgb c);
};

// Width in pixels of `text` drawn at `scale`.
inline std::size_t text_width(const std::string& text, std::size_t scale) {
    return text.empty() ? 0 : (text.size() * kGlyphAdvance - 1) * scale;
}

// Draws text with its top-left at (x, y), each font pixel a scale x scale square; pixels that
// fall outside the canvas are dropped. Throws Error for a character outside printable ASCII.
void draw_text(Canvas& canvas, std::size_t x, std::size_t y, const std::string& text, std::size_t scale, Rgb colour);

}  // namespace trainctl
