// Conv2d's direct kernels, for stride-1 layers with wide output rows (LeNet's conv1: 1->6
// channels, 5x5, 28 wide). As a gemm, M is the out-channel count (6) and K the tap count (25):
// too thin for sgemm to reach speed. Here the inner loops run along output rows, one vector of
// kDirectLanes outputs at a time, with a block of rows, vectors and out channels summed in
// registers across every tap (GCC/Clang vector extensions; 16 lanes where the build has AVX-512).
#pragma once
#include <cstddef>

#include "core/im2col.hpp"

namespace trainctl {

#ifdef __AVX512F__
constexpr std::size_t kDirectLanes = 16;
#else
constexpr std::size_t kDirectLanes = 8;
#endif

// The kernels cover this layer: stride 1, kernel 3 or 5, at least 4 output rows and at least 16
// outputs a row (narrower rows leave too much of each vector idle, where gemm keeps its full).
bool direct_fits(const ConvGeometry& g);
// An output row's floats rounded up to whole vectors: the row stride of dy for the weight grad.
constexpr std::size_t direct_dy_row(std::size_t out_width) {
    return (out_width + kDirectLanes - 1) / kDirectLanes * kDirectLanes;
}

// y[o, oh, ow] = bias[o] (0 without) + sum over c, i, j of w[o, c, i, j] * xp[c, oh + i, ow + j]
// for one padded image xp, summed in that order; with `relu`, max(y, 0) (NaN passes).
void direct_forward(const ConvGeometry& g, std::size_t out_channels, const float* xp, const float* w,
                    const float* bias, bool relu, float* y);
// gw[o, c, i, j] += sum over outputs of dy[o, oh, ow] * xp[c, oh + i, ow + j] for one padded
// image. dyp's rows are direct_dy_row(OW) floats, zero past OW: every row is whole vectors, whose
// lanes past OW add 0 * (the next floats of xp, which must be finite and readable up to
// kDirectLanes - 1 floats past the image).
void direct_weight_grad(const ConvGeometry& g, std::size_t out_channels, const float* xp, const float* dyp,
                        float* gw);

}  // namespace trainctl
