// A chart as plot draws it three ways (terminal braille, text table, PNG): named series of
// (x, y) points over shared axes. What the points mean is decided in cmd/plot_charts.cpp.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace trainctl {

struct ChartSeries {
    std::string name;          // the run, for the legend
    std::size_t colour = 0;    // the run's index: the same colour in every chart
    std::vector<double> x, y;  // finite values, in file order
    bool markers = false;      // sparse points (evaluations): a marker at each, joined by a line
};

struct Chart {
    std::string title;    // what the metric is: "training loss", "test accuracy"
    std::string y_label;  // the metric's column: "loss", "test_acc"
    std::string x_label;  // "global step", "epoch", "time (s)"
    bool log_y = false;   // y on a log scale (a loss spanning more than a decade)
    double x_lo = 0, x_hi = 0;  // when x_lo < x_hi, the x range (all charts of a plot share one)
    std::vector<ChartSeries> series;
};

// An axis: its range and the values that get a tick and a label.
struct ChartAxis {
    double lo = 0, hi = 1;
    bool log = false;
    std::vector<double> ticks;
    std::vector<std::string> labels;  // one per tick, as short as tells them apart
    double position(double v) const;  // 0 at lo, 1 at hi (in log space when log)
};

// Range of all series' x (or y) values; lo < hi always (a flat or single-point range is widened).
void chart_range(const Chart& chart, bool y, double& lo, double& hi);

// About `max_ticks` "nice" ticks (1, 2, 5 times a power of ten) inside [lo, hi]; the axis range
// stays [lo, hi] when `exact`, else widens to the outer ticks (a y axis ends on a tick).
ChartAxis linear_axis(double lo, double hi, std::size_t max_ticks, bool exact);

// Ticks at the powers of ten inside [lo, hi] (0 < lo < hi), with 2 and 5 times them too when
// fewer than three powers fit; the range stays [lo, hi].
ChartAxis log_axis(double lo, double hi);

// A number in at most `digits` significant digits, without trailing zeros ("0.25", "1e-05", "12000").
std::string chart_number(double v, int digits);

}  // namespace trainctl
