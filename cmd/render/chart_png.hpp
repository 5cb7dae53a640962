// The charts as one picture for --save: panels two a row, each with its title, legend, axes,
// ticks, tick labels, axis labels and anti-aliased lines (see cmd/render/coverage.hpp).
#pragma once
#include <cstddef>
#include <vector>

#include "cmd/render/bitmap_font.hpp"
#include "cmd/render/chart.hpp"

namespace trainctl {

constexpr std::size_t kChartPanelWidth = 720;
constexpr std::size_t kChartPanelHeight = 460;

// min(2, charts) panels across, as many rows as needed; white background. Text that is not
// printable ASCII is drawn as '?'.
Canvas render_chart_png(const std::vector<Chart>& charts);

}  // namespace trainctl
