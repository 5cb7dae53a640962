// Braille cells: each holds 2x4 dots and the colour of the run that drew into it last; a run's
// evaluation points replace their cell with its marker.
#include "cmd/render/chart_term.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace trainctl {
namespace {

// ANSI foreground colours, in the PNG's order (blue, orange ~ yellow, green, red, purple, ...).
constexpr int kAnsiColours[] = {34, 33, 32, 31, 35, 36, 94, 93, 92, 91};
constexpr const char* kMarkers[] = {"\u25CF", "\u25A0", "\u25B2", "\u25C6", "\u271A", "\u2605"};  // ● ■ ▲ ◆ ✚ ★
constexpr std::size_t kMaxYLabel = 10;

std::string colour_on(std::size_t run) {
    return "\x1b[" + std::to_string(kAnsiColours[run % (sizeof kAnsiColours / sizeof kAnsiColours[0])]) + "m";
}
const char* marker(std::size_t run) { return kMarkers[run % (sizeof kMarkers / sizeof kMarkers[0])]; }

// The dot (or cell) at `position` (0..1) of `last` + 1; -1 when not finite (a range too wide for
// doubles), which the callers skip.
long index_at(double position, double last) {
    const double v = position * last;
    return std::fabs(v) < 1e9 ? std::lround(v) : -1;
}

// A braille dot's bit for column dx (0, 1) and row dy (0..3) of its cell (Unicode's dot order).
std::uint8_t braille_bit(int dx, int dy) {
    static constexpr std::uint8_t kBits[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
    return kBits[dy][dx];
}

// UTF-8 of the braille cell with `bits` set (U+2800 + bits: three bytes E2 A0..A3 80..BF).
std::string braille(std::uint8_t bits) {
    const unsigned cp = 0x2800u + bits;
    std::string s;
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
    return s;
}

struct Cells {
    std::size_t cols, rows;
    std::vector<std::uint8_t> bits;
    std::vector<int> owner;       // the run that drew there last, -1 none
    std::vector<int> marker_of;   // a run's marker in the cell, -1 none

    void dot(long x, long y, int run) {
        if (x < 0 || y < 0 || x >= static_cast<long>(cols * 2) || y >= static_cast<long>(rows * 4)) return;
        const std::size_t i = static_cast<std::size_t>(y / 4) * cols + static_cast<std::size_t>(x / 2);
        bits[i] |= braille_bit(static_cast<int>(x % 2), static_cast<int>(y % 4));
        owner[i] = run;
    }
    void line(long x0, long y0, long x1, long y1, int run) {  // Bresenham
        const long dx = std::labs(x1 - x0), dy = -std::labs(y1 - y0);
        const long sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
        long err = dx + dy;
        while (true) {
            dot(x0, y0, run);
            if (x0 == x1 && y0 == y1) break;
            const long e2 = 2 * err;
            if (e2 >= dy) err += dy, x0 += sx;
            if (e2 <= dx) err += dx, y0 += sy;
        }
    }
};

// The text of `width` columns with each label centred on its tick's column where it fits.
std::string x_label_line(const ChartAxis& axis, std::size_t left, std::size_t width) {
    std::string line(left + width, ' ');
    std::size_t free_from = 0;
    for (std::size_t i = 0; i < axis.ticks.size(); ++i) {
        const std::string& label = axis.labels[i];
        if (label.size() > line.size()) continue;
        const long at = index_at(axis.position(axis.ticks[i]), static_cast<double>(width - 1));
        if (at < 0 || at >= static_cast<long>(width)) continue;
        const std::size_t col = left + static_cast<std::size_t>(at);
        // Centred on the tick; at the right edge shifted left so the line never wraps.
        const std::size_t start = std::min(col >= label.size() / 2 ? col - label.size() / 2 : 0, line.size() - label.size());
        if (start < free_from) continue;
        line.replace(start, label.size(), label);
        free_from = start + label.size() + 1;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

}  // namespace

std::string render_terminal_chart(const Chart& chart, std::size_t columns, std::size_t rows, bool colour) {
    double xlo, xhi, ylo, yhi;
    chart_range(chart, false, xlo, xhi);
    chart_range(chart, true, ylo, yhi);
    const ChartAxis yaxis = chart.log_y ? log_axis(ylo, yhi) : linear_axis(ylo, yhi, std::max<std::size_t>(rows / 3, 3), false);
    std::size_t label_w = 1;
    for (const std::string& l : yaxis.labels) label_w = std::min(kMaxYLabel, std::max(label_w, l.size()));
    const std::size_t width = std::max<std::size_t>(columns, 40) - label_w - 2;  // "label ┤" then the cells
    const ChartAxis xaxis = linear_axis(xlo, xhi, std::max<std::size_t>(width / 10, 2), true);

    Cells cells{width, rows, std::vector<std::uint8_t>(width * rows), std::vector<int>(width * rows, -1),
                std::vector<int>(width * rows, -1)};
    const double xd = static_cast<double>(width * 2 - 1), yd = static_cast<double>(rows * 4 - 1);
    for (const ChartSeries& s : chart.series) {
        const int run = static_cast<int>(s.colour);
        long px = -1, py = -1;
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            const long x = index_at(xaxis.position(s.x[i]), xd), y = index_at(1 - yaxis.position(s.y[i]), yd);
            if (x < 0 || y < 0) continue;
            if (px < 0) cells.dot(x, y, run);
            else cells.line(px, py, x, y, run);
            px = x, py = y;
            if (s.markers && x < static_cast<long>(width * 2) && y < static_cast<long>(rows * 4))
                cells.marker_of[static_cast<std::size_t>(y / 4) * width + static_cast<std::size_t>(x / 2)] = run;
        }
    }

    // The title, then the legend on as many lines as the width needs.
    std::string out = chart.title + (chart.log_y ? " (log scale)" : "");
    std::size_t used = out.size() + 3;
    out += "   ";
    for (const ChartSeries& s : chart.series) {
        const std::size_t item = 2 + 2 + s.name.size();
        if (used > label_w + 1 && used + item > label_w + 1 + width) {
            out += "\n" + std::string(label_w + 1, ' ');
            used = label_w + 1;
        }
        out += "  " + (colour ? colour_on(s.colour) : "") + marker(s.colour) + " " + s.name + (colour ? "\x1b[0m" : "");
        used += item;
    }
    out += "\n" + std::string(label_w + 1, ' ') + chart.y_label + "\n";
    std::vector<std::string> row_label(rows);
    for (std::size_t i = 0; i < yaxis.ticks.size(); ++i) {
        const long dot = index_at(1 - yaxis.position(yaxis.ticks[i]), yd), r = dot / 4;
        if (dot >= 0 && r < static_cast<long>(rows)) row_label[static_cast<std::size_t>(r)] = yaxis.labels[i].substr(0, kMaxYLabel);
    }
    for (std::size_t r = 0; r < rows; ++r) {
        out += std::string(label_w - row_label[r].size(), ' ') + row_label[r] + (row_label[r].empty() ? "\u2502" : "\u2524");
        int current = -1;
        for (std::size_t c = 0; c < width; ++c) {
            const std::size_t i = r * width + c;
            const int who = cells.marker_of[i] >= 0 ? cells.marker_of[i] : cells.owner[i];
            if (colour && who != current && who >= 0) out += colour_on(static_cast<std::size_t>(who));
            if (who >= 0) current = who;
            if (cells.marker_of[i] >= 0) out += marker(static_cast<std::size_t>(cells.marker_of[i]));
            else out += cells.bits[i] ? braille(cells.bits[i]) : " ";
        }
        if (colour && current >= 0) out += "\x1b[0m";
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += "\n";
    }
    // The x axis with a ┬ under each tick, its labels, then what x is (right-aligned).
    std::string axis_line(width, ' ');
    std::vector<bool> tick_at(width, false);
    for (double t : xaxis.ticks) {
        const long c = index_at(xaxis.position(t), static_cast<double>(width - 1));
        if (c >= 0 && c < static_cast<long>(width)) tick_at[static_cast<std::size_t>(c)] = true;
    }
    out += std::string(label_w, ' ') + "\u2514";
    for (std::size_t c = 0; c < width; ++c) out += tick_at[c] ? "\u252C" : "\u2500";
    out += "\n" + x_label_line(xaxis, label_w + 1, width) + "\n";
    const std::size_t pad = label_w + 1 + width > chart.x_label.size() ? label_w + 1 + width - chart.x_label.size() : 0;
    out += std::string(pad, ' ') + chart.x_label + "\n";
    return out;
}

}  // namespace trainctl
