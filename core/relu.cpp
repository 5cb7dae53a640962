// ReLU forward/backward as flat loops the compiler vectorises, split by samples across the
// engine threads when big enough to pay for the hand-off.
#include "core/relu.hpp"

#include <cassert>

#include "core/parallel.hpp"

namespace trainctl {

void ReLU::reserve(std::size_t batch) {
    threads_ = reserve_threads();
    if (!rectified_) y_.reserve(batch * in_sample_.numel());
    dx_.reserve(batch * in_sample_.numel());
}

const Tensor& ReLU::forward(const Tensor& x) {
    const Tensor& y = infer_output(x);
    const std::size_t n = x.shape()[0];
    if (&y != &x)
        parallel_ranges(n, chunks_for(x.size(), batch_chunks(n, threads_)), [&](Range r) { infer_rows(x, r, 0); });
    return y;
}

const Tensor& ReLU::infer_output(const Tensor& x) {
    if (rectified_) return x;  // any shape: in infer() a fused pool may have shrunk it already
    assert(x.shape() == batched(x.shape()[0], in_sample_));
    y_.set_shape(x.shape());
    return y_;
}

void ReLU::infer_rows(const Tensor& x, Range rows, std::size_t /*worker*/) {
    if (rectified_) return;
    const std::size_t per = in_sample_.numel();
    const float* src = x.data();
    float* dst = y_.data();
    // x < 0 ? 0 : x lets NaN through, as PyTorch does.
    for (std::size_t i = rows.begin * per; i < rows.end * per; ++i) dst[i] = src[i] < 0.0f ? 0.0f : src[i];
}

const Tensor& ReLU::backward(const Tensor& dy) {
    if (rectified_) return dy;
    assert(dy.shape() == y_.shape());
    const std::size_t n = input_grad_ ? dy.shape()[0] : 0, per = in_sample_.numel();
    dx_.set_shape(batched(n, in_sample_));
    parallel_ranges(n, chunks_for(dx_.size(), batch_chunks(n, threads_)), [&](Range r) {
        const float* y = y_.data();
        const float* g = dy.data();
        float* dst = dx_.data();
        // g read whatever the mask: `y > 0 ? g[i] : 0` made GCC guard the read with vmaskmovps.
        for (std::size_t i = r.begin * per; i < r.end * per; ++i) {
            const float gi = g[i];
            dst[i] = y[i] > 0.0f ? gi : 0.0f;
        }
    });
    return dx_;
}

}  // namespace trainctl
