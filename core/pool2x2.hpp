// Max pooling over 2x2 windows at stride 2 (LeNet's pools), one [H,W] plane at a time: 8
// outputs per step with AVX2 (narrower rows in one masked step), else one by one. The same maxima,
// indices and gradients bit for bit either way: the first maximum of (top-left, top-right,
// bottom-left, bottom-right) wins by strict >, so NaN and ties keep the earlier one.
#pragma once
#include <cstddef>
#include <cstdint>

namespace trainctl {

struct Pool2x2 {
    std::size_t width;                   // input plane width W (rows are W floats apart)
    std::size_t out_height, out_width;   // OH <= H/2, OW <= W/2
};

// y[OH,OW] = the windows' maxima; arg (when not null) each maximum's index in the plane.
void pool2x2_forward(const Pool2x2& p, const float* src, float* y, std::uint32_t* arg);
// dx[2*OH, 2*OW] (rows W floats apart) = each dy routed to its window's arg, 0 elsewhere: every
// window's four floats written once, no separate clearing (a row or column past 2*OH, 2*OW is
// left to the caller).
void pool2x2_backward(const Pool2x2& p, const float* dy, const std::uint32_t* arg, float* dx);

}  // namespace trainctl
