// Flatten: [N,C,H,W] -> [N,C*H*W] in row-major (PyTorch) order, so fc1.weight matches torch's.
#pragma once
#include <string>

#include "core/layer.hpp"
#include "core/tensor.hpp"

namespace trainctl {

// Copies rather than aliases: a Tensor owns its buffer, and the copy is well under 1% of a step.
class Flatten : public Layer {
public:
    Flatten(std::string name, const Shape& in_sample) : Layer(std::move(name), in_sample) {}

    const char* kind() const override { return "flatten"; }
    Shape out_sample() const override { return {in_sample_.numel()}; }
    void reserve(std::size_t batch) override;
    const Tensor& forward(const Tensor& x) override;
    const Tensor& infer_output(const Tensor& x) override;
    void infer_rows(const Tensor& x, Range rows, std::size_t worker) override;
    const Tensor& backward(const Tensor& dy) override;
    void describe(nlohmann::json& out) const override;

private:
    std::size_t threads_ = 1;  // engine threads at reserve()
    Tensor y_;
    Tensor dx_;
};

}  // namespace trainctl
