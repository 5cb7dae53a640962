// Conv2d: 2-D convolution by im2col + gemm, one image at a time (the unfolded image stays in cache).
//   x [N,C,H,W] -> y [N,out,OH,OW], OH = (H + 2*padding - kernel)/stride + 1
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/im2col.hpp"
#include "core/layer.hpp"
#include "core/tensor.hpp"

namespace trainctl {

struct Conv2dOptions {
    std::size_t out_channels;
    std::size_t kernel;  // square kernel side
    std::size_t stride = 1;
    std::size_t padding = 0;  // zeros on every side
    bool bias = true;
};

// Parameters: "<name>.weight" [out,in,kh,kw] and, with bias, "<name>.bias" [out] (PyTorch layout).
class Conv2d : public Layer {
public:
    // in_sample is [C,H,W]; throws a usage error when the kernel does not fit it.
    Conv2d(ParamSet& params, std::string name, const Shape& in_sample, const Conv2dOptions& opt);

    const char* kind() const override { return "conv2d"; }
    Shape out_sample() const override { return {opt_.out_channels, geo_.out_height, geo_.out_width}; }
    void reserve(std::size_t batch) override;
    const Tensor& forward(const Tensor& x) override;
    const Tensor& backward(const Tensor& dy) override;
    void init_params(ParamSet& params, Rng& rng, const InitSpec& init) override;
    void describe(nlohmann::json& out) const override;

private:
    ParamSet& params_;
    Conv2dOptions opt_;
    ConvGeometry geo_;
    std::size_t weight_id_;
    std::size_t bias_id_ = 0;  // valid when opt_.bias
    // Images are split into chunks_ (the engine thread count at reserve()) fixed ranges; each
    // chunk sums its images' grads into its own partial, so the sum order never varies.
    std::size_t chunks_ = 1;
    const Tensor* x_ = nullptr;
    Tensor y_;
    Tensor dx_;
    // Per chunk: weight+bias grad partial, padded image, padded image grad, col (dcol in
    // backward), then kIm2colSlack floats for im2col's spill.
    struct Scratch {
        float* grad;
        float* xp;
        float* dxp;
        float* col;
    };
    Scratch scratch(std::size_t chunk);
    std::size_t grad_part_size() const { return (geo_.col_rows() + 1) * opt_.out_channels; }
    std::size_t scratch_stride() const;
    std::vector<float> scratch_;
};

}  // namespace trainctl
