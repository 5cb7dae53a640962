// Fitting the live line: the same fields in the same order at every width, fewer of them
// in a narrow terminal, so its columns do not jump about between redraws.
#include "cmd/render/progress_line.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace trainctl {
namespace {

constexpr std::size_t kBarMax = 30, kBarMin = 10;

// Which fields a width allows, widest first; each row drops one more field.
struct Shown {
    bool speed, bar, time, acc, loss;
};
constexpr Shown kLevels[] = {
    {true, true, true, true, true},   {false, true, true, true, true},    {false, false, true, true, true},
    {false, false, false, true, true}, {false, false, false, false, true}, {false, false, false, false, false},
};

std::string bar_of(const ProgressLineFields& f, std::size_t width) {
    const std::size_t filled = f.steps ? static_cast<std::size_t>(width * std::min(f.step, f.steps) / f.steps) : 0;
    std::string bar(width, '.');
    std::fill(bar.begin(), bar.begin() + static_cast<std::ptrdiff_t>(filled), '=');
    if (filled < width) bar[filled] = '>';
    return "[" + bar + "]";
}

std::string printed(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

}  // namespace

std::string format_duration(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    return buf;
}

std::string progress_line(const ProgressLineFields& f, std::size_t width) {
    const std::string head = "epoch " + std::to_string(f.epoch) + "/" + std::to_string(f.epochs) + "  step " +
                             std::to_string(f.step) + "/" + std::to_string(f.steps);
    // Sized for the epoch's widest step number, so the bar keeps its length all epoch.
    const std::size_t head_max = head.size() + std::to_string(f.steps).size() - std::to_string(f.step).size();
    const std::string loss = printed("loss %.4f", f.loss), acc = printed("acc %.4f", f.acc);
    const std::string speed = printed("%.2f ms/step", f.ms_per_step);
    const std::string time = (f.done ? "took " : "ETA ") + format_duration(f.seconds);
    for (const Shown& s : kLevels) {
        std::string tail;
        for (const auto& [on, text] : {std::pair<bool, const std::string*>{s.loss, &loss}, {s.acc, &acc},
                                       {s.speed, &speed}, {s.time, &time}})
            if (on) tail += " " + *text;
        std::size_t bar = 0;
        if (s.bar) {
            const std::size_t used = std::max(head.size(), head_max) + tail.size() + 3;  // " [" and "]"
            if (used + kBarMin > width) continue;
            bar = std::min(kBarMax, width - used);
        }
        std::string line = head + (s.bar ? " " + bar_of(f, bar) : "") + tail;
        if (line.size() <= width) return line;
    }
    return head.substr(0, width);
}

}  // namespace trainctl
