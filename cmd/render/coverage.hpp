// Anti-aliased shapes as a coverage mask (0..1 a pixel), blended onto a Canvas in one colour.
// A whole polyline goes into one mask with max(), so its joints are not painted twice (darker).
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

#include "cmd/render/bitmap_font.hpp"

namespace trainctl {

class CoverageMask {
public:
    CoverageMask(std::size_t width, std::size_t height) : width_(width), height_(height), a_(width * height, 0.f) {}
    void clear() { std::fill(a_.begin(), a_.end(), 0.f); }
    // A segment `thickness` pixels wide with round ends; coordinates are pixel centres + 0.5.
    void segment(double x0, double y0, double x1, double y1, double thickness);
    // A filled disc of `radius` pixels around (cx, cy).
    void disc(double cx, double cy, double radius);
    // Blends `colour` over the canvas at (ox, oy), weighted by the mask.
    void blend_onto(Canvas& canvas, std::size_t ox, std::size_t oy, Rgb colour) const;

private:
    std::size_t width_, height_;
    std::vector<float> a_;
};

}  // namespace trainctl
