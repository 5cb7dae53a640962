// Conv2d: 2-D convolution by one of three kernels, chosen per layer from its shape:
//  - ocvec: stride 1, out channels a multiple of 8 (LeNet's conv2, 6->16 channels, 10 wide):
//    direct, vectorised over the out channels (core/conv_ocvec.hpp), no im2col; its backward
//    takes the weight grad the same way, and the input grad along input rows where they fit a
//    vector (core/conv_input_grad.hpp; LeNet's conv2: 14 wide), else by gemm + col2im.
//  - direct: stride 1 and output rows at least 16 wide (LeNet's conv1, 1->6 channels, 28 wide):
//    loops over the kernel taps whose inner loop runs along output rows (core/conv_direct.hpp).
//  - gemm: im2col of a group of images side by side, then one gemm per group, so the gemm's long
//    side is group*OH*OW rather than one image's OH*OW (LeNet's conv2: 16x150 times 150x800).
//   x [N,C,H,W] -> y [N,out,OH,OW], OH = (H + 2*padding - kernel)/stride + 1
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/aligned_allocator.hpp"
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
    // forward(), or with fuse_pool2x2_in_infer() the pooled output [N,out,OH/2,OW/2].
    const Tensor& infer(const Tensor& x) override;
    const Tensor& infer_output(const Tensor& x) override;
    void infer_rows(const Tensor& x, Range images, std::size_t worker) override;
    const Tensor& backward(const Tensor& dy) override;
    void init_params(ParamSet& params, Rng& rng, const InitSpec& init) override;
    void describe(nlohmann::json& out) const override;
    // Sequential::finalize() when a ReLU follows: the output is written as max(y, 0) while still
    // in cache, and that ReLU passes it through both ways (ReLU::set_input_rectified); backward
    // then masks dy by y > 0 as it reads it. Two passes over the activations less.
    void fuse_relu() { relu_ = true; }
    // Sequential::finalize() when a 2x2/2 MaxPool2d follows (after the fused ReLU, if any): infer()
    // pools each image's output while it is in L1 (core/pool2x2, the same maxima bit for bit) and
    // returns the pool's output, which that MaxPool2d's infer() then passes through. The batch's
    // full-size output never goes to memory: LeNet's conv1 writes and the pool re-reads 18 KB
    // an image otherwise. Training's forward() is unchanged. False (nothing fused) for the gemm
    // kernel, which works on groups of images. Before reserve().
    bool fuse_pool2x2_in_infer() {
        pool_in_infer_ = kernel_ != Kernel::gemm;
        return pool_in_infer_;
    }
    // Which kernel the shape chose (the order above): tests and benchmarks name it.
    enum class Kernel { ocvec, direct, gemm };
    Kernel kernel() const { return kernel_; }
    // ocvec's input grad goes along rows (core/conv_input_grad.hpp), not by gemm + col2im.
    bool input_grad_by_rows() const { return dx_by_rows_; }

private:
    ParamSet& params_;
    Conv2dOptions opt_;
    ConvGeometry geo_;
    std::size_t weight_id_;
    std::size_t bias_id_ = 0;  // valid when opt_.bias
    Kernel kernel_;
    bool relu_ = false;  // fuse_relu()
    bool pool_in_infer_ = false;  // fuse_pool2x2_in_infer()
    bool dx_by_rows_ = false;  // ocvec's input grad by core/conv_input_grad.hpp, not gemm + col2im
    // Images per im2col/gemm group (1 for the direct kernel; ocvec's backward groups for dx).
    std::size_t group_;
    // Images are split into batch_chunks() fixed ranges; each chunk sums its images' grads into
    // its own partial (grad_parts_), added in chunk order, so the sum order never varies.
    std::size_t threads_ = 1;  // engine threads at reserve(): one scratch each
    const Tensor* x_ = nullptr;
    Tensor y_;
    Tensor dx_;
    // Per engine thread: the group's padded images, one padded image grad,
    // col (gemm kernel; dcol in backward), the group's output [out, group*OH*OW] (dy gathered
    // the same way in backward; the direct kernel's masked dy, rows padded to whole vectors),
    // kIm2colSlack floats after each of xp and col for im2col's spill (and the direct backward's
    // reads past the image); ocvec's position-major tile [OH*OW][out] (y before its transpose,
    // dy after). `grad`: the running chunk's weight+bias grad partial (grad_parts_); ocvec's is
    // position-major too: [(c,i,j)][out], then the bias.
    // With the pool fused in infer(), `full`: one image's output [out,OH,OW] before pooling.
    // With dx_by_rows_, `dyp`: one image's dy with zero borders (rowvec_pad_dy()).
    struct Scratch {
        float* grad;
        float* xp;
        float* dxp;
        float* col;
        float* out;
        float* tile;
        float* full;
        float* dyp;
    };
    // What every image's forward shares, once a batch: ocvec's packed weights.
    void prepare_weights();
    // forward() of `images` into y_, with engine thread `worker`'s scratch.
    void forward_images(const Tensor& x, Range images, std::size_t worker);
    void forward_ocvec(const float* x, float* y, const Scratch& s) const;
    // One image by the shape's kernel into `y` (ocvec and direct only; gemm groups images).
    void forward_image(const float* x, float* y, const Scratch& s) const;
    void backward_ocvec(const float* x, const float* y, const float* dy, std::size_t images, float* dx,
                        const Scratch& s) const;
    // dy (masked by the fused ReLU) of `images` images gathered into s.out [out, images*OH*OW].
    void gather_dy(const float* y, const float* dy, std::size_t images, const Scratch& s) const;
    // dx of `images` images from s.out: dcol = W^T dy in s.col, then col2im.
    void input_grad_gemm(std::size_t images, float* dx, const Scratch& s) const;
    void forward_direct(const float* x, float* y, const Scratch& s) const;
    void backward_direct(const float* x, const float* y, const float* dy, float* dx, const Scratch& s) const;
    void forward_gemm(const float* x, std::size_t images, float* y, const Scratch& s) const;
    void backward_gemm(const float* x, const float* y, const float* dy, std::size_t images, float* dx,
                       const Scratch& s) const;
    std::size_t group_cols() const { return group_ * geo_.col_cols(); }
    std::size_t col_size() const;
    std::size_t out_size() const;
    std::size_t tile_size() const;
    std::size_t full_size() const;
    Scratch scratch(std::size_t worker);  // all but grad
    std::size_t grad_part_size() const { return (geo_.col_rows() + 1) * opt_.out_channels; }
    std::size_t grad_part_stride() const { return round_up_to_line(grad_part_size(), sizeof(float)); }
    std::size_t scratch_stride() const;
    std::vector<float> scratch_;
    std::vector<float, CacheAlignedAllocator<float>> grad_parts_;  // one grad partial a chunk
    std::vector<float> packed_weight_;  // ocvec: the weights as [(c,i,j)][out], packed per forward
};

}  // namespace trainctl
