// Coverage from the distance to the shape: a pixel whose centre is d pixels outside the edge is
// covered 0.5 - d (clamped), the box-filter approximation that makes lines look smooth.
#include "cmd/render/coverage.hpp"

#include <algorithm>
#include <cmath>

namespace trainctl {
namespace {

double clamp01(double v) { return std::min(1.0, std::max(0.0, v)); }

}  // namespace

void CoverageMask::segment(double x0, double y0, double x1, double y1, double thickness) {
    // Far off the mask (or not finite: a range too wide for doubles) draws nothing.
    const double far = 1e9;
    if (!(std::fabs(x0) < far && std::fabs(y0) < far && std::fabs(x1) < far && std::fabs(y1) < far)) return;
    const double r = thickness / 2, dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    const long xa = std::max(0L, static_cast<long>(std::floor(std::min(x0, x1) - r - 1)));
    const long xb = std::min(static_cast<long>(width_) - 1, static_cast<long>(std::ceil(std::max(x0, x1) + r + 1)));
    const long ya = std::max(0L, static_cast<long>(std::floor(std::min(y0, y1) - r - 1)));
    const long yb = std::min(static_cast<long>(height_) - 1, static_cast<long>(std::ceil(std::max(y0, y1) + r + 1)));
    const double reach2 = (r + 0.5) * (r + 0.5);  // beyond it a pixel gets nothing
    for (long y = ya; y <= yb; ++y)
        for (long x = xa; x <= xb; ++x) {
            const double px = x + 0.5 - x0, py = y + 0.5 - y0;
            const double t = len2 > 0 ? std::min(1.0, std::max(0.0, (px * dx + py * dy) / len2)) : 0.0;
            const double ex = px - t * dx, ey = py - t * dy, d2 = ex * ex + ey * ey;
            if (d2 >= reach2) continue;
            float& a = a_[static_cast<std::size_t>(y) * width_ + static_cast<std::size_t>(x)];
            a = std::max(a, static_cast<float>(clamp01(r + 0.5 - std::sqrt(d2))));  // not hypot: 10x slower
        }
}

void CoverageMask::disc(double cx, double cy, double radius) { segment(cx, cy, cx, cy, radius * 2); }

void CoverageMask::blend_onto(Canvas& canvas, std::size_t ox, std::size_t oy, Rgb colour) const {
    for (std::size_t y = 0; y < height_ && oy + y < canvas.height; ++y)
        for (std::size_t x = 0; x < width_ && ox + x < canvas.width; ++x) {
            const float a = a_[y * width_ + x];
            if (a <= 0) continue;
            std::uint8_t* p = canvas.rgb.data() + ((oy + y) * canvas.width + ox + x) * 3;
            const std::uint8_t c[3] = {colour.r, colour.g, colour.b};
            for (int k = 0; k < 3; ++k) p[k] = static_cast<std::uint8_t>(std::lround(p[k] + (c[k] - p[k]) * a));
        }
}

}  // namespace trainctl
