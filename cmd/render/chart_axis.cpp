// Axis ranges and tick choice, shared by the terminal chart, the table and the PNG.
#include "cmd/render/chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace trainctl {
namespace {

// Tick labels at the precision the tick step needs (step 0.05 -> 2 decimals).
std::vector<std::string> labels_for(const std::vector<double>& ticks, double step) {
    std::vector<std::string> labels;
    const int decimals = step > 0 ? std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9))) : 0;
    for (double t : ticks) {
        char buf[64];
        if (std::fabs(t) >= 1e6 || decimals > 6)
            std::snprintf(buf, sizeof buf, "%g", t);
        else
            std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(t) < step * 1e-6 ? 0.0 : t);
        labels.push_back(buf);
    }
    return labels;
}

}  // namespace

double ChartAxis::position(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
}

void chart_range(const Chart& chart, bool y, double& lo, double& hi) {
    if (!y && chart.x_lo < chart.x_hi) {
        lo = chart.x_lo;
        hi = chart.x_hi;
        return;
    }
    lo = std::numeric_limits<double>::infinity();
    hi = -lo;
    for (const ChartSeries& s : chart.series)
        for (double v : y ? s.y : s.x) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (!(lo <= hi)) lo = 0, hi = 1;  // no points at all
    if (hi - lo <= std::fabs(hi) * 1e-9) {  // one value: a range around it
        const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
        lo = (chart.log_y && y) ? lo / 2 : lo - pad;
        hi = (chart.log_y && y) ? hi * 2 : hi + pad;
    }
}

ChartAxis linear_axis(double lo, double hi, std::size_t max_ticks, bool exact) {
    ChartAxis axis;
    const double rough = (hi - lo) / static_cast<double>(std::max<std::size_t>(max_ticks, 2) - 1);
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    double step = power * 10;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (power * m >= rough) {
            step = power * m;
            break;
        }
    // Widened: the ticks around the data, so the top and bottom lines carry a label.
    axis.lo = exact ? lo : std::floor(lo / step + 1e-9) * step;
    axis.hi = exact ? hi : std::ceil(hi / step - 1e-9) * step;
    // Counted, not stepped: past 2^53 a double k + 1 == k (bounded for a range too wide for doubles).
    const double first = std::ceil(axis.lo / step - 1e-9), count = std::floor(axis.hi / step + 1e-9) - first + 1;
    for (int i = 0; i < count && i < 100; ++i) axis.ticks.push_back((first + i) * step);
    axis.labels = labels_for(axis.ticks, step);
    return axis;
}

ChartAxis log_axis(double lo, double hi) {
    ChartAxis axis;
    axis.log = true;
    axis.lo = lo;
    axis.hi = hi;
    const double powers = std::floor(std::log10(hi) + 1e-9) - std::ceil(std::log10(lo) - 1e-9) + 1;
    const bool fill = powers < 3;
    std::vector<double> all;
    const int e_lo = static_cast<int>(std::max(-400.0, std::floor(std::log10(lo))));
    for (int e = e_lo; e <= std::min(400.0, std::floor(std::log10(hi))); ++e)
        for (double m : fill ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
            const double t = m * std::pow(10.0, e);
            if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) all.push_back(t);
        }
    axis.ticks = all;
    for (double t : all) axis.labels.push_back(chart_number(t, 3));
    return axis;
}

std::string chart_number(double v, int digits) {
    char buf[64];
    if (v == 0) return "0";
    const double a = std::fabs(v);
    if (a >= 1e-3 && a < 1e6) {
        const int decimals = std::max(0, digits - 1 - static_cast<int>(std::floor(std::log10(a))));
        std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
        std::string s = buf;
        if (s.find('.') != std::string::npos) {
            while (s.back() == '0') s.pop_back();
            if (s.back() == '.') s.pop_back();
        }
        return s;
    }
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

}  // namespace trainctl
