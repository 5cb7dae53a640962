// Conv2d forward/backward: per image, im2col then one gemm per product; images split across
// the engine threads in fixed chunks.
#include "core/conv2d.hpp"

#include <algorithm>
#include <cassert>

#include "core/error.hpp"
#include "core/gemm.hpp"
#include "core/init.hpp"
#include "core/parallel.hpp"
#include "core/params.hpp"
#include "core/rng.hpp"

namespace trainctl {

namespace {

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

// Floats between the starts of two chunks' scratch, at least. Packed closer, the two cores'
// streams over their scratch slowed each other by up to 30% (measured, 2 cores).
constexpr std::size_t kChunkSpacing = 16384;

}  // namespace

Conv2d::Conv2d(ParamSet& params, std::string name, const Shape& in_sample, const Conv2dOptions& opt)
    : Layer(std::move(name), in_sample), params_(params), opt_(opt), geo_(make_geometry(name_, in_sample, opt)) {
    weight_id_ = params.declare(name_ + ".weight", {opt.out_channels, geo_.channels, opt.kernel, opt.kernel});
    if (opt.bias) bias_id_ = params.declare(name_ + ".bias", {opt.out_channels});
}

void Conv2d::reserve(std::size_t batch) {
    chunks_ = reserve_threads();
    y_.reserve(batch * out_sample().numel());
    dx_.reserve(batch * in_sample_.numel());
    scratch_.assign(chunks_ * scratch_stride(), 0.0f);  // zero: the padded borders stay so
}

std::size_t Conv2d::scratch_stride() const {
    const std::size_t used =
        grad_part_size() + 2 * geo_.padded_size() + geo_.col_rows() * geo_.col_cols() + kIm2colSlack;
    return (used / kChunkSpacing + 1) * kChunkSpacing;
}

Conv2d::Scratch Conv2d::scratch(std::size_t chunk) {
    float* base = scratch_.data() + chunk * scratch_stride();
    float* xp = base + grad_part_size();
    return {base, xp, xp + geo_.padded_size(), xp + 2 * geo_.padded_size()};
}

const Tensor& Conv2d::forward(const Tensor& x) {
    const std::size_t n = x.shape()[0];
    assert(x.shape() == batched(n, in_sample_));
    x_ = &x;
    y_.set_shape(batched(n, out_sample()));
    const std::size_t oc = opt_.out_channels, k = geo_.col_rows(), p = geo_.col_cols();
    const float* w = params_.value(weight_id_);
    const float* b = opt_.bias ? params_.value(bias_id_) : nullptr;
    parallel_for(chunks_, [&](std::size_t chunk) {
        const Scratch s = scratch(chunk);
        const Range images = chunk_range(n, chunks_, chunk);
        for (std::size_t i = images.begin; i < images.end; ++i) {
            float* y = y_.data() + i * oc * p;
            pad_sample(geo_, x.data() + i * in_sample_.numel(), s.xp);
            im2col(geo_, s.xp, s.col);
            gemm(false, false, oc, p, k, 1.0f, w, k, s.col, p, 0.0f, y, p);
            for (std::size_t o = 0; b && o < oc; ++o)
                for (std::size_t j = 0; j < p; ++j) y[o * p + j] += b[o];
        }
    });
    return y_;
}

const Tensor& Conv2d::backward(const Tensor& dy) {
    const std::size_t n = dy.shape()[0];
    assert(x_ && dy.shape() == y_.shape());
    const std::size_t oc = opt_.out_channels, k = geo_.col_rows(), p = geo_.col_cols();
    const float* w = params_.value(weight_id_);
    dx_.set_shape(batched(input_grad_ ? n : 0, in_sample_));
    parallel_for(chunks_, [&](std::size_t chunk) {
        const Scratch s = scratch(chunk);
        float* db = s.grad + k * oc;
        std::fill(s.grad, s.grad + grad_part_size(), 0.0f);
        const Range images = chunk_range(n, chunks_, chunk);
        for (std::size_t i = images.begin; i < images.end; ++i) {
            const float* g = dy.data() + i * oc * p;
            pad_sample(geo_, x_->data() + i * in_sample_.numel(), s.xp);
            im2col(geo_, s.xp, s.col);
            gemm(false, true, oc, k, p, 1.0f, g, p, s.col, p, 1.0f, s.grad, k);
            for (std::size_t o = 0; opt_.bias && o < oc; ++o)
                for (std::size_t j = 0; j < p; ++j) db[o] += g[o * p + j];
            if (!input_grad_) continue;
            // dcol = W^T dy overwrites the unfolded input, which the weight grad no longer needs.
            gemm(true, false, k, p, oc, 1.0f, w, k, g, p, 0.0f, s.col, p);
            float* dx = dx_.data() + i * in_sample_.numel();
            if (geo_.padding == 0) {
                col2im(geo_, s.col, dx);
            } else {
                col2im(geo_, s.col, s.dxp);
                crop_sample(geo_, s.dxp, dx);
            }
        }
    });
    float* gw = params_.grad(weight_id_);
    float* gb = opt_.bias ? params_.grad(bias_id_) : nullptr;
    for (std::size_t chunk = 0; chunk < chunks_; ++chunk) {
        const float* part = scratch(chunk).grad;
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
