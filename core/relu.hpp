// ReLU: y = max(x, 0) elementwise, any per-sample shape.
#pragma once
#include <string>

#include "core/layer.hpp"
#include "core/tensor.hpp"

namespace trainctl {

class ReLU : public Layer {
public:
    ReLU(std::string name, const Shape& in_sample) : Layer(std::move(name), in_sample) {}

    const char* kind() const override { return "relu"; }
    Shape out_sample() const override { return in_sample_; }
    void reserve(std::size_t batch) override;
    const Tensor& forward(const Tensor& x) override;
    const Tensor& infer_output(const Tensor& x) override;
    void infer_rows(const Tensor& x, Range rows, std::size_t worker) override;
    // dx = dy where y > 0; reads only its own output, so x may be gone by then.
    const Tensor& backward(const Tensor& dy) override;
    void describe(nlohmann::json& out) const override;
    // Set by Sequential::finalize() (before reserve) when the layer before is a conv that applies
    // this ReLU itself (Conv2d::fuse_relu): forward returns x and backward dy, unchanged.
    void set_input_rectified() { rectified_ = true; }

private:
    bool rectified_ = false;
    std::size_t threads_ = 1;  // engine threads at reserve()
    Tensor y_;
    Tensor dx_;
};

}  // namespace trainctl
