// im2col/col2im: turn a convolution over [C,H,W] samples into a matrix product. Both work on
// zero-padded copies of the samples, so no inner loop tests for the border.
#pragma once
#include <cstddef>

namespace trainctl {

// Floats the caller must allocate past the end of a padded sample and of a col buffer:
// stride-1 rows are copied in whole blocks of this many floats, spilling into what comes next.
constexpr std::size_t kIm2colSlack = 16;

// Geometry of a square-kernel 2-D convolution over one [C,H,W] sample.
struct ConvGeometry {
    std::size_t channels, height, width;  // input C,H,W
    std::size_t kernel, stride, padding;
    std::size_t out_height, out_width;
    std::size_t padded_height() const { return height + 2 * padding; }
    std::size_t padded_width() const { return width + 2 * padding; }
    std::size_t padded_size() const { return channels * padded_height() * padded_width(); }
    // col is [C*kh*kw, OH*OW]: row (c,i,j) holds padded input (c, oh*s+i, ow*s+j) for every output.
    std::size_t col_rows() const { return channels * kernel * kernel; }
    std::size_t col_cols() const { return out_height * out_width; }
};

// Output side for an input side, or 0 when the kernel does not fit.
std::size_t conv_out_size(std::size_t in, std::size_t kernel, std::size_t stride, std::size_t padding);

// Copies x[C,H,W] into the interior of xp[C,H+2p,W+2p]; xp's border must already be zero.
void pad_sample(const ConvGeometry& g, const float* x, float* xp);
// Copies the interior of xp back out into x.
void crop_sample(const ConvGeometry& g, const float* xp, float* x);
// Unfolds `images` padded samples stored back to back in xp into one col matrix
// [C*kh*kw, images*OH*OW]: image b fills columns [b*OH*OW, (b+1)*OH*OW) of every row, so one
// gemm covers them all. Reads and writes up to kIm2colSlack floats past either's end.
void im2col(const ConvGeometry& g, const float* xp, std::size_t images, float* col);
// The adjoint of im2col for one image: dxp = sum of the col entries each padded input was
// copied to (overwrites dxp). col's rows are `ld` floats apart (images*OH*OW in a batched col).
void col2im(const ConvGeometry& g, const float* col, std::size_t ld, float* dxp);

}  // namespace trainctl
