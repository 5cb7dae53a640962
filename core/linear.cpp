// Linear forward/backward: one product per engine thread (core/linear_kernels: AVX-512, else OpenBLAS).
#include "core/linear.hpp"

#include <cassert>

#include "core/error.hpp"
#include "core/linear_kernels.hpp"
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
    const std::size_t weights = out_features_ * in_features_;
    grads_by_batch_ = chunks_ > 1 && weights < batch * (in_features_ + out_features_);
    partials_.assign(grads_by_batch_ ? chunks_ * partial_stride() : 0, 0.0f);
    y_.reserve(batch * out_features_);
    dx_.reserve(batch * in_features_);
}

const Tensor& Linear::forward(const Tensor& x) {
    x_ = &x;
    infer_output(x);
    const std::size_t n = x.shape()[0], out = out_features_;
    const bool by_columns = split_columns(out);
    parallel_for(chunks_, [&](std::size_t chunk) {
        forward_block(x, by_columns ? Range{0, n} : chunk_range(n, chunks_, chunk),
                      by_columns ? chunk_range(out, chunks_, chunk) : Range{0, out});
    });
    return y_;
}

const Tensor& Linear::infer_output(const Tensor& x) {
    assert(x.shape() == batched(x.shape()[0], in_sample_));
    y_.set_shape({x.shape()[0], out_features_});
    return y_;
}

void Linear::infer_rows(const Tensor& x, Range rows, std::size_t /*worker*/) {
    forward_block(x, rows, {0, out_features_});
}

void Linear::forward_block(const Tensor& x, Range rows, Range cols) {
    // y[rows, cols] = x[rows, :] W[cols, :]^T (+ b[cols]).
    if (rows.begin == rows.end || cols.begin == cols.end) return;
    const std::size_t in = in_features_, out = out_features_;
    const float* b = bias_ ? params_.value(bias_id_) : nullptr;
    float* y = y_.data() + rows.begin * out + cols.begin;
    product_nt(rows.end - rows.begin, cols.end - cols.begin, in, x.data() + rows.begin * in, in,
               params_.value(weight_id_) + cols.begin * in, in, 0.0f, y, out);
    for (std::size_t i = 0; b && i < rows.end - rows.begin; ++i)
        for (std::size_t o = cols.begin; o < cols.end; ++o) y[i * out + o - cols.begin] += b[o];
}

const Tensor& Linear::backward(const Tensor& dy) {
    assert(x_ && dy.shape() == y_.shape());
    dx_.set_shape({input_grad_ ? dy.shape()[0] : 0, in_features_});
    if (grads_by_batch_) backward_by_batch(dy);
    else backward_by_outputs(dy);
    return dx_;
}

void Linear::backward_by_batch(const Tensor& dy) {
    const std::size_t n = dy.shape()[0], in = in_features_, out = out_features_, part = partial_stride();
    const float* w = params_.value(weight_id_);
    parallel_for(chunks_, [&](std::size_t chunk) {
        // This chunk's rows only: its partial dW = dy[rows, :]^T x[rows, :], db, and dx[rows, :].
        const Range rows = chunk_range(n, chunks_, chunk);
        float* gw = partials_.data() + chunk * part;
        float* gb = gw + out * in;
        const std::size_t m = rows.end - rows.begin;
        if (m == 0) {
            std::fill(gw, gw + out * in + out, 0.0f);
            return;
        }
        product_nn(/*trans_a=*/true, out, in, m, dy.data() + rows.begin * out, out, x_->data() + rows.begin * in, in,
                   0.0f, gw, in);
        std::fill(gb, gb + out, 0.0f);
        for (std::size_t i = rows.begin; bias_ && i < rows.end; ++i)
            for (std::size_t o = 0; o < out; ++o) gb[o] += dy[i * out + o];
        if (input_grad_)
            product_nn(/*trans_a=*/false, m, in, out, dy.data() + rows.begin * out, out, w, in, 0.0f,
                       dx_.data() + rows.begin * in, in);
    });
    // The partials added in chunk order (the same bits on every run at this thread count), each
    // thread the output rows the optimizer then updates on it (ParamSet::for_rows).
    float* gw = params_.grad(weight_id_);
    float* gb = bias_ ? params_.grad(bias_id_) : nullptr;
    parallel_for(chunks_, [&](std::size_t chunk) {
        const Range outs = chunk_range(out, chunks_, chunk);
        for (std::size_t c = 0; c < chunks_; ++c) {
            const float* pw = partials_.data() + c * part;
            for (std::size_t j = outs.begin * in; j < outs.end * in; ++j) gw[j] += pw[j];
            for (std::size_t o = outs.begin; gb && o < outs.end; ++o) gb[o] += pw[out * in + o];
        }
    });
}

void Linear::backward_by_outputs(const Tensor& dy) {
    const std::size_t n = dy.shape()[0], in = in_features_, out = out_features_;
    const float* w = params_.value(weight_id_);
    float* gw = params_.grad(weight_id_);
    float* gb = bias_ ? params_.grad(bias_id_) : nullptr;
    const bool dx_by_columns = split_columns(in);
    parallel_for(chunks_, [&](std::size_t chunk) {
        // dW[o0:o1, :] += dy[:, o0:o1]^T x, summed over the batch inside the product.
        const Range outs = chunk_range(out, chunks_, chunk);
        if (outs.begin != outs.end)
            product_nn(/*trans_a=*/true, outs.end - outs.begin, in, n, dy.data() + outs.begin, out, x_->data(), in,
                       1.0f, gw + outs.begin * in, in);
        for (std::size_t i = 0; gb && i < n; ++i)
            for (std::size_t o = outs.begin; o < outs.end; ++o) gb[o] += dy[i * out + o];
        if (!input_grad_) return;
        // dx[rows, cols] = dy[rows, :] W[:, cols].
        const Range rows = dx_by_columns ? Range{0, n} : chunk_range(n, chunks_, chunk);
        const Range cols = dx_by_columns ? chunk_range(in, chunks_, chunk) : Range{0, in};
        if (rows.begin != rows.end && cols.begin != cols.end)
            product_nn(/*trans_a=*/false, rows.end - rows.begin, cols.end - cols.begin, out,
                       dy.data() + rows.begin * out, out, w + cols.begin, in, 0.0f, dx_.data() + rows.begin * in + cols.begin,
                       in);
    });
}

void Linear::init_params(ParamSet& params, Rng& rng, const InitSpec& init) {
    init_weight_bias(init, /*fan_in=*/in_features_, params.value(weight_id_), out_features_ * in_features_,
                     bias_ ? params.value(bias_id_) : nullptr, out_features_, rng);
}

}  // namespace trainctl
