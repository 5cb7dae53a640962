// Conv2d forward/backward: the ocvec or direct kernel image by image, or im2col + gemm a group
// of images at a time; images split across the engine threads in fixed chunks.
#include "core/conv2d.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/conv_direct.hpp"
#include "core/conv_input_grad.hpp"
#include "core/conv_ocvec.hpp"
#include "core/error.hpp"
#include "core/float_sum.hpp"
#include "core/gemm.hpp"
#include "core/init.hpp"
#include "core/parallel.hpp"
#include "core/params.hpp"
#include "core/pool2x2.hpp"
#include "core/rng.hpp"

namespace trainctl {

namespace {

// ReLU as core/relu.cpp computes it: x < 0 ? 0 : x lets NaN through, as PyTorch does.
inline float relu(float v) { return v < 0.0f ? 0.0f : v; }
// ReLU's backward: dy where the output is positive. dy is read whatever the mask: written as
// `y > 0 ? dy : 0`, GCC guarded that read with vmaskmovps, 3x slower than a load and a select.
inline float relu_grad(float y, float dy) {
    const float g = dy;
    return y > 0.0f ? g : 0.0f;
}

ConvGeometry make_geometry(const std::string& name, const Shape& in, const Conv2dOptions& opt) {
    if (in.rank() != 3) throw usage_error(name + ": conv2d needs a [C,H,W] input, got " + in.str());
    if (opt.out_channels == 0 || opt.kernel == 0 || opt.stride == 0)
        throw usage_error(name + ": out_channels, kernel and stride must be > 0");
    ConvGeometry g{in[0], in[1], in[2], opt.kernel, opt.stride, opt.padding,
                   conv_out_size(in[1], opt.kernel, opt.stride, opt.padding),
                   conv_out_size(in[2], opt.kernel, opt.stride, opt.padding)};
    if (g.out_height == 0 || g.out_width == 0)
        throw usage_error(name + ": input " + in.str() + " is smaller than kernel " + std::to_string(opt.kernel) +
                          " with padding " + std::to_string(opt.padding));
    return g;
}

// Floats between the starts of two threads' scratch, at least. Packed closer, the two cores'
// streams over their scratch slowed each other by up to 30% (measured, 2 cores).
constexpr std::size_t kChunkSpacing = 16384;
// Where a thread's scratch starts past its kChunkSpacing boundary: at the boundary itself, the
// padded images sat at the same 4 KB offset as the tensors the kernels stream (page-aligned
// blocks), and LeNet5's batch-32 training ran 3% slower on 1 thread (3 paired rounds).
constexpr std::size_t kScratchSkew = 368;  // floats: 1472 bytes

// The gemm kernel unfolds images into col until col holds about this many floats (256 KB,
// LeNet's conv2: 4 images, a 16x150x400 gemm). Measured per image (CPU time, 1 thread), conv2's
// forward and backward took the same time with 1, 4 or 8 images per gemm (16 and 32: 10% slower):
// OpenBLAS packs col either way, so the group keeps its working set within L2 and no more.
constexpr std::size_t kGroupColFloats = 65536;

// y[0..n) += a * x[0..n): restrict lets the compiler vectorise without an overlap check.
inline void axpy(float* __restrict y, const float* __restrict x, float a, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

}  // namespace

Conv2d::Conv2d(ParamSet& params, std::string name, const Shape& in_sample, const Conv2dOptions& opt)
    : Layer(std::move(name), in_sample), params_(params), opt_(opt), geo_(make_geometry(name_, in_sample, opt)) {
    weight_id_ = params.declare(name_ + ".weight", {opt.out_channels, geo_.channels, opt.kernel, opt.kernel});
    if (opt.bias) bias_id_ = params.declare(name_ + ".bias", {opt.out_channels});
    kernel_ = ocvec_fits(geo_, opt.out_channels) ? Kernel::ocvec : direct_fits(geo_) ? Kernel::direct : Kernel::gemm;
    dx_by_rows_ = kernel_ == Kernel::ocvec && rowvec_input_grad_fits(geo_);
    group_ = kernel_ == Kernel::direct ? 1 : std::max<std::size_t>(1, kGroupColFloats / (geo_.col_rows() * geo_.col_cols()));
}

void Conv2d::reserve(std::size_t batch) {
    threads_ = reserve_threads();
    y_.reserve(batch * out_sample().numel());
    dx_.reserve(batch * in_sample_.numel());
    scratch_.assign(threads_ * scratch_stride(), 0.0f);  // zero: the padded borders stay so
    grad_parts_.assign(batch_chunks(batch, threads_) * grad_part_stride(), 0.0f);
    packed_weight_.assign(kernel_ == Kernel::ocvec ? geo_.col_rows() * opt_.out_channels : 0, 0.0f);
}

std::size_t Conv2d::col_size() const {
    return kernel_ == Kernel::direct || dx_by_rows_ ? 0 : geo_.col_rows() * group_cols() + kIm2colSlack;
}

std::size_t Conv2d::out_size() const {
    return opt_.out_channels * (kernel_ == Kernel::direct ? geo_.out_height * direct_dy_row(geo_.out_width) : group_cols());
}

std::size_t Conv2d::tile_size() const { return kernel_ == Kernel::ocvec ? geo_.col_cols() * opt_.out_channels : 0; }

std::size_t Conv2d::full_size() const { return pool_in_infer_ ? geo_.col_cols() * opt_.out_channels : 0; }

std::size_t Conv2d::scratch_stride() const {
    const std::size_t dyp = dx_by_rows_ ? rowvec_padded_dy_size(geo_, opt_.out_channels) : 0;
    const std::size_t used = kScratchSkew + (group_ + 1) * geo_.padded_size() + kIm2colSlack + col_size() +
                             out_size() + tile_size() + full_size() + dyp;
    return (used / kChunkSpacing + 1) * kChunkSpacing;
}

Conv2d::Scratch Conv2d::scratch(std::size_t worker) {
    Scratch s;
    s.grad = nullptr;
    s.xp = scratch_.data() + worker * scratch_stride() + kScratchSkew;
    s.dxp = s.xp + group_ * geo_.padded_size() + kIm2colSlack;
    s.col = s.dxp + geo_.padded_size();
    s.out = s.col + col_size();
    s.tile = s.out + out_size();
    s.full = s.tile + tile_size();
    s.dyp = s.full + full_size();
    return s;
}

// One image, by core/conv_direct's kernels; the input grad is the adjoint of the forward as
// vector axpys along the rows (LeNet's direct layer is the first, which needs none).
void Conv2d::forward_direct(const float* x, float* y, const Scratch& s) const {
    const float* xp = x;
    if (geo_.padding != 0) {
        pad_sample(geo_, x, s.xp);
        xp = s.xp;
    }
    const float* w = params_.value(weight_id_);
    const float* b = opt_.bias ? params_.value(bias_id_) : nullptr;
    direct_forward(geo_, opt_.out_channels, xp, w, b, relu_, y);
}

void Conv2d::backward_direct(const float* x, const float* y, const float* dy, float* dx, const Scratch& s) const {
    const std::size_t k = geo_.kernel, oh_n = geo_.out_height, ow_n = geo_.out_width, oc = opt_.out_channels;
    const std::size_t ph = geo_.padded_height(), pw = geo_.padded_width(), c_n = geo_.channels;
    const std::size_t owp = direct_dy_row(ow_n);
    // dy (masked by the fused ReLU) into rows of owp floats, in L1; the columns past OW stay 0.
    for (std::size_t r = 0; r < oc * oh_n; ++r) {
        const float* src = dy + r * ow_n;
        const float* out = y + r * ow_n;
        float* dst = s.out + r * owp;
        if (relu_) for (std::size_t j = 0; j < ow_n; ++j) dst[j] = relu_grad(out[j], src[j]);
        else std::copy(src, src + ow_n, dst);
    }
    // Always a copy, padded or not: the kernel reads up to kDirectLanes - 1 floats past the image,
    // into the zeros after s.xp.
    pad_sample(geo_, x, s.xp);
    direct_weight_grad(geo_, oc, s.xp, s.out, s.grad);
    for (std::size_t o = 0; opt_.bias && o < oc; ++o)
        s.grad[geo_.col_rows() * oc + o] += sum_floats(s.out + o * oh_n * owp, oh_n * owp);
    if (dx == nullptr) return;
    const float* w = params_.value(weight_id_);
    float* dxp = geo_.padding != 0 ? s.dxp : dx;
    std::fill(dxp, dxp + geo_.padded_size(), 0.0f);
    // j outside i, as in col2im: consecutive axpys never target one range shifted by a float.
    for (std::size_t c = 0; c < c_n; ++c)
        for (std::size_t o = 0; o < oc; ++o)
            for (std::size_t oh = 0; oh < oh_n; ++oh)
                for (std::size_t j = 0; j < k; ++j)
                    for (std::size_t i = 0; i < k; ++i)
                        axpy(dxp + (c * ph + oh + i) * pw + j, s.out + (o * oh_n + oh) * owp,
                             w[((o * c_n + c) * k + i) * k + j], ow_n);
    if (geo_.padding != 0) crop_sample(geo_, s.dxp, dx);
}

// `images` images side by side: y_b = W col_b for all b in one gemm into s.out [out, images*P],
// then copied out to [images, out, P] with the bias (and the fused ReLU).
void Conv2d::forward_gemm(const float* x, std::size_t images, float* y, const Scratch& s) const {
    const std::size_t oc = opt_.out_channels, k = geo_.col_rows(), p = geo_.col_cols(), cols = images * p;
    for (std::size_t b = 0; b < images; ++b)
        pad_sample(geo_, x + b * in_sample_.numel(), s.xp + b * geo_.padded_size());
    im2col(geo_, s.xp, images, s.col);
    gemm(false, false, oc, cols, k, 1.0f, params_.value(weight_id_), k, s.col, cols, 0.0f, s.out, cols);
    const float* bias = opt_.bias ? params_.value(bias_id_) : nullptr;
    for (std::size_t b = 0; b < images; ++b)
        for (std::size_t o = 0; o < oc; ++o) {
            const float* src = s.out + o * cols + b * p;
            float* dst = y + (b * oc + o) * p;
            const float add = bias ? bias[o] : 0.0f;
            if (relu_) for (std::size_t j = 0; j < p; ++j) dst[j] = relu(src[j] + add);
            else for (std::size_t j = 0; j < p; ++j) dst[j] = src[j] + add;
        }
}

void Conv2d::gather_dy(const float* y, const float* dy, std::size_t images, const Scratch& s) const {
    const std::size_t oc = opt_.out_channels, p = geo_.col_cols(), cols = images * p;
    for (std::size_t b = 0; b < images; ++b)
        for (std::size_t o = 0; o < oc; ++o) {
            const float* src = dy + (b * oc + o) * p;
            float* dst = s.out + o * cols + b * p;
            if (relu_) {  // the fused ReLU's backward
                const float* out = y + (b * oc + o) * p;
                for (std::size_t j = 0; j < p; ++j) dst[j] = relu_grad(out[j], src[j]);
            } else {
                std::copy(src, src + p, dst);
            }
        }
    // The bias grad: each out channel's dy summed (gemm's and ocvec's partials keep it last).
    for (std::size_t o = 0; opt_.bias && o < oc; ++o) s.grad[geo_.col_rows() * oc + o] += sum_floats(s.out + o * cols, cols);
}

void Conv2d::input_grad_gemm(std::size_t images, float* dx, const Scratch& s) const {
    const std::size_t oc = opt_.out_channels, k = geo_.col_rows(), p = geo_.col_cols(), cols = images * p;
    gemm(true, false, k, cols, oc, 1.0f, params_.value(weight_id_), k, s.out, cols, 0.0f, s.col, cols);
    for (std::size_t b = 0; b < images; ++b) {
        float* dxb = dx + b * in_sample_.numel();
        if (geo_.padding == 0) {
            col2im(geo_, s.col + b * p, cols, dxb);
        } else {
            col2im(geo_, s.col + b * p, cols, s.dxp);
            crop_sample(geo_, s.dxp, dxb);
        }
    }
}

// The same group in backward: dy gathered into s.out [out, images*P] so the weight grad is one
// gemm with the long side as its inner dimension, and dcol = W^T dy one more.
void Conv2d::backward_gemm(const float* x, const float* y, const float* dy, std::size_t images, float* dx,
                           const Scratch& s) const {
    const std::size_t oc = opt_.out_channels, k = geo_.col_rows(), cols = images * geo_.col_cols();
    for (std::size_t b = 0; b < images; ++b)
        pad_sample(geo_, x + b * in_sample_.numel(), s.xp + b * geo_.padded_size());
    im2col(geo_, s.xp, images, s.col);
    gather_dy(y, dy, images, s);
    gemm(false, true, oc, k, cols, 1.0f, s.out, cols, s.col, cols, 1.0f, s.grad, k);
    // dcol = W^T dy overwrites the unfolded input, which the weight grad no longer needs.
    if (dx != nullptr) input_grad_gemm(images, dx, s);
}

// One image: the sums position-major into s.tile, then transposed into y (bias added, ReLU
// fused) while in L1.
void Conv2d::forward_ocvec(const float* x, float* y, const Scratch& s) const {
    const float* xp = x;
    if (geo_.padding != 0) {
        pad_sample(geo_, x, s.xp);
        xp = s.xp;
    }
    const std::size_t oc = opt_.out_channels, p = geo_.col_cols();
    ocvec_forward(geo_, oc, xp, packed_weight_.data(), opt_.bias ? params_.value(bias_id_) : nullptr, s.tile);
    transpose(s.tile, p, oc, oc, y, p, relu_);
}

// A group: dy gathered as for gemm (the dx gemm's operand), each image's part transposed to
// position-major for the direct weight grad, and with dx_by_rows_ copied with zero borders for
// the input grad along rows.
void Conv2d::backward_ocvec(const float* x, const float* y, const float* dy, std::size_t images, float* dx,
                            const Scratch& s) const {
    const std::size_t oc = opt_.out_channels, p = geo_.col_cols(), cols = images * p;
    gather_dy(y, dy, images, s);
    for (std::size_t b = 0; b < images; ++b) {
        const float* xb = x + b * in_sample_.numel();
        if (geo_.padding != 0) {
            pad_sample(geo_, xb, s.xp);
            xb = s.xp;
        }
        transpose(s.out + b * p, oc, p, cols, s.tile, oc, false);
        ocvec_weight_grad(geo_, oc, xb, s.tile, s.grad);
        if (dx != nullptr && dx_by_rows_) {
            rowvec_pad_dy(geo_, oc, s.out + b * p, cols, s.dyp);
            rowvec_input_grad(geo_, oc, s.dyp, params_.value(weight_id_), dx + b * in_sample_.numel());
        }
    }
    if (dx != nullptr && !dx_by_rows_) input_grad_gemm(images, dx, s);
}

void Conv2d::forward_image(const float* x, float* y, const Scratch& s) const {
    if (kernel_ == Kernel::ocvec) forward_ocvec(x, y, s);
    else forward_direct(x, y, s);
}

const Tensor& Conv2d::forward(const Tensor& x) {
    const std::size_t n = x.shape()[0];
    assert(x.shape() == batched(n, in_sample_));
    x_ = &x;
    y_.set_shape(batched(n, out_sample()));
    prepare_weights();
    const std::size_t chunks = batch_chunks(n, threads_);
    parallel_for_workers(chunks, [&](std::size_t chunk, std::size_t worker) {
        forward_images(x, chunk_range(n, chunks, chunk), worker);
    });
    return y_;
}

void Conv2d::prepare_weights() {
    if (kernel_ == Kernel::ocvec)
        ocvec_pack_weights(geo_, opt_.out_channels, params_.value(weight_id_), packed_weight_.data());
}

void Conv2d::forward_images(const Tensor& x, Range images, std::size_t worker) {
    const Scratch s = scratch(worker);
    const std::size_t in = in_sample_.numel(), out = out_sample().numel();
    if (kernel_ != Kernel::gemm) {
        for (std::size_t i = images.begin; i < images.end; ++i) forward_image(x.data() + i * in, y_.data() + i * out, s);
        return;
    }
    for (std::size_t i = images.begin; i < images.end; i += group_)
        forward_gemm(x.data() + i * in, std::min(group_, images.end - i), y_.data() + i * out, s);
}

const Tensor& Conv2d::infer(const Tensor& x) {
    const Tensor& y = infer_output(x);
    const std::size_t n = x.shape()[0];
    const std::size_t chunks = batch_chunks(n, threads_);
    parallel_for_workers(chunks, [&](std::size_t chunk, std::size_t worker) {
        infer_rows(x, chunk_range(n, chunks, chunk), worker);
    });
    return y;
}

const Tensor& Conv2d::infer_output(const Tensor& x) {
    const std::size_t n = x.shape()[0];
    assert(x.shape() == batched(n, in_sample_));
    if (pool_in_infer_) y_.set_shape(Shape{n, opt_.out_channels, geo_.out_height / 2, geo_.out_width / 2});
    else y_.set_shape(batched(n, out_sample()));
    prepare_weights();
    return y_;
}

void Conv2d::infer_rows(const Tensor& x, Range images, std::size_t worker) {
    if (!pool_in_infer_) return forward_images(x, images, worker);
    const Scratch s = scratch(worker);
    const Pool2x2 pool{geo_.out_width, geo_.out_height / 2, geo_.out_width / 2};
    const std::size_t oc = opt_.out_channels, in = in_sample_.numel(), plane = geo_.col_cols();
    const std::size_t pooled = pool.out_height * pool.out_width;
    for (std::size_t i = images.begin; i < images.end; ++i) {
        forward_image(x.data() + i * in, s.full, s);
        for (std::size_t o = 0; o < oc; ++o)
            pool2x2_forward(pool, s.full + o * plane, y_.data() + (i * oc + o) * pooled, nullptr);
    }
}

const Tensor& Conv2d::backward(const Tensor& dy) {
    const std::size_t n = dy.shape()[0];
    assert(x_ && dy.shape() == y_.shape());
    const std::size_t k = geo_.col_rows(), oc = opt_.out_channels;
    const std::size_t in = in_sample_.numel(), out = out_sample().numel();
    dx_.set_shape(batched(input_grad_ ? n : 0, in_sample_));
    const std::size_t chunks = batch_chunks(n, threads_);
    parallel_for_workers(chunks, [&](std::size_t chunk, std::size_t worker) {
        Scratch s = scratch(worker);
        s.grad = grad_parts_.data() + chunk * grad_part_stride();
        std::fill(s.grad, s.grad + grad_part_size(), 0.0f);
        const Range images = chunk_range(n, chunks, chunk);
        for (std::size_t i = images.begin; i < images.end; i += group_) {
            const float* xi = x_->data() + i * in;
            float* dx = input_grad_ ? dx_.data() + i * in : nullptr;
            const float* yi = y_.data() + i * out;
            const std::size_t group = std::min(group_, images.end - i);
            if (kernel_ == Kernel::direct) backward_direct(xi, yi, dy.data() + i * out, dx, s);
            else if (kernel_ == Kernel::ocvec) backward_ocvec(xi, yi, dy.data() + i * out, group, dx, s);
            else backward_gemm(xi, yi, dy.data() + i * out, group, dx, s);
        }
    });
    float* gw = params_.grad(weight_id_);
    float* gb = opt_.bias ? params_.grad(bias_id_) : nullptr;
    for (std::size_t chunk = 0; chunk < chunks; ++chunk) {  // in chunk order, whoever ran them
        const float* part = grad_parts_.data() + chunk * grad_part_stride();
        if (kernel_ == Kernel::ocvec)  // position-major: [(c,i,j)][out]
            for (std::size_t o = 0; o < oc; ++o)
                for (std::size_t t = 0; t < k; ++t) gw[o * k + t] += part[t * oc + o];
        else
            for (std::size_t j = 0; j < k * oc; ++j) gw[j] += part[j];
        for (std::size_t o = 0; gb && o < oc; ++o) gb[o] += part[k * oc + o];
    }
    return dx_;
}

void Conv2d::init_params(ParamSet& params, Rng& rng, const InitSpec& init) {
    const std::size_t k = geo_.col_rows(), oc = opt_.out_channels;
    init_weight_bias(init, /*fan_in=*/k, params.value(weight_id_), oc * k, opt_.bias ? params.value(bias_id_) : nullptr,
                     oc, rng);
}

}  // namespace trainctl
