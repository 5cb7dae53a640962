// MaxPool2d: max over square windows, no padding; remembers where each max came from.
//   x [N,C,H,W] -> y [N,C,OH,OW], OH = (H - kernel)/stride + 1
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/layer.hpp"
#include "core/tensor.hpp"

namespace trainctl {

class MaxPool2d : public Layer {
public:
    // in_sample is [C,H,W]; throws a usage error when the window does not fit it.
    MaxPool2d(std::string name, const Shape& in_sample, std::size_t kernel, std::size_t stride);

    const char* kind() const override { return "maxpool2d"; }
    Shape out_sample() const override { return {in_sample_[0], out_height_, out_width_}; }
    void reserve(std::size_t batch) override;
    const Tensor& forward(const Tensor& x) override;
    // The same maxima without recording where they are (a quarter of forward's writes as indices).
    const Tensor& infer(const Tensor& x) override;
    const Tensor& infer_output(const Tensor& x) override;
    void infer_rows(const Tensor& x, Range rows, std::size_t worker) override;
    // Routes each output grad to its window's first maximum (PyTorch's tie rule).
    const Tensor& backward(const Tensor& dy) override;
    void describe(nlohmann::json& out) const override;
    // Set by Sequential::finalize() when the conv before pools in its infer()
    // (Conv2d::fuse_pool2x2_in_infer): infer() returns its input, already pooled.
    bool pools_2x2() const { return kernel_ == 2 && stride_ == 2; }
    void set_input_pooled_in_infer() { input_pooled_in_infer_ = true; }

private:
    // Pools one [H,W] plane into y [OH,OW], arg holding each max's index in the plane.
    // forward() and infer(): the batch's planes over the threads, with or without the argmax.
    const Tensor& pool(const Tensor& x, bool record_argmax);
    void pool_rows(const Tensor& x, Range rows, bool record_argmax);
    void pool_plane(const float* src, float* y, std::uint32_t* arg) const;
    void max_plane(const float* src, float* y) const;  // pool_plane without arg

    std::size_t kernel_, stride_;
    std::size_t out_height_ = 0, out_width_ = 0;
    std::size_t threads_ = 1;  // engine threads at reserve()
    Tensor y_;
    Tensor dx_;
    std::vector<std::uint32_t> argmax_;  // per output: index of its max within the input plane
    bool argmax_valid_ = false;          // forward() ran last, not infer()
    bool input_pooled_in_infer_ = false;  // set_input_pooled_in_infer()
};

}  // namespace trainctl
