// A chart for a terminal (Unicode braille, 2x4 dots a cell) and, for pipes and CI logs, the same
// chart as a plain-text table of each run's values at the x ticks.
#pragma once
#include <cstddef>
#include <string>

#include "cmd/render/chart.hpp"

namespace trainctl {

// `columns` wide (at least 40 are used), `rows` text lines of plot area, with the title and
// legend above, y tick labels on the left, x tick labels and the x label below. With `colour`
// each run's dots are in its ANSI colour; evaluation points get the run's marker (● ■ ▲ ◆ ...),
// which tells the runs apart without colour too.
std::string render_terminal_chart(const Chart& chart, std::size_t columns, std::size_t rows, bool colour);

// The title, then one line per x tick (and the first and last x): each run's last value at or
// before that x, "-" before its first point or after its last; a last line "end" holds each
// run's final value. No escape codes, no Unicode.
std::string render_chart_table(const Chart& chart);

}  // namespace trainctl
