// Linear: y = x W^T + b, x [N,in] -> y [N,out]; W is [out,in] as in PyTorch.
#pragma once
#include <cstddef>
#include <string>

#include "core/layer.hpp"
#include "core/tensor.hpp"

namespace trainctl {

// Parameters: "<name>.weight" [out,in] and, with bias, "<name>.bias" [out].
class Linear : public Layer {
public:
    // in_sample is [in] (rank 1: put a Flatten before it).
    Linear(ParamSet& params, std::string name, const Shape& in_sample, std::size_t out_features, bool bias = true);

    const char* kind() const override { return "linear"; }
    Shape out_sample() const override { return {out_features_}; }
    void reserve(std::size_t batch) override;
    const Tensor& forward(const Tensor& x) override;
    const Tensor& backward(const Tensor& dy) override;
    void init_params(ParamSet& params, Rng& rng, const InitSpec& init) override;
    void describe(nlohmann::json& out) const override;

private:
    ParamSet& params_;
    std::size_t in_features_;
    std::size_t out_features_;
    bool bias_;
    std::size_t weight_id_;
    std::size_t bias_id_ = 0;  // valid when bias_
    // Work is split across chunks_ (the engine thread count at reserve()), so no chunk sums into
    // another's memory: the weight grad by output rows; forward and dx by the columns of their
    // result when each chunk gets kMinColumns or more of them, else by batch rows. A column split
    // has each thread read half the weights instead of all (the MLP's step 8% faster); either
    // way an output float is one sum in the same order, so the split never changes results.
    static constexpr std::size_t kMinColumns = 64;
    bool split_columns(std::size_t cols) const { return chunks_ > 1 && cols / chunks_ >= kMinColumns; }
    std::size_t chunks_ = 1;
    const Tensor* x_ = nullptr;
    Tensor y_;
    Tensor dx_;
};

}  // namespace trainctl
