// MaxPool2d forward/backward, plane by plane, samples split across the engine threads.
#include "core/maxpool2d.hpp"

#include <algorithm>
#include <cassert>

#include "core/error.hpp"
#include "core/parallel.hpp"

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
    chunks_ = reserve_threads();
    y_.reserve(batch * out_sample().numel());
    dx_.reserve(batch * in_sample_.numel());
    argmax_.assign(batch * out_sample().numel(), 0);
}

void MaxPool2d::pool_plane(const float* src, float* y, std::uint32_t* arg) const {
    const std::size_t w = in_sample_[2], s = stride_;
    if (kernel_ == 2 && stride_ == 2) {
        // LeNet's pools: the generic loop's data-dependent branches mispredicted about every other
        // window (18% of LeNet5's forward); selects keep the same strict first-max-wins order.
        for (std::size_t oh = 0; oh < out_height_; ++oh) {
            const float* r0 = src + 2 * oh * w;
            const float* r1 = r0 + w;
            const auto base = static_cast<std::uint32_t>(2 * oh * w);
            for (std::size_t ow = 0; ow < out_width_; ++ow) {
                const auto at = static_cast<std::uint32_t>(base + 2 * ow);
                float best = r0[2 * ow];
                std::uint32_t best_at = at;
                const float b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
                best_at = b > best ? at + 1 : best_at;
                best = b > best ? b : best;
                best_at = c > best ? at + static_cast<std::uint32_t>(w) : best_at;
                best = c > best ? c : best;
                best_at = d > best ? at + static_cast<std::uint32_t>(w) + 1 : best_at;
                best = d > best ? d : best;
                *y++ = best;
                *arg++ = best_at;
            }
        }
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
    // pool_plane's selects on the values alone, in its order: the same maxima, bit for bit.
    for (std::size_t oh = 0; oh < out_height_; ++oh) {
        const float* r0 = src + 2 * oh * w;
        const float* r1 = r0 + w;
        for (std::size_t ow = 0; ow < out_width_; ++ow) {
            float best = r0[2 * ow];
            const float b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
            best = b > best ? b : best;
            best = c > best ? c : best;
            *y++ = d > best ? d : best;
        }
    }
}

const Tensor& MaxPool2d::infer(const Tensor& x) {
    const std::size_t n = x.shape()[0];
    assert(x.shape() == batched(n, in_sample_));
    argmax_valid_ = false;
    y_.set_shape(batched(n, out_sample()));
    const std::size_t c = in_sample_[0], plane = in_sample_[1] * in_sample_[2], out_plane = out_height_ * out_width_;
    parallel_ranges(n, chunks_for(x.size(), chunks_), [&](Range r) {
        for (std::size_t pl = r.begin * c; pl < r.end * c; ++pl) max_plane(x.data() + pl * plane, y_.data() + pl * out_plane);
    });
    return y_;
}

const Tensor& MaxPool2d::forward(const Tensor& x) {
    const std::size_t n = x.shape()[0];
    assert(x.shape() == batched(n, in_sample_));
    argmax_valid_ = true;
    y_.set_shape(batched(n, out_sample()));
    const std::size_t c = in_sample_[0], plane = in_sample_[1] * in_sample_[2], out_plane = out_height_ * out_width_;
    parallel_ranges(n, chunks_for(x.size(), chunks_), [&](Range r) {
        for (std::size_t pl = r.begin * c; pl < r.end * c; ++pl)
            pool_plane(x.data() + pl * plane, y_.data() + pl * out_plane, argmax_.data() + pl * out_plane);
    });
    return y_;
}

const Tensor& MaxPool2d::backward(const Tensor& dy) {
    assert(argmax_valid_ && dy.shape() == y_.shape());
    const std::size_t n = input_grad_ ? dy.shape()[0] : 0;
    dx_.set_shape(batched(n, in_sample_));
    const std::size_t c = in_sample_[0], plane = in_sample_[1] * in_sample_[2], out_plane = out_height_ * out_width_;
    parallel_ranges(n, chunks_for(dx_.size(), chunks_), [&](Range r) {
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
