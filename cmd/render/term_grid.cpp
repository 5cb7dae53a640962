// Terminal rendering of the infer grid: fixed-width cells, so tiles line up in columns.
#include "cmd/render/term_grid.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace trainctl {
namespace {

constexpr const char* kUpperHalf = "\u2580";
constexpr const char* kReset = "\x1b[0m";
constexpr const char* kGap = "   ";
// Darkest to brightest; two vertically stacked pixels share one character.
constexpr char kShades[] = " .:-=+*#%@";

std::string grey_escape(int layer, unsigned v) {  // layer 38 = foreground, 48 = background
    const std::string g = std::to_string(v);
    return "\x1b[" + std::to_string(layer) + ";2;" + g + ";" + g + ";" + g + "m";
}

std::string title_cell(const DigitTile& t, std::size_t width, bool colour) {
    std::string text = t.title + std::string(width - t.title.size(), ' ');
    if (!colour || t.verdict == Verdict::kUnknown) return text;
    const char* c = t.verdict == Verdict::kRight ? "\x1b[1;38;2;80;150;255m" : "\x1b[1;38;2;255;80;80m";
    return c + text + kReset;
}

// Text line `line` of a tile: pixel rows 2*line and 2*line+1 (black past the bottom edge).
std::string pixel_cell(const DigitTile& t, std::size_t line, std::size_t width, bool colour) {
    const GreyImage& im = t.image;
    auto at = [&](std::size_t y, std::size_t x) -> unsigned {
        return y < im.height && x < im.width ? im.pixels[y * im.width + x] : 0;
    };
    std::string s;
    unsigned fg = 256, bg = 256;  // none yet; a colour is sent only when it changes (5x less output)
    for (std::size_t x = 0; x < im.width; ++x) {
        const unsigned top = at(2 * line, x), bottom = at(2 * line + 1, x);
        if (!colour) {
            s += kShades[(top + bottom) * (sizeof kShades - 1) / 511];
            continue;
        }
        if (top != fg) s += grey_escape(38, fg = top);
        if (bottom != bg) s += grey_escape(48, bg = bottom);
        s += kUpperHalf;
    }
    if (colour) s += kReset;
    return s + std::string(width - im.width, ' ');
}

}  // namespace

std::string render_terminal_grid(const std::vector<DigitTile>& tiles, bool colour, std::size_t columns) {
    std::size_t width = 0, lines = 0;
    for (const auto& t : tiles) {
        width = std::max({width, t.image.width, t.title.size()});
        lines = std::max(lines, (t.image.height + 1) / 2);
    }
    const std::size_t gap = std::string(kGap).size(), fit = (columns + gap) / (width + gap);
    const std::size_t cols = columns == 0 ? grid_columns(tiles.size()) : std::max<std::size_t>(1, std::min(fit, tiles.size()));
    std::string out;
    for (std::size_t first = 0; first < tiles.size(); first += cols) {
        const std::size_t last = std::min(first + cols, tiles.size());
        for (std::size_t i = first; i < last; ++i) out += (i > first ? kGap : "") + title_cell(tiles[i], width, colour);
        out += "\n";
        for (std::size_t line = 0; line < lines; ++line) {
            for (std::size_t i = first; i < last; ++i)
                out += (i > first ? kGap : "") + pixel_cell(tiles[i], line, width, colour);
            out += "\n";
        }
        out += "\n";
    }
    return out;
}

bool stdout_wants_colour() {
    const char* no_colour = std::getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(no_colour && *no_colour);
}

}  // namespace trainctl
