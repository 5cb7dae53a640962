// Flatten: a copy each way with the shape changed, split by samples across the engine threads.
#include "core/flatten.hpp"

#include <algorithm>
#include <cassert>

#include "core/parallel.hpp"

namespace trainctl {

void Flatten::reserve(std::size_t batch) {
    threads_ = reserve_threads();
    y_.reserve(batch * in_sample_.numel());
    dx_.reserve(batch * in_sample_.numel());
}

const Tensor& Flatten::forward(const Tensor& x) {
    const Tensor& y = infer_output(x);
    const std::size_t n = x.shape()[0];
    parallel_ranges(n, chunks_for(x.size(), batch_chunks(n, threads_)), [&](Range r) { infer_rows(x, r, 0); });
    return y;
}

const Tensor& Flatten::infer_output(const Tensor& x) {
    const std::size_t n = x.shape()[0];
    assert(x.shape() == batched(n, in_sample_));
    y_.set_shape(batched(n, out_sample()));
    return y_;
}

void Flatten::infer_rows(const Tensor& x, Range rows, std::size_t /*worker*/) {
    const std::size_t per = in_sample_.numel();
    std::copy(x.data() + rows.begin * per, x.data() + rows.end * per, y_.data() + rows.begin * per);
}

const Tensor& Flatten::backward(const Tensor& dy) {
    assert(dy.shape() == y_.shape());
    const std::size_t n = input_grad_ ? dy.shape()[0] : 0, per = in_sample_.numel();
    dx_.set_shape(batched(n, in_sample_));
    parallel_ranges(n, chunks_for(dx_.size(), batch_chunks(n, threads_)), [&](Range r) {
        std::copy(dy.data() + r.begin * per, dy.data() + r.end * per, dx_.data() + r.begin * per);
    });
    return dx_;
}

}  // namespace trainctl
