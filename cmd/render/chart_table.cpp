// The chart as text for pipes and CI logs: x ticks down, runs across, values right-aligned.
#include <algorithm>
#include <cmath>

#include "cmd/render/chart_term.hpp"

namespace trainctl {
namespace {

// The run's last value at or before x, "-" before its first point or past its last.
std::string value_at(const ChartSeries& s, double x, double tolerance) {
    if (s.x.empty() || x < s.x.front() - tolerance || x > s.x.back() + tolerance) return "-";
    std::size_t n = 0;  // points at or before x
    while (n < s.x.size() && s.x[n] <= x + tolerance) ++n;
    return n ? chart_number(s.y[n - 1], 4) : "-";
}

std::string pad_left(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

}  // namespace

std::string render_chart_table(const Chart& chart) {
    double xlo, xhi;
    chart_range(chart, false, xlo, xhi);
    std::vector<double> xs{xlo};
    for (double t : linear_axis(xlo, xhi, 8, true).ticks)
        if (t > xs.back() + (xhi - xlo) * 1e-9) xs.push_back(t);
    if (xhi > xs.back() + (xhi - xlo) * 1e-9) xs.push_back(xhi);
    const double tolerance = (xhi - xlo) * 1e-9;

    std::size_t x_width = chart.x_label.size();
    for (double x : xs) x_width = std::max(x_width, chart_number(x, 4).size());
    std::vector<std::string> ends;
    std::vector<std::size_t> widths;
    for (const ChartSeries& s : chart.series) {
        ends.push_back(s.x.empty() ? "-" : chart_number(s.y.back(), 4) + " @" + chart_number(s.x.back(), 6));
        widths.push_back(std::max<std::size_t>({s.name.size(), ends.back().size(), 8}));
    }
    std::string out = chart.title + " (" + chart.y_label + ")\n";
    out += pad_left(chart.x_label, x_width);
    for (std::size_t k = 0; k < chart.series.size(); ++k) out += "  " + pad_left(chart.series[k].name, widths[k]);
    out += "\n";
    for (double x : xs) {
        out += pad_left(chart_number(x, 4), x_width);
        for (std::size_t k = 0; k < chart.series.size(); ++k)
            out += "  " + pad_left(value_at(chart.series[k], x, tolerance), widths[k]);
        out += "\n";
    }
    out += pad_left("end", x_width);
    for (std::size_t k = 0; k < chart.series.size(); ++k) out += "  " + pad_left(ends[k], widths[k]);
    return out + "\n";
}

}  // namespace trainctl
