// One panel per chart. Text is the 5x7 bitmap font at 2x (3x for titles): 12-18 pixels a
// character reads at a glance on a laptop screen and in a GitHub README.
#include "cmd/render/chart_png.hpp"

#include <algorithm>
#include <cmath>

#include "cmd/render/coverage.hpp"

namespace trainctl {
namespace {

// matplotlib's tab10, the colours Lightning and Keras users know from their plots.
constexpr Rgb kRunColours[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}, {148, 103, 189},
                               {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
constexpr Rgb kInk{40, 40, 40}, kSoftInk{100, 100, 100}, kFrame{150, 150, 150}, kGrid{228, 228, 228};
constexpr std::size_t kText = 2, kTitle = 3;  // font scales
constexpr std::size_t kLineH = kGlyphHeight * kText, kCharW = kGlyphAdvance * kText;
constexpr std::size_t kMargin = 16;
constexpr std::size_t kInset = 8;
constexpr std::size_t kLegendLines = 3;  // the plot area keeps most of the panel however many runs
constexpr std::size_t kLegendChars = 48;  // a longer name is shortened to fit a panel

Rgb run_colour(std::size_t run) { return kRunColours[run % (sizeof kRunColours / sizeof kRunColours[0])]; }

std::string printable(const std::string& s) {
    std::string out = s;
    for (char& c : out)
        if (c < ' ' || c > '~') c = '?';
    return out;
}

void text(Canvas& canvas, std::size_t x, std::size_t y, const std::string& s, std::size_t scale, Rgb colour) {
    draw_text(canvas, x, y, printable(s), scale, colour);
}

// Draws the legend from (x, y) onwards, wrapping before `right`, on at most kLegendLines lines
// (then "+N more"); returns the y below it. Names longer than the panel allows are shortened.
std::size_t draw_legend(Canvas& canvas, const Chart& chart, std::size_t x, std::size_t y, std::size_t right) {
    std::size_t cx = x, line = 1;
    CoverageMask mask(28, kLineH);
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const ChartSeries& s = chart.series[i];
        const std::string name = s.name.size() > kLegendChars ? s.name.substr(0, kLegendChars - 3) + "..." : s.name;
        const std::size_t w = 28 + 8 + text_width(name, kText) + 24;
        if (cx > x && cx + w > right) {
            if (line == kLegendLines) {
                text(canvas, cx, y, "+" + std::to_string(chart.series.size() - i) + " more", kText, kSoftInk);
                break;
            }
            cx = x, y += kLineH + 6, ++line;
        }
        mask.clear();
        mask.segment(2, 7, 26, 7, 3);
        if (s.markers) mask.disc(14, 7, 4.5);
        mask.blend_onto(canvas, cx, y, run_colour(s.colour));
        text(canvas, cx + 36, y, name, kText, kInk);
        cx += w;
    }
    return y + kLineH;
}

void draw_panel(Canvas& canvas, const Chart& chart, std::size_t ox, std::size_t oy) {
    const std::size_t right = ox + kChartPanelWidth - 24;
    text(canvas, ox + kMargin, oy + kMargin, chart.title + (chart.log_y ? " (log scale)" : ""), kTitle, kInk);
    std::size_t y = draw_legend(canvas, chart, ox + kMargin, oy + kMargin + kGlyphHeight * kTitle + 6, right) + 10;
    text(canvas, ox + kMargin, y, chart.y_label, kText, kSoftInk);

    double xlo, xhi, ylo, yhi;
    chart_range(chart, false, xlo, xhi);
    chart_range(chart, true, ylo, yhi);
    const ChartAxis yaxis = chart.log_y ? log_axis(ylo, yhi) : linear_axis(ylo, yhi, 7, false);
    std::size_t label_w = 0;
    for (const std::string& l : yaxis.labels) label_w = std::max(label_w, text_width(l, kText));
    const std::size_t left = ox + kMargin + std::max(label_w, text_width(chart.y_label, kText) / 2) + 12;
    const std::size_t top = y + kLineH + 8, bottom = oy + kChartPanelHeight - kMargin - 2 * kLineH - 22;
    const std::size_t w = right - left, h = bottom - top;
    const ChartAxis xaxis = linear_axis(xlo, xhi, std::max<std::size_t>(w / 80, 2), true);
    // The data keep kInset pixels off the frame, so a marker at the edge is drawn whole.
    auto px = [&](double v) { return static_cast<double>(left + kInset) + xaxis.position(v) * static_cast<double>(w - 2 * kInset); };
    auto py = [&](double v) { return static_cast<double>(bottom - kInset) - yaxis.position(v) * static_cast<double>(h - 2 * kInset); };

    for (std::size_t i = 0; i < yaxis.ticks.size(); ++i) {
        const std::size_t ty = static_cast<std::size_t>(std::lround(py(yaxis.ticks[i])));
        canvas.fill_rect(left, ty, w, 1, kGrid);
        canvas.fill_rect(left - 6, ty, 6, 1, kFrame);
        const std::size_t tw = text_width(yaxis.labels[i], kText);
        text(canvas, left - 10 - tw, ty - 7 * kText / 2, yaxis.labels[i], kText, kInk);
    }
    std::size_t free_from = 0;
    for (std::size_t i = 0; i < xaxis.ticks.size(); ++i) {
        const std::size_t tx = static_cast<std::size_t>(std::lround(px(xaxis.ticks[i])));
        canvas.fill_rect(tx, top, 1, h, kGrid);
        canvas.fill_rect(tx, bottom, 1, 6, kFrame);
        const std::size_t tw = text_width(xaxis.labels[i], kText), start = tx - tw / 2;
        if (start < free_from || start + tw > ox + kChartPanelWidth) continue;
        text(canvas, start, bottom + 10, xaxis.labels[i], kText, kInk);
        free_from = start + tw + kCharW;
    }
    canvas.fill_rect(left, top, w + 1, 1, kFrame);
    canvas.fill_rect(left, bottom, w + 1, 1, kFrame);
    canvas.fill_rect(left, top, 1, h, kFrame);
    canvas.fill_rect(right, top, 1, h, kFrame);
    text(canvas, left + w / 2 - text_width(chart.x_label, kText) / 2, bottom + 16 + kLineH, chart.x_label, kText, kSoftInk);

    CoverageMask mask(w + 1, h + 1);
    for (const ChartSeries& s : chart.series) {
        mask.clear();
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            const double x1 = px(s.x[i]) - left, y1 = py(s.y[i]) - top;
            const double x0 = i ? px(s.x[i - 1]) - left : x1, y0 = i ? py(s.y[i - 1]) - top : y1;
            mask.segment(x0, y0, x1, y1, 2.2);
            if (s.markers) mask.disc(x1, y1, 4.5);
        }
        mask.blend_onto(canvas, left, top, run_colour(s.colour));
    }
}

}  // namespace

Canvas render_chart_png(const std::vector<Chart>& charts) {
    Canvas canvas;
    const std::size_t across = std::min<std::size_t>(2, std::max<std::size_t>(charts.size(), 1));
    canvas.width = across * kChartPanelWidth;
    canvas.height = (charts.size() + across - 1) / across * kChartPanelHeight;
    canvas.rgb.assign(canvas.width * canvas.height * 3, 255);
    for (std::size_t i = 0; i < charts.size(); ++i)
        draw_panel(canvas, charts[i], i % across * kChartPanelWidth, i / across * kChartPanelHeight);
    return canvas;
}

}  // namespace trainctl
