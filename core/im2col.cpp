// im2col/col2im by rows. Each (c,i,j) row is OH copies of OW input floats; those copies are
// tiny (LeNet's conv2: 1500 of 10 floats), so a call to memcpy per copy would dominate.
#include "core/im2col.hpp"

#include <algorithm>
#include <cstring>

namespace trainctl {

std::size_t conv_out_size(std::size_t in, std::size_t kernel, std::size_t stride, std::size_t padding) {
    return in + 2 * padding < kernel ? 0 : (in + 2 * padding - kernel) / stride + 1;
}

void pad_sample(const ConvGeometry& g, const float* x, float* xp) {
    if (g.padding == 0) {
        std::memcpy(xp, x, g.padded_size() * sizeof(float));
        return;
    }
    const std::size_t pw = g.padded_width();
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t h = 0; h < g.height; ++h)
            std::memcpy(xp + (c * g.padded_height() + h + g.padding) * pw + g.padding,
                        x + (c * g.height + h) * g.width, g.width * sizeof(float));
}

void crop_sample(const ConvGeometry& g, const float* xp, float* x) {
    const std::size_t pw = g.padded_width();
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t h = 0; h < g.height; ++h)
            std::memcpy(x + (c * g.height + h) * g.width,
                        xp + (c * g.padded_height() + h + g.padding) * pw + g.padding, g.width * sizeof(float));
}

void im2col(const ConvGeometry& g, const float* xp, std::size_t images, float* col) {
    const std::size_t ow_n = g.out_width, s = g.stride, pw = g.padded_width(), p = g.col_cols();
    // Row by row, and within a row image by image, so every spill lands on floats written next.
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t i = 0; i < g.kernel; ++i)
            for (std::size_t j = 0; j < g.kernel; ++j)
                for (std::size_t b = 0; b < images; ++b, col += p) {
                    const float* src = xp + b * g.padded_size() + (c * g.padded_height() + i) * pw + j;
                    for (std::size_t oh = 0; oh < g.out_height; ++oh, src += s * pw) {
                        float* dst = col + oh * ow_n;
                        if (s == 1) {
                            // Fixed-size blocks become single vector moves; the spill past OW is
                            // overwritten by the next copy, or lands in the slack.
                            for (std::size_t o = 0; o < ow_n; o += kIm2colSlack)
                                std::memcpy(dst + o, src + o, kIm2colSlack * sizeof(float));
                        } else {
                            for (std::size_t o = 0; o < ow_n; ++o) dst[o] = src[o * s];
                        }
                    }
                }
}

void col2im(const ConvGeometry& g, const float* __restrict col, std::size_t ld, float* __restrict dxp) {
    const std::size_t ow_n = g.out_width, s = g.stride, pw = g.padded_width(), k = g.kernel;
    std::fill(dxp, dxp + g.padded_size(), 0.0f);
    // j outside i measured 1.5x faster: consecutive adds then never re-read the range just
    // stored shifted by one float (a store-to-load forwarding stall).
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i) {
                const float* src = col + ((c * k + i) * k + j) * ld;
                float* dst = dxp + (c * g.padded_height() + i) * pw + j;
                for (std::size_t oh = 0; oh < g.out_height; ++oh, src += ow_n, dst += s * pw) {
                    if (s == 1) for (std::size_t o = 0; o < ow_n; ++o) dst[o] += src[o];
                    else for (std::size_t o = 0; o < ow_n; ++o) dst[o * s] += src[o];
                }
            }
}

}  // namespace trainctl
