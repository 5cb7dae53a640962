// Drawing digit tiles in a terminal: two pixel rows per text line.
#pragma once
#include <string>
#include <vector>

#include "cmd/render/digit_tiles.hpp"

namespace trainctl {

// With colour: each cell is U+2580 (upper half block), its foreground the top pixel and its
// background the bottom one, both 24-bit grey; titles blue when right, red when wrong.
// Without: an ASCII shade ramp and no escape codes at all (for NO_COLOR, pipes and logs).
// A terminal `columns` wide gets as many tiles per row as fit (at least one); 0 (a pipe, a
// log) gets the near-square grid of the PNG.
std::string render_terminal_grid(const std::vector<DigitTile>& tiles, bool colour, std::size_t columns);

// Colour when stdout is a terminal and NO_COLOR (https://no-color.org) is unset or empty.
bool stdout_wants_colour();

}  // namespace trainctl
