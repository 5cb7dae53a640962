// MaxPool2d forward/backward, plane by plane, samples split across the engine threads.
#include "core/maxpool2d.hpp"

#include <algorithm>
#include <cassert>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/pool2x2.hpp"

namespace trainctl {

MaxPool2d::MaxPool2d(std::string name, const Shape& in_sample, std::size_t kernel, std::size_t stride)
    : Layer(std::move(name), in_sample), kernel_(kernel), stride_(stride) {
    if (in_sample.rank() != 3) throw usage_error(name_ + ": maxpool2d needs a [C,H,W] input, got " + in_sample.str());
    if (kernel == 0 || stride == 0) throw usage_error(name_ + ": kernel and stride must be > 0");
    if (in_sample[1] < kernel || in_sample[2] < kernel)
        throw usage_error(name_ + ": input " + in_sample.str() + " is smaller than kernel " + std::to_string(kernel));
    out_height_ = (in_sample[1] - kernel) / stride + 1;
    out_width_ = (in_sample[2] - kernel) / stride + 1;
}

void MaxPool2d::reserve(std::size_t batch) {
    threads_ = reserve_threads();
    y_.reserve(batch * out_sample().numel());
    dx_.reserve(batch * in_sample_.numel());
    argmax_.assign(batch * out_sample().numel(), 0);
}

void MaxPool2d::pool_plane(const float* src, float* y, std::uint32_t* arg) const {
    const std::size_t w = in_sample_[2], s = stride_;
    if (kernel_ == 2 && stride_ == 2) {  // LeNet's pools: core/pool2x2
        pool2x2_forward({w, out_height_, out_width_}, src, y, arg);
        return;
    }
    for (std::size_t oh = 0; oh < out_height_; ++oh)
        for (std::size_t ow = 0; ow < out_width_; ++ow) {
            std::size_t best = oh * s * w + ow * s;
            float best_v = src[best];
            for (std::size_t i = 0; i < kernel_; ++i)
                for (std::size_t j = 0; j < kernel_; ++j) {
                    const std::size_t at = (oh * s + i) * w + ow * s + j;
                    if (src[at] > best_v) {  // strict: the first max wins
                        best_v = src[at];
                        best = at;
                    }
                }
            *y++ = best_v;
            *arg++ = static_cast<std::uint32_t>(best);
        }
}

void MaxPool2d::max_plane(const float* src, float* y) const {
    const std::size_t w = in_sample_[2];
    if (kernel_ != 2 || stride_ != 2) {  // not LeNet's: the general loop, its indices dropped
        for (std::size_t oh = 0; oh < out_height_; ++oh)
            for (std::size_t ow = 0; ow < out_width_; ++ow) {
                const float* win = src + oh * stride_ * w + ow * stride_;
                float best = win[0];
                for (std::size_t i = 0; i < kernel_; ++i)
                    for (std::size_t j = 0; j < kernel_; ++j) best = win[i * w + j] > best ? win[i * w + j] : best;
                *y++ = best;
            }
        return;
    }
    pool2x2_forward({w, out_height_, out_width_}, src, y, nullptr);  // pool_plane's maxima, bit for bit
}

const Tensor& MaxPool2d::infer(const Tensor& x) {
    if (!input_pooled_in_infer_) return pool(x, false);
    return infer_output(x);
}

const Tensor& MaxPool2d::infer_output(const Tensor& x) {
    argmax_valid_ = false;
    if (input_pooled_in_infer_) {
        assert(x.shape() == batched(x.shape()[0], out_sample()));
        return x;
    }
    assert(x.shape() == batched(x.shape()[0], in_sample_));
    y_.set_shape(batched(x.shape()[0], out_sample()));
    return y_;
}

void MaxPool2d::infer_rows(const Tensor& x, Range rows, std::size_t /*worker*/) {
    if (!input_pooled_in_infer_) pool_rows(x, rows, false);
}

const Tensor& MaxPool2d::forward(const Tensor& x) { return pool(x, true); }

const Tensor& MaxPool2d::pool(const Tensor& x, bool record_argmax) {
    const std::size_t n = x.shape()[0];
    assert(x.shape() == batched(n, in_sample_));
    argmax_valid_ = record_argmax;
    y_.set_shape(batched(n, out_sample()));
    parallel_ranges(n, chunks_for(x.size(), batch_chunks(n, threads_)),
                    [&](Range r) { pool_rows(x, r, record_argmax); });
    return y_;
}

void MaxPool2d::pool_rows(const Tensor& x, Range rows, bool record_argmax) {
    const std::size_t c = in_sample_[0], plane = in_sample_[1] * in_sample_[2], out_plane = out_height_ * out_width_;
    for (std::size_t pl = rows.begin * c; pl < rows.end * c; ++pl) {
        if (record_argmax)
            pool_plane(x.data() + pl * plane, y_.data() + pl * out_plane, argmax_.data() + pl * out_plane);
        else
            max_plane(x.data() + pl * plane, y_.data() + pl * out_plane);
    }
}

const Tensor& MaxPool2d::backward(const Tensor& dy) {
    assert(argmax_valid_ && dy.shape() == y_.shape());
    const std::size_t n = input_grad_ ? dy.shape()[0] : 0;
    dx_.set_shape(batched(n, in_sample_));
    const std::size_t c = in_sample_[0], plane = in_sample_[1] * in_sample_[2], out_plane = out_height_ * out_width_;
    // Windows that tile the plane (LeNet's): each input float written once, by core/pool2x2.
    const bool tiled = kernel_ == 2 && stride_ == 2 && 2 * out_height_ == in_sample_[1] && 2 * out_width_ == in_sample_[2];
    parallel_ranges(n, chunks_for(dx_.size(), batch_chunks(n, threads_)), [&](Range r) {
        if (tiled) {
            for (std::size_t pl = r.begin * c; pl < r.end * c; ++pl)
                pool2x2_backward({in_sample_[2], out_height_, out_width_}, dy.data() + pl * out_plane,
                                 argmax_.data() + pl * out_plane, dx_.data() + pl * plane);
            return;
        }
        std::fill(dx_.data() + r.begin * c * plane, dx_.data() + r.end * c * plane, 0.0f);
        // += because overlapping windows (stride < kernel) can pick the same input twice.
        for (std::size_t pl = r.begin * c; pl < r.end * c; ++pl) {
            float* dst = dx_.data() + pl * plane;
            const float* g = dy.data() + pl * out_plane;
            const std::uint32_t* arg = argmax_.data() + pl * out_plane;
            for (std::size_t o = 0; o < out_plane; ++o) dst[arg[o]] += g[o];
        }
    });
    return dx_;
}

}  // namespace trainctl
