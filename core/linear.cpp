// Linear forward/backward: one gemm per product and engine thread.
#include "core/linear.hpp"

#include <cassert>

#include "core/error.hpp"
#include "core/gemm.hpp"
#include "core/init.hpp"
#include "core/parallel.hpp"
#include "core/params.hpp"
#include "core/rng.hpp"

namespace trainctl {

namespace {
std::size_t features(const std::string& name, const Shape& in) {
    if (in.rank() != 1) throw usage_error(name + ": linear needs a flat [F] input, got " + in.str());
    return in[0];
}
}  // namespace

Linear::Linear(ParamSet& params, std::string name, const Shape& in_sample, std::size_t out_features, bool bias)
    : Layer(std::move(name), in_sample),
      params_(params),
      in_features_(features(name_, in_sample)),
      out_features_(out_features),
      bias_(bias) {
    if (out_features == 0) throw usage_error(name_ + ": out_features must be > 0");
    weight_id_ = params.declare(name_ + ".weight", {out_features, in_features_});
    if (bias) bias_id_ = params.declare(name_ + ".bias", {out_features});
}

void Linear::reserve(std::size_t batch) {
    chunks_ = reserve_threads();
    y_.reserve(batch * out_features_);
    dx_.reserve(batch * in_features_);
}

const Tensor& Linear::forward(const Tensor& x) {
    const std::size_t n = x.shape()[0], in = in_features_, out = out_features_;
    assert(x.shape() == batched(n, in_sample_));
    x_ = &x;
    y_.set_shape({n, out});
    const float* w = params_.value(weight_id_);
    const float* b = bias_ ? params_.value(bias_id_) : nullptr;
    parallel_for(chunks_, [&](std::size_t chunk) {
        const Range rows = chunk_range(n, chunks_, chunk);
        if (rows.begin == rows.end) return;
        float* y = y_.data() + rows.begin * out;
        gemm(false, true, rows.end - rows.begin, out, in, 1.0f, x.data() + rows.begin * in, in, w, in, 0.0f, y, out);
        for (std::size_t i = 0; b && i < rows.end - rows.begin; ++i)
            for (std::size_t o = 0; o < out; ++o) y[i * out + o] += b[o];
    });
    return y_;
}

const Tensor& Linear::backward(const Tensor& dy) {
    const std::size_t n = dy.shape()[0], in = in_features_, out = out_features_;
    assert(x_ && dy.shape() == y_.shape());
    dx_.set_shape({input_grad_ ? n : 0, in});
    const float* w = params_.value(weight_id_);
    float* gw = params_.grad(weight_id_);
    float* gb = bias_ ? params_.grad(bias_id_) : nullptr;
    parallel_for(chunks_, [&](std::size_t chunk) {
        // dW[o0:o1, :] += dy[:, o0:o1]^T x, summed over the batch inside the gemm.
        const Range outs = chunk_range(out, chunks_, chunk);
        if (outs.begin != outs.end)
            gemm(true, false, outs.end - outs.begin, in, n, 1.0f, dy.data() + outs.begin, out, x_->data(), in, 1.0f,
                 gw + outs.begin * in, in);
        for (std::size_t i = 0; gb && i < n; ++i)
            for (std::size_t o = outs.begin; o < outs.end; ++o) gb[o] += dy[i * out + o];
        const Range rows = chunk_range(n, chunks_, chunk);
        if (input_grad_ && rows.begin != rows.end)
            gemm(false, false, rows.end - rows.begin, in, out, 1.0f, dy.data() + rows.begin * out, out, w, in, 0.0f,
                 dx_.data() + rows.begin * in, in);
    });
    return dx_;
}

void Linear::init_params(ParamSet& params, Rng& rng, const InitSpec& init) {
    init_weight_bias(init, /*fan_in=*/in_features_, params.value(weight_id_), out_features_ * in_features_,
                     bias_ ? params.value(bias_id_) : nullptr, out_features_, rng);
}

}  // namespace trainctl
